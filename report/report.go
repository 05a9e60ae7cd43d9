package report

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/outbox"

	"github.com/google/uuid"
)

// Subject is what a report is about.
type Subject string

// Subjects.
const (
	SubjectHearing   Subject = "hearing"
	SubjectCase      Subject = "case"
	SubjectDefendant Subject = "defendant"
)

// Options tune a report. The zero value is fine.
type Options struct {
	// Now is the generation time printed in the footer; zero means the
	// current time. Tests and sample reports set it.
	Now time.Time
	// DeviceNames names the devices whose records a report includes, e.g.
	// the monitors enrolled at HQ. The vault's own device is always named.
	DeviceNames map[uuid.UUID]string
	// Lang is the language HTML and PDF reports are written in: "en" (or
	// empty) or "km". CSV exports are always in English.
	Lang string
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// ErrSubject means a report was asked for with an unknown subject.
var ErrSubject = errors.New("a report is about a hearing, a case or a defendant")

// rep builds one report.
type rep struct {
	*loader
	v          *storage.Vault
	opt        Options
	t          tr
	b          builder
	checklists map[string]*Checklist
	unknown    map[string]*Question
	multi      bool // the report holds observations of more than one device
	edited     []editedEntry
	bundles    []outbox.Entry // this device's outbox: which bundle carried which versions
	other      *Section       // otherSection in the report's language
}

// T translates a report's own text; see tr.
func (r *rep) T(format string, a ...any) string { return r.t.T(format, a...) }

// N is a count of things in the report's language; see tr.N.
func (r *rep) N(n int, one, many string) string { return r.t.N(n, one, many) }

// Build reads what the report about id needs from the vault, in one
// consistent snapshot, and lays it out as a Doc.
func Build(v *storage.Vault, s Subject, id uuid.UUID, opt Options) (*Doc, error) {
	var doc *Doc
	if err := CheckLang(opt.Lang); err != nil {
		return nil, err
	}
	t := newTr(opt.Lang)
	bundles, err := loadBundles(v)
	if err != nil {
		return nil, err
	}
	err = v.View(func(tx *storage.Tx) error {
		r := &rep{loader: newLoader(tx), v: v, opt: opt, t: t, b: builder{doc: &Doc{Subject: s, SubjectID: id, Lang: t.lang()}, t: t},
			checklists: map[string]*Checklist{}, unknown: map[string]*Question{}, bundles: bundles,
			other: &Section{ID: otherSection.ID, Title: t.s(otherSection.Title)}}
		var err error
		switch s {
		case SubjectHearing:
			err = r.hearingReport(id)
		case SubjectCase:
			err = r.caseReport(id)
		case SubjectDefendant:
			err = r.defendantReport(id)
		default:
			err = fmt.Errorf("report %q: %w", s, ErrSubject)
		}
		if err != nil {
			return err
		}
		body := len(r.b.doc.Blocks)
		if err := r.earlierVersions(); err != nil {
			return err
		}
		doc = r.b.doc
		doc.Sources = r.sources()
		r.sourcesAppendix(doc.Sources)
		doc.Blocks, doc.Appendix = doc.Blocks[:body:body], doc.Blocks[body:]
		doc.Footer = r.footer(v, opt)
		doc.Footer.Lang = doc.Lang
		return nil
	})
	return doc, err
}

// Render builds the report about id and renders it in format: "html",
// "pdf", or "csv" with table naming one of the CSV tables.
func Render(v *storage.Vault, s Subject, id uuid.UUID, format, table string, opt Options) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "csv":
		if err := WriteCSV(&buf, v, s, id, CSVTable(table)); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case "html", "pdf":
	default:
		return nil, fmt.Errorf("report format %q: %w", format, ErrFormat)
	}
	doc, err := Build(v, s, id, opt)
	if err != nil {
		return nil, err
	}
	if format == "html" {
		err = doc.WriteHTML(&buf)
	} else {
		err = doc.WritePDF(&buf)
	}
	return buf.Bytes(), err
}

// ErrFormat means an output format that reports do not come in.
var ErrFormat = errors.New("reports come as html, pdf or csv")

func sortUUIDs(ids []uuid.UUID) {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
}
