package main

import (
	"errors"
	"fmt"
	"os"

	"courtwatch/cmd/internal/cmdline"
	"courtwatch/cmd/internal/table"
	"courtwatch/internal/escape"
	"courtwatch/storage"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire/hqprofile"
)

const helpDeviceExport = `Writes this device's device file: its id, the monitor's name and its
public signing key, as JSON. Give it to HQ, which enrolls the device with
it; HQ then accepts bundles signed by this device. The file holds no
secret.
`

const helpHQAdd = `Installs the HQ profile file that HQ gave you: the receiver's address,
the keys bundles are encrypted to, the key that signs HQ's receipts, and
optionally a certificate pin and a proxy (e.g. socks5://127.0.0.1:9050 for
Tor). The first profile becomes the default, which new bundles are sealed
to. Installing a profile under a name already used replaces it and lists
what changes. When the new one has other keys (another HQ, or HQ changed
its keys: new bundles would be readable by other keys), it needs
--replace: check with HQ first. Bundles sealed before keep their keys.
Use - to read standard input.
`

func runDeviceExport(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	out := fs.String("out", "", "write the device file to `FILE` instead of standard output")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		_, b, err := outbox.DeviceFile(v)
		if err != nil {
			return err
		}
		if *out == "" {
			_, err = c.stdout.Write(b)
			return err
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return &hintError{Msg: "write the device file: " + err.Error(), Err: err, Advice: "check the folder, or leave out --out to print it"}
		}
		_, err = fmt.Fprintf(c.stdout, "device file written to %s\n", *out)
		return err
	})
}

func runHQAdd(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	name := fs.String("name", "", "install it under this `name` (default: the name in the file)")
	def := fs.Bool("default", false, "seal new bundles to this profile")
	replace := fs.Bool("replace", false, "replace an installed profile of that name for another HQ, or with other keys")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.UsageError("give one HQ profile file, or - for standard input")
	}
	in, err := c.input(pos[0])
	if err != nil {
		return err
	}
	b, err := cmdline.ReadSmall(in, 1<<20, "the HQ profile "+pos[0])
	in.Close()
	if err != nil {
		return err
	}
	p, err := hqprofile.Parse(b)
	if err != nil {
		return &hintError{Msg: err.Error(), Err: err, Advice: "install the profile file exactly as HQ sent it, or ask HQ for a new one"}
	}
	if *name != "" {
		p.Name = *name
	}
	return c.withVault(func(v *storage.Vault) error {
		old, err := outbox.Profile(v, p.Name)
		replaced := err == nil
		var changes []string
		if replaced {
			var otherHQ bool
			changes, otherHQ = outbox.ProfileChanges(old, p)
			for i, ch := range changes {
				changes[i] = escape.String(ch)
			}
			if otherHQ && !*replace {
				return &hintError{Msg: fmt.Sprintf("HQ profile %q is installed with other keys: this profile is for another HQ, or HQ changed its keys; nothing was changed", p.Name),
					Lines:  changes,
					Advice: "check with HQ, by a channel you trust, that the new keys are theirs; then install it with --replace (bundles sealed before keep their keys), or under another name with --name"}
			}
		}
		if err := outbox.AddProfile(v, p, "", *def); err != nil {
			return &hintError{Msg: err.Error(), Err: err, Advice: "choose another name with --name, or ask HQ for a new profile"}
		}
		d, err := outbox.DefaultProfile(v)
		if err != nil {
			return err
		}
		verb, note := "installed", ""
		if replaced {
			verb = "replaced"
			note = "; bundles sealed before keep the keys they were sealed to"
		}
		if d.Name == p.Name {
			note = ", the default: new bundles are sealed to it" + note
		}
		_, err = fmt.Fprintf(c.stdout, "HQ profile %q %s%s\n", p.Name, verb, note)
		for _, ch := range changes {
			fmt.Fprintf(c.stdout, "  %s\n", ch)
		}
		return err
	})
}

func runHQList(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		ps, err := outbox.Profiles(v)
		if err != nil {
			return err
		}
		if *jsonOut {
			if ps == nil {
				ps = []outbox.ProfileInfo{}
			}
			return table.PrintJSON(c.stdout, ps)
		}
		if len(ps) == 0 {
			return &hintError{Msg: "no HQ profile installed", Err: outbox.ErrNoProfile, Advice: noProfileHint}
		}
		t := table.New(c.stdout, "NAME", "DEFAULT", "URL", "PIN", "PROXY", "RECIPIENTS")
		for _, p := range ps {
			def := ""
			if p.Default {
				def = "yes"
			}
			pin := ""
			if p.TLSPin != "" {
				pin = p.TLSPin[:len("sha256:")+12] + "…"
			}
			t.Row(p.Name, def, p.URL, pin, p.Proxy, fmt.Sprint(len(p.Recipients)))
		}
		return t.Flush()
	})
}

const noProfileHint = "install the profile file HQ gave you with: courtwatch hq add PROFILE-FILE"

// deliveryError explains an error from sealing or delivering.
func deliveryError(err error) error {
	switch {
	case errors.Is(err, outbox.ErrNoProfile):
		return &hintError{Msg: err.Error(), Err: err, Advice: noProfileHint}
	case errors.Is(err, outbox.ErrCorrupt):
		return &hintError{Msg: err.Error(), Err: err,
			Advice: "the vault may have been damaged: do not change it, keep a copy of the folder and ask for help"}
	}
	return err
}

// byteSize says "850 B", "4.2 kB" or "3.1 MB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1_000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
