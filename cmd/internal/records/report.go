package records

import (
	"errors"
	"flag"

	"courtwatch/report"
)

// ReportFlags are the report command's flags.
type ReportFlags struct {
	Out, Format, Table *string
}

// AddReportFlags defines the report command's flags in fs.
func AddReportFlags(fs *flag.FlagSet) *ReportFlags {
	return &ReportFlags{
		Out:    fs.String("out", "", "the `file` to write (required)"),
		Format: fs.String("format", "", "html, pdf or csv (default: from --out's extension)"),
		Table:  fs.String("table", string(report.CSVNotes), "with csv, the `table`: notes, attendance, checklist or matrix"),
	}
}

// Request checks the report command's arguments pos (subject and id) and
// flags; the error is a usage error's message.
func (f *ReportFlags) Request(pos []string) (report.Request, error) {
	if len(pos) != 2 {
		return report.Request{}, errors.New("say what the report is about and its id, e.g. report case ID --out case.pdf")
	}
	return report.ParseRequest(pos[0], pos[1], *f.Out, *f.Format, *f.Table)
}
