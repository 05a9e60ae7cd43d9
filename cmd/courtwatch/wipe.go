package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"courtwatch/cmd/internal/passphrase"
	"courtwatch/storage"
	"courtwatch/sync/outbox"
)

// duressPassphrase is where the duress passphrase for "duress set" comes
// from, besides the terminal.
var duressPassphrase = passphrase.Vars{File: "COURTWATCH_DURESS_PASSPHRASE_FILE", Value: "COURTWATCH_DURESS_PASSPHRASE"}

// The commands for when the laptop may be taken.
var (
	wipeCommand      = &command{Name: "wipe", Args: "[--yes] [--sync-first SECONDS]", Summary: "erase the vault for ever (crypto-erase)", Run: runWipe, Help: helpWipe}
	duressSetCommand = &command{Name: "duress set", Summary: "set a duress passphrase: it erases the vault and opens a harmless decoy", Run: runDuressSet, Help: helpDuress}
	duressOffCommand = &command{Name: "duress off", Summary: "remove the duress passphrase", Run: runDuressOff}
	lockoutCommand   = &command{Name: "lockout", Args: "[N]", Summary: "erase the vault after N wrong passphrases in a row (0: off); without N, show it", Run: runLockout, Help: helpLockout}
)

const helpWipe = `Erases the vault: first the key (key.wrapped and vault.json are
overwritten, flushed to disk and deleted), which makes every record
unreadable at once, then the rest of the folder. Before asking, it says how
many records HQ has not confirmed yet: those are lost for good.

It asks for the passphrase (to count those records) and then to type
"wipe". --yes skips that question, for scripts. --sync-first SECONDS tries
to deliver to HQ for that long first. If the vault cannot be opened any
more (its key is gone, for example after an interrupted wipe), it offers
to delete what is left.

A wipe cannot reach copies it does not know of: backups, reports saved
elsewhere, old blocks kept by an SSD or the filesystem, swap. See
docs/threat-model.md.
`

const helpDuress = `Sets a second passphrase for when you are forced to unlock the vault.
Typed at unlock, in the window or on the command line, it erases the vault
(as wipe does) and opens instead a new vault holding one harmless civil
case with a few notes, without any message. Afterwards the duress
passphrase opens that decoy and the real passphrase opens nothing.

The duress passphrase is asked twice on the terminal, or taken from
COURTWATCH_DURESS_PASSPHRASE_FILE or COURTWATCH_DURESS_PASSPHRASE. The
vault's files look the same with or without one. Changing the passphrase
with passwd keeps it; "duress off" removes it.
`

const helpLockout = `After N wrong passphrases in a row, the vault erases itself, as wipe
does. The count is written to disk before each passphrase is checked, so
stopping the program does not reset it; the right passphrase resets it.
0 turns it off (the default). Without N, shows the setting.

Someone who copies the disk first can still guess without limit on the
copy: lockout protects against guessing on the laptop itself.
`

func runWipe(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	yes := fs.Bool("yes", false, "do not ask to confirm")
	syncFirst := fs.Int("sync-first", 0, "try to deliver to HQ for this many `seconds` first")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	dir, v, err := c.openVault()
	switch {
	case dir == "" && err != nil:
		return err
	case errors.Is(err, storage.ErrVaultIncomplete), errors.Is(err, storage.ErrKeyDamaged):
		fmt.Fprintf(c.stderr, "courtwatch: the vault in %s cannot be opened: %v\n", dir, err)
		if err := c.confirmWipe(*yes, "Delete what is left of it"); err != nil {
			return err
		}
		if err := storage.Wipe(dir); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.stdout, "deleted what was left of the vault in %s\n", dir)
		return err
	case err != nil:
		return vaultError(dir, err)
	}
	if *syncFirst > 0 {
		c.lastSync(v, time.Duration(*syncFirst)*time.Second)
	}
	n, err := outbox.Unconfirmed(v)
	if err != nil {
		v.Close()
		return err
	}
	if n == 0 {
		fmt.Fprintln(c.stderr, "HQ has confirmed every record in this vault.")
	} else {
		fmt.Fprintf(c.stderr, "%s HQ has not confirmed yet: wiping loses %s for good.\n", plural(n, "record"), map[bool]string{true: "it", false: "them"}[n == 1])
	}
	if err := c.confirmWipe(*yes, "Erase the vault in "+dir+" for ever"); err != nil {
		v.Close()
		return err
	}
	if err := v.Wipe(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "erased the vault in %s\n", dir)
	return err
}

// lastSync tries to deliver the outbox for at most d; failures only print.
func (c *cli) lastSync(v *storage.Vault, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if _, err := outbox.SealAll(v); err != nil {
		fmt.Fprintf(c.stderr, "courtwatch: sealing before the wipe failed: %v\n", err)
		return
	}
	res, err := outbox.Deliver(ctx, v, outbox.HTTPSFunc(outbox.HTTPSOptions{}), nil)
	if res != nil {
		c.reportDelivery(res)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "courtwatch: the last sync did not finish: %v\n", err)
	}
}

// confirmWipe asks to type "wipe" unless yes is set.
func (c *cli) confirmWipe(yes bool, question string) error {
	if yes {
		return nil
	}
	fmt.Fprintf(c.stderr, "%s? Type wipe to confirm: ", question)
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if strings.TrimSpace(line) == "wipe" {
		return nil
	}
	if err != nil && line == "" {
		return &hintError{Msg: "nothing was erased: no answer to the question", Advice: "type wipe to confirm, or give --yes"}
	}
	return &hintError{Msg: "nothing was erased", Advice: "type wipe (the word) to confirm, or give --yes"}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func runDuressSet(c *cli, cmd *command, args []string) error {
	if err := cmd.ParseFlags(c.stdout, c.flagSet(cmd), args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		d, err := c.newPassphraseFor(duressPassphrase, "Duress passphrase: ")
		if err != nil {
			return err
		}
		defer clear(d)
		if err := v.SetDuress(d); err != nil {
			return err
		}
		_, err = fmt.Fprintln(c.stdout, "duress passphrase set: typed at unlock, it erases this vault and opens a decoy")
		return err
	})
}

func runDuressOff(c *cli, cmd *command, args []string) error {
	if err := cmd.ParseFlags(c.stdout, c.flagSet(cmd), args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		if err := v.DuressOff(); err != nil {
			return err
		}
		_, err := fmt.Fprintln(c.stdout, "no duress passphrase")
		return err
	})
}

func runLockout(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return cmd.UsageError("lockout takes one number, not %q", strings.Join(pos, " "))
	}
	dir, err := c.vaultDir()
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		limit, failures := storage.LockoutStatus(dir)
		if limit == 0 {
			_, err = fmt.Fprintln(c.stdout, "lockout off")
		} else {
			_, err = fmt.Fprintf(c.stdout, "lockout %d: the vault is erased after %d wrong passphrases in a row (%d so far)\n", limit, limit, failures)
		}
		return err
	}
	n, err := strconv.Atoi(pos[0])
	if err != nil || n < 0 {
		return cmd.UsageError("lockout needs a whole number of attempts, such as 10, or 0 for off, not %q", pos[0])
	}
	return c.withVault(func(v *storage.Vault) error {
		if err := v.SetLockout(n); err != nil {
			return err
		}
		if n == 0 {
			_, err = fmt.Fprintln(c.stdout, "lockout off")
		} else {
			_, err = fmt.Fprintf(c.stdout, "lockout %d: the vault is erased after %d wrong passphrases in a row\n", n, n)
		}
		return err
	})
}
