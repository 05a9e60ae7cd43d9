package records

import (
	"errors"
	"fmt"
	"io"

	"courtwatch/cmd/internal/cmdline"
	"courtwatch/cmd/internal/table"
	"courtwatch/report"
	"courtwatch/storage"
)

// CheckCSVHelp is the part of both programs' "help report check" that
// says how a CSV export is checked (CheckReport).
const CheckCSVHelp = `A CSV export (--table notes, attendance or checklist) is checked by the
records its rows cite (record_id, version, hash): each must be in this
vault with that hash and unchanged. A CSV names no subject, so what it
leaves out is not checked. The matrix cites no records and is refused.
`

// MaxReportFile bounds the report file "report check" reads.
const MaxReportFile = 1 << 30

// CheckReport checks a report file against v, prints what it checked, and
// returns the problems found: none means the report is what the vault
// says.
func CheckReport(out io.Writer, v *storage.Vault, data []byte) ([]string, error) {
	res, err := report.Check(v, data)
	if err != nil {
		return nil, err
	}
	m := res.Manifest
	if res.CSV != "" {
		fmt.Fprintf(out, "%s CSV, cites %s (a CSV names no subject: what it leaves out is not checked)\n", res.CSV, table.Plural(len(m.Sources), "record"))
		if res.OK() {
			_, err := fmt.Fprintf(out, "ok: every record it cites is in this vault with the cited hash and unchanged\n")
			return nil, err
		}
		fmt.Fprintf(out, "%d of %s match this vault\n", res.Checked, table.Plural(len(m.Sources), "cited record"))
		return res.Problems, nil
	}
	fmt.Fprintf(out, "%s report of %s %s, generated %s, rests on %s\n", m.Subject, m.Subject, m.ID,
		m.Generated.UTC().Format("2006-01-02 15:04:05 UTC"), table.Plural(len(m.Sources), "record"))
	if res.OK() {
		_, err := fmt.Fprintf(out, "ok: every record it lists is in this vault with the listed hash and unchanged, and the report made now rests on exactly these\n")
		return nil, err
	}
	fmt.Fprintf(out, "%d of %s match this vault\n", res.Checked, table.Plural(len(m.Sources), "listed record"))
	return res.Problems, nil
}

// CheckReportFile is "report check" of the report file name, read into
// data, against v, which the messages call vault ("this vault", "the HQ
// vault"); history is the command that shows a record's versions. It
// prints what it checked and returns an error listing every problem.
func CheckReportFile(out io.Writer, v *storage.Vault, name string, data []byte, vault, history string) error {
	problems, err := CheckReport(out, v, data)
	if errors.Is(err, report.ErrNoManifest) || errors.Is(err, report.ErrCSVNoRecords) {
		return &cmdline.HintError{Msg: fmt.Sprintf("%s: %v", name, err), Err: err, Advice: "check an HTML or PDF report, or a notes, attendance or checklist CSV, that this version of Courtwatch made"}
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &cmdline.HintError{Msg: fmt.Sprintf("%s does not match %s", name, vault), Lines: problems,
			Advice: "a changed record is shown with its history by: " + history + " ID; make the report again to show the vault as it is now"}
	}
	return nil
}

// FindHash prints the record version with a sha256 hash (or a prefix of at
// least 12 hex digits) and then the record's history.
func (p *Printer) FindHash(v *storage.Vault, hash string) error {
	ver, err := report.FindVersion(v, hash)
	if err != nil {
		return err
	}
	if ver.Purged {
		_, err := fmt.Fprintf(p.Out, "sha256 %s is a version of record %s, written by device %s (chain position %d): removed from this device after HQ confirmed receiving it; only its hash remains here, in the chain\n",
			ver.Hash, ver.ID, ver.Device, ver.Seq)
		return err
	}
	if !p.JSON {
		fmt.Fprintf(p.Out, "sha256 %s is version %d of %s %s\n\n", ver.Hash, ver.Version, ver.Type, ver.ID)
	}
	vers, err := v.History(ver.ID)
	if err != nil {
		return err
	}
	return p.History(ver.ID, vers)
}
