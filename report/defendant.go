package report

import (
	"fmt"
	"slices"
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
	r.cite(storage.KindPerson, &p.Meta)
	var hds []*hearingData
	for _, c := range cases {
		r.cite(storage.KindCase, &c.Meta)
		hds = append(hds, c.Hearings...)
	}
	for _, d := range links {
		r.cite(storage.KindCaseDefendant, &d.Meta)
	}
	r.multi = r.devicesOf(hds...) > 1
	doc := r.b.doc
	doc.Kind, doc.Title, doc.Subtitle = r.T("Defendant report"), p.DisplayName(), r.T("Accused in %s", r.N(len(links), "case", "cases"))

	r.b.fields(
		Field{r.T("Name"), p.Name},
		Field{r.T("Khmer name"), p.NameLocal},
		Field{r.T("Also known as"), strings.Join(p.Aliases, "; ")},
		Field{r.T("Affiliation"), p.Affiliation},
		Field{r.T("Cases"), fmt.Sprint(len(links))},
		Field{r.T("Attendance"), r.attendanceRecord(id, cases)},
	)

	r.b.heading(2, "Cases and charges")
	t := &Table{Columns: r.t.cols("Case", "Court", "Charges", "Status", "Counsel"), Widths: []float64{3, 1.8, 2.4, 2, 1.6}}
	for i, c := range cases {
		d := links[i]
		status := Cell{Text: r.t.label(statusLabels, d.Status)}
		if d.StatusReason != "" {
			status.Text += ": " + d.StatusReason
		}
		if d.Status == storage.StatusInAbsentia || d.Status == storage.StatusDetained {
			status.Mark = MarkConcern
		}
		t.Rows = append(t.Rows, []Cell{{Text: caseName(c.Case)}, {Text: c.Court}, {Text: r.charges(d.Charges)}, status, {Text: d.Counsel}})
	}
	r.b.table(t)

	r.b.heading(2, "Hearings")
	r.b.muted(r.T("Presence and counsel at every hearing of every case, as recorded, with the checklist questions that raised a concern for this defendant. Dates are in each court's time zone."))
	r.b.table(r.personHearings(id, cases))
	if s := r.purgedSummaryOf(func(p *storage.PurgedRecord) bool { return p.Person == id }, hds...); s != "" {
		if !r.t.km {
			s = strings.ToLower(s[:1]) + s[1:]
		}
		r.b.para(r.T("About this defendant: %s", s))
	}

	r.b.heading(2, "Fair-trial checklist findings")
	r.b.muted(r.T(concernNote))
	r.b.table(r.personFindings(id, cases))

	for _, c := range cases {
		for _, hd := range c.Hearings {
			if !mentions(hd, id) {
				continue
			}
			r.b.heading(3, "Log of %s, %s", caseShort(c.Case), r.hearingDay(hd))
			r.logBlock(hd, id)
		}
	}
	return nil
}

// attendanceRecord sums up a person's presence across every hearing of
// their cases, and says how many have no record.
func (r *rep) attendanceRecord(id uuid.UUID, cases []*caseData) string {
	n := map[string]int{}
	total, listed, removed := 0, 0, 0
	for _, c := range cases {
		for _, hd := range c.Hearings {
			total++
			if !slices.Contains(hd.Listed, id) {
				continue
			}
			listed++
			if a := hd.Attendance[id]; a != nil {
				n[a.Presence]++
			} else if purgedPersons(hd)[id] {
				removed++
			}
		}
	}
	recorded := n[storage.PresencePresent] + n[storage.PresenceAbsent] + n[storage.PresenceInAbsentia]
	s := r.N(total, "hearing", "hearings")
	if listed < total {
		s += r.T(", listed for %d", listed)
	}
	if recorded == 0 {
		s += r.T("; no attendance recorded")
	} else {
		s += r.T("; recorded at %d: present at %d, absent from %d, tried in absentia at %d",
			recorded, n[storage.PresencePresent], n[storage.PresenceAbsent], n[storage.PresenceInAbsentia])
	}
	if removed > 0 {
		s += r.T("; at %d delivered to HQ and removed from this device (see HQ's report)", removed)
	}
	if k := listed - recorded - removed; k > 0 && recorded > 0 {
		s += r.T("; not recorded at %d", k)
	}
	return s
}

func (r *rep) personHearings(id uuid.UUID, cases []*caseData) *Table {
	t := &Table{Columns: r.t.cols("Date", "Case", "Status", "Presence", "Reason", "Counsel", "Concerns"),
		Widths: []float64{1.4, 1.3, 1.1, 1.1, 2.2, 1, 1.8}}
	for _, c := range cases {
		d := c.ByPerson[id]
		for _, hd := range c.Hearings {
			r.cite(storage.KindHearing, &hd.Meta)
			a := hd.Attendance[id]
			presence := Cell{Text: r.T("not recorded"), Mark: MarkMuted}
			reason, counsel := "", ""
			switch {
			case !slices.Contains(hd.Listed, id):
				presence.Text = r.T("not listed")
			case a != nil:
				r.cite(storage.KindAttendance, &a.Meta)
				presence = Cell{Text: r.t.label(presenceLabels, a.Presence)}
				if a.Presence != storage.PresencePresent {
					presence.Mark = MarkConcern
				}
				reason = a.Reason
				counsel = map[string]string{storage.CounselWasPresent: r.T("present"), storage.CounselWasAbsent: r.T("absent")}[a.CounselState()]
				if counsel == "" {
					counsel = r.T("not recorded")
				}
			case purgedPersons(hd)[id]:
				presence.Text = r.T("delivered to HQ, removed here")
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
			t.Rows = append(t.Rows, []Cell{{Text: r.hearingDay(hd)}, {Text: caseShort(c.Case)}, {Text: r.t.label(statusLabels, d.Status)},
				presence, {Text: reason}, {Text: counsel}, concerns})
		}
	}
	return t
}

// personFindings lists every per-defendant answer about the person,
// concerns first.
func (r *rep) personFindings(id uuid.UUID, cases []*caseData) *Table {
	t := &Table{Columns: r.t.cols("Date", "Case", "Question", "Answer", "Comment"), Widths: []float64{1.4, 1.3, 3.2, 0.9, 3}}
	var rest [][]Cell
	for _, c := range cases {
		for _, hd := range c.Hearings {
			for _, a := range hd.Answers {
				if a.PersonID != id {
					continue
				}
				r.cite(storage.KindChecklistAnswer, &a.Meta)
				q := r.question(a)
				ans := Cell{Text: r.t.label(answerLabels, a.Answer)}
				row := []Cell{{Text: r.hearingDay(hd)}, {Text: caseShort(c.Case)}, {Text: q.ID + " " + q.Text}, ans, {Text: a.Comment}}
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
