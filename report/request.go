package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// Request is one report as a command line asks for it: what it is about,
// the format, the CSV table and where to write it.
type Request struct {
	Subject Subject
	Kind    string // storage kind of the subject's record
	ID      uuid.UUID
	Format  string // html, pdf or csv
	Table   string // with csv
	Out     string
	Lang    string // of an html or pdf report: "en" or "km"
}

// ParseRequest checks a report request. Without a format, it comes from
// out's extension. Errors say what to type instead.
func ParseRequest(subject, id, out, format, table string) (Request, error) {
	r := Request{Subject: Subject(subject), Format: format, Table: table, Out: out}
	r.Kind = map[Subject]string{SubjectHearing: storage.KindHearing, SubjectCase: storage.KindCase,
		SubjectDefendant: storage.KindPerson}[r.Subject]
	if r.Kind == "" {
		return r, fmt.Errorf("a report is about a hearing, a case or a defendant, not %q", subject)
	}
	var err error
	if r.ID, err = uuid.Parse(id); err != nil {
		return r, fmt.Errorf("the %s id %q is not an id; ids look like 01a226e2-50c1-71cb-b742-837f20e5419c", subject, id)
	}
	if out == "" {
		return r, fmt.Errorf("--out FILE is required: a report is written only where you say")
	}
	if r.Format == "" {
		r.Format = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
		if r.Format == "htm" {
			r.Format = "html"
		}
	}
	if !slices.Contains([]string{"html", "pdf", "csv"}, r.Format) {
		return r, fmt.Errorf("--format must be html, pdf or csv (or give --out a .html, .pdf or .csv name)")
	}
	if r.Format == "csv" && !slices.Contains(CSVTables, CSVTable(r.Table)) {
		return r, fmt.Errorf("--table must be notes, attendance, checklist or matrix")
	}
	return r, nil
}
