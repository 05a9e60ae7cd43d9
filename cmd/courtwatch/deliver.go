package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"courtwatch/cmd/internal/table"
	"courtwatch/internal/escape"
	"courtwatch/storage"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire/hqprofile"
)

const helpExport = `Seals everything written since the last bundle into a new bundle:
encrypted to the default HQ profile's keys, signed by this device, and kept
in the outbox until HQ confirms it. A large backlog becomes several
bundles.

With --to DIR, also writes every bundle HQ has not confirmed yet into the
folder DIR (a USB stick, a shared drive), each as DEVICE-SEQ.cwb next to its
.minisig signature. Only HQ can read them. They stay in the outbox, and go
to HQ's receiver with the next sync too, until HQ's receipt confirms them.
`

const helpSync = `Seals everything new (as export does), then sends every bundle HQ has
not confirmed yet to HQ's receiver, oldest first, and checks HQ's signed
receipt for each. If some fail, it tries once more after a moment. It exits
with an error, saying why, when bundles are still pending; they stay in the
outbox for the next sync, and the window's uploader keeps trying in the
background.
`

const helpOutbox = `Lists every bundle: its number, state, size, when it was sealed, how
many delivery attempts it took, when HQ received it, and the last error.

States: sealed (not sent yet), uploading, delivered (written to a folder;
HQ has not confirmed it), receipt_verified (HQ's signed receipt checked:
done), failed (HQ holds a different bundle with this number: a fork, which
no retry fixes; keep the vault as it is and tell HQ).
`

// syncRetryDelay is the pause before sync's second pass.
var syncRetryDelay = time.Second

func runExport(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	to := fs.String("to", "", "also write the bundles HQ has not confirmed into this `folder`")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	if *to != "" {
		if st, err := os.Stat(*to); err != nil || !st.IsDir() {
			return &hintError{Msg: fmt.Sprintf("%s is not a folder", *to), Err: err,
				Advice: "plug in the USB stick and give the folder where it is mounted"}
		}
	}
	return c.withVault(func(v *storage.Vault) error {
		if err := c.seal(v); err != nil {
			return err
		}
		if *to == "" {
			return nil
		}
		folder := &outbox.Folder{Dir: *to}
		res, err := outbox.Deliver(context.Background(), v, func(hqprofile.Profile) (outbox.Transport, error) { return folder, nil }, nil)
		if res != nil {
			for _, e := range res.Delivered {
				fmt.Fprintf(c.stdout, "wrote bundle %d to %s\n", e.Seq, filepath.Join(*to, outbox.FileName(e.Device, e.Seq)))
			}
		}
		if err != nil {
			return &hintError{Msg: err.Error(), Err: err,
				Advice: "check that the folder is writable and has room, then run export --to again"}
		}
		if len(res.Delivered) == 0 {
			_, err = fmt.Fprintln(c.stdout, "HQ has confirmed every bundle; nothing to write")
		}
		return err
	})
}

// seal seals everything new and says what it sealed.
func (c *cli) seal(v *storage.Vault) error {
	sealed, err := outbox.SealAll(v)
	for _, e := range sealed {
		fmt.Fprintf(c.stdout, "sealed bundle %d: %s, %s, %s\n", e.Seq, table.Plural(e.Records, "version"), table.Plural(e.Attachments, "attachment"), byteSize(e.Size))
	}
	if err != nil {
		return deliveryError(err)
	}
	if len(sealed) == 0 {
		_, err = fmt.Fprintln(c.stdout, "nothing new to export")
	}
	return err
}

func runSync(c *cli, cmd *command, args []string) error {
	if err := cmd.ParseFlags(c.stdout, c.flagSet(cmd), args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return c.withVault(func(v *storage.Vault) error {
		if err := c.seal(v); err != nil {
			return err
		}
		tf := outbox.HTTPSFunc(outbox.HTTPSOptions{})
		res, err := outbox.Deliver(ctx, v, tf, nil)
		if res == nil {
			return deliveryError(err)
		}
		c.reportDelivery(res)
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(c.stderr, "courtwatch: %s\ncourtwatch: trying again in %v\n", escape.String(err.Error()), syncRetryDelay)
			select {
			case <-ctx.Done():
			case <-time.After(syncRetryDelay):
				if res, err = outbox.Deliver(ctx, v, tf, nil); res == nil {
					return deliveryError(err)
				}
				c.reportDelivery(res)
			}
		}
		// Cases with "delete local records after HQ receipt" on lose what
		// HQ now provably holds.
		if n, err := outbox.Purge(v); err != nil {
			return fmt.Errorf("delivered, but deleting the records HQ confirmed failed: %w", err)
		} else if n > 0 {
			fmt.Fprintf(c.stdout, "deleted %d records that HQ confirmed receiving (purge after receipt is on for their case)\n", n)
		}
		return c.syncSummary(v, res)
	})
}

func (c *cli) reportDelivery(res *outbox.Result) {
	for _, e := range res.Verified {
		fmt.Fprintf(c.stdout, "delivered bundle %d to %s: receipt verified\n", e.Seq, escape.String(e.DeliveredTo))
	}
	for _, e := range res.Forked {
		fmt.Fprintf(c.stdout, "bundle %d FAILED: %s\n", e.Seq, escape.String(e.LastError))
	}
}

// syncSummary says how the outbox stands after sync, as an error when
// bundles are still pending or forked.
func (c *cli) syncSummary(v *storage.Vault, res *outbox.Result) error {
	pending, err := outbox.Pending(v)
	if err != nil {
		return err
	}
	if len(pending) == 0 && len(res.Forked) == 0 {
		_, err := fmt.Fprintln(c.stdout, "HQ has confirmed every bundle")
		return err
	}
	var details []string
	for _, e := range pending {
		why := e.LastError
		if s, ok := res.Skipped[e.Seq]; ok {
			why = s
		} else if why == "" {
			why = "not tried: an earlier bundle failed"
		}
		details = append(details, fmt.Sprintf("bundle %d (%s): %s", e.Seq, e.State, why))
	}
	if len(pending) == 0 {
		return &hintError{Msg: fmt.Sprintf("HQ holds different bundles under the numbers of %s", table.Plural(len(res.Forked), "bundle")),
			Advice: "this is a fork of the device's history (a restored backup or a copied vault): keep this vault as it is and tell HQ"}
	}
	return &hintError{
		Msg:    fmt.Sprintf("%s still pending", table.Plural(len(pending), "bundle")),
		Lines:  details,
		Advice: "they stay in the outbox and go with the next sync; check the network and the HQ profile (courtwatch hq list), or carry them on a USB stick with: courtwatch export --to DIR",
	}
}

func runOutbox(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		all, err := outbox.Entries(v)
		if err != nil {
			return deliveryError(err)
		}
		if *jsonOut {
			if all == nil {
				all = []outbox.Entry{}
			}
			return table.PrintJSON(c.stdout, all)
		}
		if len(all) == 0 {
			_, err := fmt.Fprintln(c.stdout, "the outbox is empty; seal the notes with: courtwatch export")
			return err
		}
		t := table.New(c.stdout, "SEQ", "STATE", "SIZE", "SEALED", "ATTEMPTS", "RECEIVED", "ERROR")
		for _, e := range all {
			t.Row(fmt.Sprint(e.Seq), string(e.State), byteSize(e.Size), table.LocalTime(e.Created, "2006-01-02 15:04"),
				fmt.Sprint(e.Attempts), table.LocalTime(e.Received, "2006-01-02 15:04"), e.LastError)
		}
		return t.Flush()
	})
}
