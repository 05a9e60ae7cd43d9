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
	fs := c.flagSet(cmd)
	store := storeFlag(fs)
	name, err := cmd.ParseOne(c.stdout, fs, args, "DEVICE-FILE")
	if err != nil {
		return err
	}
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	b, err := c.input(name)
	if err != nil {
		return err
	}
	d, added, err := hq.Enroll(dir, b)
	if err != nil {
		return err
	}
	if err := c.publish(*store, d); err != nil {
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
	fs := c.flagSet(cmd)
	store := storeFlag(fs)
	id, err := cmd.ParseOne(c.stdout, fs, args, "ID")
	if err != nil {
		return err
	}
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	d, err := hq.Revoke(dir, id)
	if err != nil {
		return err
	}
	if err := c.publish(*store, d); err != nil {
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
