package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"text/tabwriter"

	"courtwatch/cmd/internal/testkdf"
	"courtwatch/internal/escape"
	"courtwatch/storage"
	"courtwatch/sync/wire"
)

const helpInit = `Creates the vault folder and this device's identity. The passphrase is
asked twice on the terminal (or taken from COURTWATCH_PASSPHRASE_FILE or
COURTWATCH_PASSPHRASE). It cannot be recovered: without it the vault
cannot be opened. Prints the vault folder and the device id.

COURTWATCH_TEST_KDF=1 is for automated tests only: in a test build (-tags
ci) it makes a vault whose passphrase is quick to check, and so quick to
guess from a seized disk. A shipped build ignores it.
`

const helpPasswd = `Asks for the current passphrase, then the new one twice. Scripts can
give the new one in COURTWATCH_NEW_PASSPHRASE_FILE or
COURTWATCH_NEW_PASSPHRASE. Only the key file changes; the notes are not
re-encrypted.
`

// openVault asks for the passphrase and opens the vault. It returns
// storage's error as it is, with the folder (empty when the folder or the
// passphrase could not be had), for the caller to explain.
func (c *cli) openVault() (dir string, v *storage.Vault, err error) {
	dir, err = c.vaultDir()
	if err != nil {
		return "", nil, err
	}
	pass, err := c.passphrase(currentPassphrase, "Passphrase for "+dir+": ", false)
	if err != nil {
		return "", nil, err
	}
	v, err = storage.Open(dir, pass)
	clear(pass)
	return dir, v, err
}

// withVault opens the vault, runs fn and closes the vault.
func (c *cli) withVault(fn func(v *storage.Vault) error) (err error) {
	dir, v, err := c.openVault()
	if err != nil {
		if dir == "" {
			return err
		}
		return vaultError(dir, err)
	}
	for _, n := range v.Notices() { // lost records, an import finished or rolled back, a full disk
		fmt.Fprintf(c.stderr, "courtwatch: %s\n", n)
	}
	defer func() {
		if cerr := v.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	return fn(v)
}

func runInit(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	name := fs.String("name", "", "the monitor's `name` for this device, shown at headquarters")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	if err := wire.CheckName(*name); err != nil {
		return cmd.UsageError("--name: the monitor's %v", err) // HQ would refuse the device file
	}
	dir, err := c.vaultDir()
	if err != nil {
		return err
	}
	if err := storage.CanCreate(dir); err != nil { // before asking for a passphrase
		return vaultError(dir, err)
	}
	opt := storage.CreateOptions{DeviceName: *name}
	if kdf, ok := testkdf.FromEnv(c.getenv); ok {
		fmt.Fprintln(c.stderr, "courtwatch: warning: COURTWATCH_TEST_KDF=1: this vault's passphrase is weakly protected; use it for tests only")
		opt.KDF = kdf
	}
	pass, err := c.newPassphraseFor(currentPassphrase, "New passphrase for "+dir+": ")
	if err != nil {
		return err
	}
	v, err := storage.Create(dir, pass, opt)
	clear(pass)
	if err != nil {
		return vaultError(dir, err)
	}
	dev := v.Device()
	if err := v.Close(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "vault   %s\ndevice  %s\n", dir, dev.ID)
	return err
}

func runPasswd(c *cli, cmd *command, args []string) error {
	if err := cmd.ParseFlags(c.stdout, c.flagSet(cmd), args); err != nil {
		return err
	}
	dir, err := c.vaultDir()
	if err != nil {
		return err
	}
	old, err := c.passphrase(currentPassphrase, "Current passphrase for "+dir+": ", false)
	if err != nil {
		return err
	}
	defer clear(old)
	pass, err := c.newPassphraseFor(newPassphrase, "New passphrase: ")
	if err != nil {
		return err
	}
	defer clear(pass)
	if err := storage.ChangePassphrase(dir, old, pass); err != nil {
		return vaultError(dir, err)
	}
	_, err = fmt.Fprintln(c.stdout, "passphrase changed")
	return err
}

func runDevice(c *cli, cmd *command, args []string) error {
	if err := cmd.ParseFlags(c.stdout, c.flagSet(cmd), args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		d := v.Device()
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "id\t%s\nname\t%s\npublic key\t%s\n", d.ID, escape.String(d.Name), base64.StdEncoding.EncodeToString(d.PublicKey))
		return tw.Flush()
	})
}

func runVerify(c *cli, cmd *command, args []string) error {
	if err := cmd.ParseFlags(c.stdout, c.flagSet(cmd), args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		n, err := v.VerifyChain(v.Device().ID)
		var brk *storage.ChainBreak
		if errors.As(err, &brk) {
			return &hintError{Msg: fmt.Sprintf("chain broken after %d good versions: %v", n, brk), Err: err,
				Advice: "the vault may have been damaged or tampered with: do not change it, keep a copy of the folder and ask for help"}
		}
		if err != nil {
			return err
		}
		if lost := v.Lost(); len(lost) > 0 {
			var details []string
			for _, l := range lost {
				details = append(details, l.String())
			}
			return &hintError{Msg: fmt.Sprintf("the chain holds %d good versions, but the vault has lost records", n), Lines: details,
				Advice: "the vault's storage was damaged: keep a copy of the folder; what HQ has received is safe there, and 'courtwatch outbox' shows what was delivered", Err: storage.ErrTampered}
		}
		fmt.Fprintf(c.stdout, "chain ok: %d versions\n", n)
		if _, head := v.Head(); head != "" {
			// The newest version's hash: what a report's footer or HQ's
			// receipts can be compared with (courtwatch history --hash).
			fmt.Fprintf(c.stdout, "head: sha256 %s\n", head)
		}
		return nil
	})
}
