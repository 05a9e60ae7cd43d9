package records

import (
	"errors"
	"flag"

	"courtwatch/report"
)

// ReportFlags are the report command's flags.
type ReportFlags struct {
	Out, Format, Table, Lang *string
}

// AddReportFlags defines the report command's flags in fs.
func AddReportFlags(fs *flag.FlagSet) *ReportFlags {
	return &ReportFlags{
		Out:    fs.String("out", "", "the `file` to write (required)"),
		Format: fs.String("format", "", "html, pdf or csv (default: from --out's extension)"),
		Table:  fs.String("table", string(report.CSVNotes), "with csv, the `table`: notes, attendance, checklist or matrix"),
		Lang:   fs.String("lang", report.LangEnglish, "the `language` of an html or pdf report: en or km (csv is always English)"),
	}
}

// Request checks the report command's arguments pos (subject and id) and
// flags; the error is a usage error's message.
func (f *ReportFlags) Request(pos []string) (report.Request, error) {
	if len(pos) != 2 {
		return report.Request{}, errors.New("say what the report is about and its id, e.g. report case ID --out case.pdf")
	}
	r, err := report.ParseRequest(pos[0], pos[1], *f.Out, *f.Format, *f.Table)
	if err != nil {
		return r, err
	}
	switch r.Lang = *f.Lang; {
	case report.CheckLang(r.Lang) != nil:
		return r, errors.New("--lang must be en (English) or km (Khmer)")
	case r.Format == "csv" && r.Lang == report.LangKhmer:
		return r, errors.New("CSV exports are always in English (their columns are a fixed format); --lang km is for html and pdf reports")
	}
	return r, nil
}
