package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// CSVTable names one of the CSV exports; the package doc lists their
// columns.
type CSVTable string

// CSV exports.
const (
	CSVNotes      CSVTable = "notes"
	CSVAttendance CSVTable = "attendance"
	CSVChecklist  CSVTable = "checklist"
	CSVMatrix     CSVTable = "matrix"
)

// CSVTables lists the CSV exports.
var CSVTables = []CSVTable{CSVNotes, CSVAttendance, CSVChecklist, CSVMatrix}

// ErrCSVTable means a CSV export that does not exist.
var ErrCSVTable = errors.New("the CSV exports are notes, attendance, checklist and matrix")

// Column names of the CSV exports. They are part of the file format:
// add columns at the end, never rename or reorder them.
var (
	notesColumns = []string{"case_id", "case_number", "hearing_id", "hearing_date", "record_id", "kind", "time",
		"text", "event_type", "tags", "defendant_ids", "defendants", "source", "device", "hash", "version", "saved", "time_zone"}
	attendanceColumns = []string{"case_id", "case_number", "hearing_id", "hearing_date", "person_id", "name", "name_local",
		"case_status", "status_reason", "presence", "reason", "counsel", "counsel_present", "device", "hash", "record_id", "version"}
	checklistColumns = []string{"case_id", "case_number", "hearing_id", "hearing_date", "record_id", "checklist_version",
		"question", "section", "scope", "question_text", "person_id", "name", "name_local", "answer", "concern",
		"comment", "source", "device", "hash", "version"}
	matrixColumns = []string{"person_id", "name", "name_local", "cases"}
)

// WriteCSV writes one CSV export about a hearing, a case or a defendant.
func WriteCSV(w io.Writer, v *storage.Vault, s Subject, id uuid.UUID, t CSVTable) error {
	if !slices.Contains(CSVTables, t) {
		return fmt.Errorf("CSV export %q: %w", t, ErrCSVTable)
	}
	return v.View(func(tx *storage.Tx) error {
		r := &rep{loader: newLoader(tx), v: v, b: builder{doc: &Doc{}}, checklists: map[string]*Checklist{}, unknown: map[string]*Question{}}
		cases, person, err := r.csvScope(s, id)
		if err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		rows := csvTableRows[t](r, cases, person)
		for _, row := range rows {
			for i, cell := range row {
				row[i] = defuse(cell)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// csvScope loads the cases a CSV export covers. For a hearing, the one
// case holds only that hearing; for a defendant, person is set and rows
// are limited to them.
func (r *rep) csvScope(s Subject, id uuid.UUID) (cases []*caseData, person uuid.UUID, err error) {
	switch s {
	case SubjectHearing:
		h := &storage.Hearing{}
		if err := r.tx.Get(id, h); err != nil {
			return nil, uuid.Nil, fmt.Errorf("hearing %s: %w", id, err)
		}
		c, err := r.caseData(h.CaseID, false)
		if err != nil {
			return nil, uuid.Nil, err
		}
		hd, err := r.hearing(h, c)
		if err != nil {
			return nil, uuid.Nil, err
		}
		c.Hearings = []*hearingData{hd}
		cases = []*caseData{c}
	case SubjectCase:
		c, err := r.caseData(id, true)
		if err != nil {
			return nil, uuid.Nil, err
		}
		cases = []*caseData{c}
	case SubjectDefendant:
		if _, err := r.person(id); err != nil {
			return nil, uuid.Nil, err
		}
		links, err := r.casesOf(id)
		if err != nil {
			return nil, uuid.Nil, err
		}
		for _, d := range links {
			c, err := r.caseData(d.CaseID, true)
			if err != nil {
				return nil, uuid.Nil, err
			}
			cases = append(cases, c)
		}
		person = id
	default:
		return nil, uuid.Nil, fmt.Errorf("report %q: %w", s, ErrSubject)
	}
	for _, c := range cases {
		for _, d := range c.Defendants {
			if _, err := r.casesOf(d.PersonID); err != nil {
				return nil, uuid.Nil, err
			}
		}
	}
	return cases, person, nil
}

// csvTableRows holds the function that makes each export's rows, its
// column names first. person, when set, limits the rows to that person.
var csvTableRows = map[CSVTable]func(r *rep, cases []*caseData, person uuid.UUID) [][]string{
	CSVNotes:      (*rep).notesRows,
	CSVAttendance: (*rep).attendanceRows,
	CSVChecklist:  (*rep).checklistRows,
	CSVMatrix:     (*rep).matrixRows,
}

// keepPerson says whether a row about id belongs in an export limited to
// person (uuid.Nil: no limit).
func keepPerson(person, id uuid.UUID) bool { return person == uuid.Nil || id == person }

// notesRows: the notes and events of every hearing, in time order within
// a hearing.
func (r *rep) notesRows(cases []*caseData, person uuid.UUID) [][]string {
	rows := [][]string{slices.Clone(notesColumns)}
	for _, c := range cases {
		for _, hd := range c.Hearings {
			pre := hearingCols(c, hd)
			type row struct {
				when time.Time
				cols []string
			}
			var rs []row
			tail := func(m *storage.Meta) []string {
				return []string{m.Device.String(), m.Hash, strconv.FormatUint(m.Version, 10),
					hd.Zone.in(m.Saved()).Format(time.RFC3339), hd.Zone.label(hd.Scheduled)}
			}
			for _, n := range hd.Notes {
				if person != uuid.Nil && !slices.Contains(n.Defendants, person) {
					continue
				}
				rs = append(rs, row{n.Time, append(append(slices.Clone(pre), n.ID.String(), "note", hd.Zone.in(n.Time).Format(time.RFC3339), n.Text, "", strings.Join(n.Tags, ";"),
					joinIDs(n.Defendants), r.joinNames(n.Defendants), n.Source), tail(&n.Meta)...)})
			}
			for _, e := range hd.Events {
				if !keepPerson(person, e.PersonID) {
					continue
				}
				ids := []uuid.UUID{}
				if e.PersonID != uuid.Nil {
					ids = append(ids, e.PersonID)
				}
				rs = append(rs, row{e.Time, append(append(slices.Clone(pre), e.ID.String(), "event", hd.Zone.in(e.Time).Format(time.RFC3339), e.Comment, e.Type, "",
					joinIDs(ids), r.joinNames(ids), ""), tail(&e.Meta)...)})
			}
			slices.SortStableFunc(rs, func(a, b row) int { return a.when.Compare(b.when) })
			for _, x := range rs {
				rows = append(rows, x.cols)
			}
		}
	}
	return rows
}

// attendanceRows: one row per person listed at each hearing, recorded or
// not.
func (r *rep) attendanceRows(cases []*caseData, person uuid.UUID) [][]string {
	rows := [][]string{slices.Clone(attendanceColumns)}
	for _, c := range cases {
		for _, hd := range c.Hearings {
			removed := purgedPersons(hd)
			for _, pid := range hd.Listed {
				if !keepPerson(person, pid) {
					continue
				}
				a := hd.Attendance[pid]
				p, d := r.persons[pid], c.ByPerson[pid]
				if d == nil { // attended without being a defendant of the case
					d = &storage.CaseDefendant{}
				}
				cols := append(hearingCols(c, hd), pid.String(), p.Name, p.NameLocal, d.Status, d.StatusReason)
				switch {
				case a != nil:
					cols = append(cols, a.Presence, a.Reason, d.Counsel, a.CounselState(), a.Device.String(), a.Hash, a.ID.String(), strconv.FormatUint(a.Version, 10))
				case removed[pid]:
					cols = append(cols, "removed_after_delivery", "", d.Counsel, "", "", "", "", "")
				default:
					cols = append(cols, "not_recorded", "", d.Counsel, "", "", "", "", "")
				}
				rows = append(rows, cols)
			}
		}
	}
	return rows
}

// checklistRows: one row per checklist answer.
func (r *rep) checklistRows(cases []*caseData, person uuid.UUID) [][]string {
	rows := [][]string{slices.Clone(checklistColumns)}
	for _, c := range cases {
		for _, hd := range c.Hearings {
			for _, a := range hd.Answers {
				if !keepPerson(person, a.PersonID) {
					continue
				}
				q := r.question(a)
				pid, name, local := "", "", ""
				if a.PersonID != uuid.Nil {
					p, _ := r.person(a.PersonID)
					pid, name, local = a.PersonID.String(), p.Name, p.NameLocal
				}
				rows = append(rows, append(hearingCols(c, hd), a.ID.String(), a.ChecklistVersion, a.Question, q.Section.ID, q.Scope, q.Text,
					pid, name, local, a.Answer, strconv.FormatBool(q.IsConcern(a.Answer)), a.Comment, a.Source, a.Device.String(), a.Hash,
					strconv.FormatUint(a.Version, 10)))
			}
		}
	}
	return rows
}

// matrixRows: one row per defendant, one column per case they are charged
// in, holding the charges.
func (r *rep) matrixRows(cases []*caseData, person uuid.UUID) [][]string {
	var ds []*storage.CaseDefendant
	for _, c := range cases {
		for _, d := range c.Defendants {
			if keepPerson(person, d.PersonID) && !slices.ContainsFunc(ds, func(x *storage.CaseDefendant) bool { return x.PersonID == d.PersonID }) {
				ds = append(ds, d)
			}
		}
	}
	ks := r.matrixCases(ds)
	head := slices.Clone(matrixColumns)
	for _, k := range ks {
		head = append(head, caseShort(k))
	}
	rows := [][]string{head}
	for _, d := range ds {
		p, links := r.persons[d.PersonID], r.links[d.PersonID]
		row := []string{p.ID.String(), p.Name, p.NameLocal, strconv.Itoa(len(links))}
		for _, k := range ks {
			cell := ""
			for _, o := range links {
				if o.CaseID == k.ID {
					cell = strings.ReplaceAll(charges(o.Charges), "\n", "; ")
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	return rows
}

func hearingCols(c *caseData, hd *hearingData) []string {
	return []string{c.ID.String(), c.Number, hd.ID.String(), isoDay(hd.Zone.in(hd.Scheduled))}
}

func joinIDs(ids []uuid.UUID) string {
	var out []string
	for _, id := range ids {
		out = append(out, id.String())
	}
	return strings.Join(out, ";")
}

func (r *rep) joinNames(ids []uuid.UUID) string {
	var out []string
	for _, id := range ids {
		out = append(out, r.name(id))
	}
	return strings.Join(out, ";")
}

// defuse keeps a spreadsheet from running a cell as a formula: a value
// starting with = + - @ or a tab or carriage return gets a leading '.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
