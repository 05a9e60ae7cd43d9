package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"courtwatch/cmd/internal/table"
	"courtwatch/internal/escape"
	"courtwatch/storage"
	"courtwatch/sync/hq/importer"
	"courtwatch/sync/hq/receiver"
)

const helpImport = `Imports the bundles in a folder into the HQ vault: the receiver's store
(--from defaults to store/ in the HQ folder, where serve keeps them) or a
folder that bundles were copied to, such as a USB stick, or the bucket
that receivers share (--from s3://BUCKET/PREFIX, with the AWS_* variables
as for serve). Each bundle is checked first: signed by an enrolled device
(a revoked device's bundle only if HQ's receiver receipted it before the
revocation: its .receipt.json next to it, or in a bucket the .cwb's
metadata, signed by HQ, says when);
encrypted to this HQ; its manifest, content and hash chain intact; and in sequence with the
device's bundles that HQ imported. Then its record versions are merged,
and the HQ vault keeps every version: an edit made on a device adds a
version, the old one stays in the record's history.

Importing a bundle again changes nothing, so importing the whole store
each time is safe. A bundle that arrives before an earlier one of its
device is imported, and the missing one is named ("device X: bundle 7
missing"); it is linked to its neighbours when it arrives. A bundle that
conflicts with one HQ imported (a fork: the device was copied or restored
from a backup) or fails a check is not imported, and the exit status is 1.
So is a bundle in another bundle's place (its name, <device>/<seq>.cwb or
<device>-<seq>.cwb, names another device or number than its signature):
someone moved or copied it, and the report says where it belongs.
"courtwatch-hq verify BUNDLE" explains one bundle in detail.
`

const helpVerify = `Explains, check by check, what is right or wrong with one bundle file
(next to its .minisig file): which device signed it and whether it is
enrolled, whether HQ's age key opens it, its manifest and content, its
place in the device's hash chain, and its place among the device's
bundles that the HQ vault holds. The last line says what import would do:
import, import after a gap, replay (imported before; nothing to do), fork
or reject. The exit status is 1 for a fork or a rejected bundle.
`

func runImport(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	from := fs.String("from", "", "the `folder` or s3://BUCKET/PREFIX of bundles (default: store in the HQ folder)")
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		store := filepath.Join(dir, "store")
		if *from == "" {
			*from = store
		}
		if _, err := os.Stat(*from); err != nil && !receiver.IsS3URL(*from) {
			msg := fmt.Sprintf("import: no bundles to read: %s cannot be read (%v)", *from, errors.Unwrap(err))
			switch {
			case errors.Is(err, os.ErrNotExist) && *from == store:
				msg = fmt.Sprintf("import: no bundles to read: %s does not exist yet; serve makes it when it stores the first bundle", *from)
			case errors.Is(err, os.ErrNotExist):
				msg = fmt.Sprintf("import: no bundles to read: there is no %s", *from)
			}
			return &hintError{Msg: msg, Err: err,
				Advice: "give the folder of bundles with --from: the store that serve writes to, or a USB stick's folder, or s3://BUCKET/PREFIX"}
		}
		rep, err := importer.Import(dir, v, *from, importer.ImportOptions{Getenv: c.getenv})
		defer noteIndexing(c.stderr, v) // before withVault closes v
		if err != nil {
			// Stopped (a full disk, a failing vault): what it imported
			// until then is in the HQ vault, and the report says so.
			if rep != nil && rep.Any() {
				if !*jsonOut {
					fmt.Fprintln(c.stdout, "import stopped before it was done (the error below says why); until then:")
				}
				writeImportReport(c.stdout, *from, rep, *jsonOut, true)
			}
			return err
		}
		err = writeImportReport(c.stdout, *from, rep, *jsonOut, false)
		if err != nil || !rep.Failed() {
			return err
		}
		n := len(rep.Unreadable)
		for _, d := range rep.Devices {
			n += len(d.Forks) + len(d.Rejected)
		}
		advice := "see what is wrong with one with: courtwatch-hq verify FILE; copy a damaged bundle again from the device, and find out how a forked one came about before importing anything more from that device"
		if receiver.IsS3URL(*from) {
			advice = "to look at one with courtwatch-hq verify, download it and its signature as \"Bundles in a bucket\" in the README shows; find out who else holds the bucket's keys if an object was altered or moved, and how a forked bundle came about before importing anything more from that device"
		}
		return &hintError{Msg: fmt.Sprintf("import: %s not imported; the reasons are listed above", table.Plural(n, "bundle")),
			Advice: advice}
	})
}

// indexNotice is the search index's backlog (storage.Vault.IndexBacklog)
// from which import says why closing the HQ vault takes a while: at 1M
// versions imported at once, about half a minute, which looks like a hang.
var indexNotice = 100_000

// noteIndexing says, if closing v will wait for the search index to take
// in many imported versions, that it does and that stopping it is safe.
func noteIndexing(w io.Writer, v *storage.Vault) {
	if n := v.IndexBacklog(); n >= indexNotice {
		fmt.Fprintf(w, "courtwatch-hq: making %s searchable before closing the HQ vault; this can take a minute. Stopping it loses nothing: the next command that opens the HQ vault finishes it\n",
			table.Plural(n, "imported version"))
	}
}

// writeImportReport prints the import report as JSON or for people;
// stopped says that the import stopped before it was done.
func writeImportReport(w io.Writer, from string, rep *importer.ImportReport, jsonOut, stopped bool) error {
	if jsonOut {
		return table.PrintJSON(w, rep)
	}
	return writeReport(w, from, rep, stopped)
}

// writeReport prints the import report for people. If the import stopped
// before it was done, it stopped at the last device listed (they are
// imported in the order listed), which is said instead of "nothing new".
func writeReport(w io.Writer, from string, rep *importer.ImportReport, stopped bool) error {
	var b strings.Builder
	if len(rep.Devices) == 0 && len(rep.Unreadable) == 0 {
		fmt.Fprintf(&b, "no bundles in %s\n", from)
	}
	for _, d := range rep.Devices {
		name := monitorName(d.Monitor)
		if !d.Enrolled {
			name = "(not enrolled)"
		}
		fmt.Fprintf(&b, "device %s  %s\n", d.Device, name)
		if !d.Revoked.IsZero() {
			fmt.Fprintf(&b, "  revoked on %s: only bundles HQ receipted before then are imported\n", d.Revoked.Format(time.RFC3339))
		}
		if len(d.Imported) > 0 {
			fmt.Fprintf(&b, "  imported %s (%s): %s added\n", table.Plural(len(d.Imported), "bundle"), seqList(d.Imported), table.Plural(d.Added, "new version"))
		}
		if d.Replays > 0 {
			fmt.Fprintf(&b, "  skipped %s imported before\n", table.Plural(d.Replays, "bundle"))
		}
		switch {
		case stopped && d == rep.Devices[len(rep.Devices)-1]:
			b.WriteString("  the import stopped at this device's bundles\n")
		case len(d.Imported) == 0 && d.Replays == 0 && len(d.Forks)+len(d.Rejected) == 0:
			b.WriteString("  nothing new\n")
		}
		for i, q := range d.Missing {
			if i == 10 {
				fmt.Fprintf(&b, "  device %s: %d more bundles missing, up to bundle %d\n", d.Device, len(d.Missing)-i, d.Missing[len(d.Missing)-1])
				break
			}
			fmt.Fprintf(&b, "  device %s: bundle %d missing\n", d.Device, q)
		}
		for _, p := range d.Forks {
			fmt.Fprintf(&b, "  fork: bundle %d in %s: %s\n", p.Seq, escape.String(p.File), escape.String(p.Reason))
		}
		for _, p := range d.Rejected {
			if p.Seq == 0 { // no verified number
				fmt.Fprintf(&b, "  rejected: %s: %s\n", escape.String(p.File), escape.String(p.Reason))
				continue
			}
			fmt.Fprintf(&b, "  rejected: bundle %d in %s: %s\n", p.Seq, escape.String(p.File), escape.String(p.Reason))
		}
	}
	for _, p := range rep.Unreadable {
		fmt.Fprintf(&b, "rejected: %s: %s\n", escape.String(p.File), escape.String(p.Reason))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// seqList is "1, 2, 3", or "1 to 40" for a run of more than 3.
func seqList(seqs []uint64) string {
	if n := len(seqs); n > 3 && seqs[n-1]-seqs[0] == uint64(n-1) {
		return fmt.Sprintf("%d to %d", seqs[0], seqs[n-1])
	}
	s := make([]string, len(seqs))
	for i, q := range seqs {
		s[i] = fmt.Sprint(q)
	}
	return strings.Join(s, ", ")
}

func runVerify(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print the explanation as JSON")
	path, err := cmd.ParseOne(c.stdout, fs, args, "BUNDLE")
	if err != nil {
		return err
	}
	if receiver.IsS3URL(path) {
		return &usageError{Msg: "verify: " + path + " is in a bucket; verify reads a bundle file with its .minisig next to it",
			Advice: "download the object and its signature first, as \"Bundles in a bucket\" in the README shows (aws s3api head-object ... | base64 -d > B.cwb.minisig)"}
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		e, err := importer.VerifyFile(dir, v, path)
		if err != nil {
			return err
		}
		if *jsonOut {
			err = table.PrintJSON(c.stdout, e)
		} else {
			err = writeExplanation(c.stdout, e)
		}
		if err != nil || e.Err == nil {
			return err
		}
		return &hintError{Msg: fmt.Sprintf("verify: import would not import %s (%s)", path, e.Outcome), Err: e.Err,
			Advice: "the failed check above says what is wrong and what to do"}
	})
}

// writeExplanation prints what verify found, as importer.Explanation.String
// does, with the text that comes from the bundle and the registry escaped.
func writeExplanation(w io.Writer, e *importer.Explanation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "bundle %s\n", escape.String(e.File))
	for _, s := range e.Steps {
		fmt.Fprintf(&b, "  %-11s %-11s %s\n", s.Check, s.Status, escape.String(s.Detail))
	}
	fmt.Fprintf(&b, "outcome: %s\n", e.Outcome)
	_, err := io.WriteString(w, b.String())
	return err
}
