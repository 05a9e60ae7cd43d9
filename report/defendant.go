package report

import (
	"fmt"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

func (r *rep) defendantReport(id uuid.UUID) error {
	p, err := r.person(id)
	if err != nil {
		return err
	}
	links, err := r.casesOf(id)
	if err != nil {
		return err
	}
	var cases []*caseData
	for _, d := range links {
		c, err := r.caseData(d.CaseID, true)
		if err != nil {
			return err
		}
		cases = append(cases, c)
	}
	r.multi = len(r.devices) > 1
	doc := r.b.doc
	doc.Kind, doc.Title, doc.Subtitle = "Defendant report", p.DisplayName(), "Accused in "+plural(len(links), "case", "cases")

	r.b.fields(
		Field{"Name", p.Name},
		Field{"Khmer name", p.NameLocal},
		Field{"Also known as", strings.Join(p.Aliases, "; ")},
		Field{"Affiliation", p.Affiliation},
		Field{"Cases", fmt.Sprint(len(links))},
		Field{"Attendance", r.attendanceRecord(id, cases)},
	)

	r.b.heading(2, "Cases and charges")
	t := &Table{Columns: []string{"Case", "Court", "Charges", "Status", "Counsel"}, Widths: []float64{3, 1.8, 2.4, 2, 1.6}}
	for i, c := range cases {
		d := links[i]
		status := Cell{Text: label(statusLabels, d.Status)}
		if d.StatusReason != "" {
			status.Text += ": " + d.StatusReason
		}
		if d.Status == storage.StatusInAbsentia || d.Status == storage.StatusDetained {
			status.Mark = MarkConcern
		}
		t.Rows = append(t.Rows, []Cell{{Text: caseName(c.Case)}, {Text: c.Court}, {Text: charges(d.Charges)}, status, {Text: d.Counsel}})
	}
	r.b.table(t)

	r.b.heading(2, "Hearings")
	r.b.muted("Presence and counsel at every hearing of every case, with the checklist questions that raised a concern for this defendant.")
	r.b.table(r.personHearings(id, cases))

	r.b.heading(2, "Fair-trial checklist findings")
	r.b.muted(concernNote)
	r.b.table(r.personFindings(id, cases))

	for _, c := range cases {
		for _, hd := range c.Hearings {
			if !mentions(hd, id) {
				continue
			}
			r.b.heading(3, "Log of %s, %s", caseShort(c.Case), day(hd.Scheduled))
			r.logBlock(hd, id)
		}
	}
	return nil
}

// attendanceRecord sums up a person's presence across all hearings.
func (r *rep) attendanceRecord(id uuid.UUID, cases []*caseData) string {
	n := map[string]int{}
	total := 0
	for _, c := range cases {
		for _, hd := range c.Hearings {
			if a := hd.Attendance[id]; a != nil {
				n[a.Presence]++
				total++
			}
		}
	}
	return fmt.Sprintf("present at %d of %s; absent from %d; tried in absentia at %d",
		n[storage.PresencePresent], plural(total, "hearing", "hearings"), n[storage.PresenceAbsent], n[storage.PresenceInAbsentia])
}

func (r *rep) personHearings(id uuid.UUID, cases []*caseData) *Table {
	t := &Table{Columns: []string{"Date", "Case", "Status", "Presence", "Reason", "Counsel present", "Concerns"},
		Widths: []float64{1.4, 1.3, 1.1, 1.1, 2.2, 1, 1.8}}
	for _, c := range cases {
		d := c.ByPerson[id]
		for _, hd := range c.Hearings {
			a := hd.Attendance[id]
			if a == nil {
				continue
			}
			presence := Cell{Text: label(presenceLabels, a.Presence)}
			if a.Presence != storage.PresencePresent {
				presence.Mark = MarkConcern
			}
			counsel := "no"
			if a.CounselState() == storage.CounselWasPresent {
				counsel = "yes"
			}
			var qs []string
			for _, ans := range hd.Answers {
				if ans.PersonID == id && r.question(ans).IsConcern(ans.Answer) {
					qs = append(qs, ans.Question)
				}
			}
			concerns := Cell{Text: strings.Join(qs, ", ")}
			if len(qs) > 0 {
				concerns.Mark = MarkConcern
			}
			t.Rows = append(t.Rows, []Cell{{Text: day(hd.Scheduled)}, {Text: caseShort(c.Case)}, {Text: label(statusLabels, d.Status)},
				presence, {Text: a.Reason}, {Text: counsel}, concerns})
		}
	}
	return t
}

// personFindings lists every per-defendant answer about the person,
// concerns first.
func (r *rep) personFindings(id uuid.UUID, cases []*caseData) *Table {
	t := &Table{Columns: []string{"Date", "Case", "Question", "Answer", "Comment"}, Widths: []float64{1.4, 1.3, 3.2, 0.9, 3}}
	var rest [][]Cell
	for _, c := range cases {
		for _, hd := range c.Hearings {
			for _, a := range hd.Answers {
				if a.PersonID != id {
					continue
				}
				q := r.question(a)
				ans := Cell{Text: label(answerLabels, a.Answer)}
				row := []Cell{{Text: day(hd.Scheduled)}, {Text: caseShort(c.Case)}, {Text: q.ID + " " + q.Text}, ans, {Text: a.Comment}}
				if q.IsConcern(a.Answer) {
					row[3].Mark = MarkConcern
					t.Rows = append(t.Rows, row)
				} else {
					rest = append(rest, row)
				}
			}
		}
	}
	t.Rows = append(t.Rows, rest...)
	return t
}

// mentions reports whether a hearing's log says anything about person.
func mentions(hd *hearingData, person uuid.UUID) bool {
	for _, n := range hd.Notes {
		for _, d := range n.Defendants {
			if d == person {
				return true
			}
		}
	}
	for _, e := range hd.Events {
		if e.PersonID == person {
			return true
		}
	}
	return false
}
