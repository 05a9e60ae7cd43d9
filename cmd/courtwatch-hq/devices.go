package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"courtwatch/cmd/internal/table"
	"courtwatch/internal/escape"
	"courtwatch/sync/hq"
)

const helpEnroll = `Enrolls the device in a device file, which a monitor makes with
"courtwatch device export": from then on the receiver accepts the bundles
that this device signs. Before enrolling, check with the monitor, by a
channel you trust (in person, or a call where you know the voice), that
the key printed here is their device's. Enrolling the same file again
changes nothing.
`

func runEnroll(c *cli, cmd *command, args []string) error {
	added := false
	d, err := c.changeRegistry(cmd, args, "DEVICE-FILE", func(dir, name string) (hq.Device, error) {
		b, err := c.input(name)
		if err != nil {
			return hq.Device{}, err
		}
		d, ok, err := hq.Enroll(dir, b)
		added = ok
		return d, err
	})
	if err != nil {
		return err
	}
	state := "enrolled"
	if !added {
		state = "already enrolled; nothing changed"
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "device\t%s\nmonitor\t%s\nkey\t%s\nstate\t%s\n", d.ID, monitorName(d.Monitor), d.PublicKey, state)
	return tw.Flush()
}

// changeRegistry parses the arguments of enroll or revoke (cmd): --store
// and one argument, named what in errors. It changes the HQ folder's
// device registry with change, then publishes the changed device to the
// --store bucket, if given.
func (c *cli) changeRegistry(cmd *command, args []string, what string, change func(dir, arg string) (hq.Device, error)) (hq.Device, error) {
	fs := c.flagSet(cmd)
	store := storeFlag(fs)
	arg, err := cmd.ParseOne(c.stdout, fs, args, what)
	if err != nil {
		return hq.Device{}, err
	}
	dir, err := c.hqDir()
	if err != nil {
		return hq.Device{}, err
	}
	d, err := change(dir, arg)
	if err != nil {
		return hq.Device{}, err
	}
	return d, c.publish(*store, d)
}

func runDevices(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	asJSON := fs.Bool("json", false, "print JSON: a list of the registry's entries")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	all, err := hq.Devices(dir)
	if err != nil {
		return err
	}
	if *asJSON {
		if all == nil {
			all = []hq.Device{}
		}
		b, err := json.MarshalIndent(all, "", "  ")
		if err != nil {
			return err
		}
		_, err = c.stdout.Write(append(b, '\n'))
		return err
	}
	t := table.New(c.stdout, "ID", "MONITOR", "ENROLLED", "STATE")
	for _, d := range all {
		state := "active"
		if !d.Active() {
			state = "revoked " + d.Revoked.Format(time.DateOnly)
		}
		t.Row(d.ID, monitorName(d.Monitor), d.Enrolled.Format(time.DateOnly), state)
	}
	return t.Flush()
}

func runRevoke(c *cli, cmd *command, args []string) error {
	d, err := c.changeRegistry(cmd, args, "ID", hq.Revoke)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "device %s (%s) revoked on %s; the receiver refuses its uploads, and import takes only the bundles HQ receipted before then\n",
		d.ID, monitorName(d.Monitor), d.Revoked.Format(time.RFC3339))
	return err
}

// monitorName is a device file's monitor name as printed: escaped
// (package escape), or "(no monitor name)" if the device file gave none.
func monitorName(s string) string {
	if s == "" {
		return "(no monitor name)"
	}
	return escape.String(s)
}
