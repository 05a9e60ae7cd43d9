package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// otherSection holds answers to questions no shipped checklist knows.
var otherSection = &Section{ID: "OTHER", Title: "Other questions"}

// question returns the checklist question an answer refers to. Questions
// of unknown checklists or ids are kept, in otherSection, so that no
// answer is dropped from a report.
func (r *rep) question(a *storage.ChecklistAnswer) *Question {
	cl := r.checklist(a.ChecklistVersion)
	if cl != nil {
		if q := cl.Question(a.Question); q != nil {
			return q
		}
	}
	key := a.ChecklistVersion + "/" + a.Question
	if q, ok := r.unknown[key]; ok {
		return q
	}
	scope := ScopeHearing
	if a.PersonID != uuid.Nil {
		scope = ScopeDefendant
	}
	q := &Question{ID: a.Question, Scope: scope, Concern: storage.AnswerNo, Section: r.other,
		Text: r.T("(not in the fair-trial checklist version %q that this Courtwatch knows)", a.ChecklistVersion)}
	r.unknown[key] = q
	return q
}

// checklist returns a shipped checklist version in the report's language
// (English where its translation lacks a text), or nil for a version this
// Courtwatch does not ship.
func (r *rep) checklist(version string) *Checklist {
	cl, ok := r.checklists[version]
	if !ok {
		cl, _ = LoadChecklist(version)
		if cl != nil && r.t.km {
			if k, err := cl.Translated(LangKhmer); err == nil {
				cl = k
			}
		}
		r.checklists[version] = cl
	}
	return cl
}

// sections returns the sections in checklist order, then otherSection.
func (r *rep) sections() []*Section {
	var out []*Section
	if cl := r.checklist("1"); cl != nil {
		out = append(out, cl.Sections...)
	}
	return append(out, r.other)
}

// finding is a group of identical answers to one question at one hearing:
// the hearing's own answer, or the defendants who got the same answer and
// comment.
type finding struct {
	q       *Question
	answer  string
	comment string
	persons []uuid.UUID // nil for a hearing-level answer
}

func (f *finding) concern() bool { return f.q.IsConcern(f.answer) }

// findings groups a hearing's answers by section id, concerns first, then
// by question and answer.
func (r *rep) findings(answers []*storage.ChecklistAnswer) map[string][]*finding {
	groups := map[string]*finding{}
	var all []*finding
	for _, a := range answers {
		r.cite(storage.KindChecklistAnswer, &a.Meta)
		q := r.question(a)
		key := strings.Join([]string{q.ID, a.Answer, a.Comment, fmt.Sprint(a.PersonID == uuid.Nil)}, "\x00")
		f, ok := groups[key]
		if !ok {
			f = &finding{q: q, answer: a.Answer, comment: a.Comment}
			groups[key] = f
			all = append(all, f)
		}
		if a.PersonID != uuid.Nil {
			f.persons = append(f.persons, a.PersonID)
		}
	}
	out := map[string][]*finding{}
	for _, f := range all {
		out[f.q.Section.ID] = append(out[f.q.Section.ID], f)
	}
	for _, fs := range out {
		slices.SortStableFunc(fs, func(a, b *finding) int {
			return cmp.Or(-cmp.Compare(b2i(a.concern()), b2i(b.concern())), cmp.Compare(a.q.ID, b.q.ID),
				cmp.Compare(len(a.persons), len(b.persons)), cmp.Compare(a.answer, b.answer))
		})
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// findingsTable is the table of one section's findings at a hearing.
func (r *rep) findingsTable(fs []*finding) *Table {
	t := &Table{Columns: r.t.cols("Question", "Answer", "Who", "Comment"), Widths: []float64{3.2, 1, 2.6, 3.2}}
	for _, f := range fs {
		mark := ""
		if f.concern() {
			mark = MarkConcern
		}
		who := r.T("the hearing")
		if f.persons != nil {
			// Concerns name every defendant; other answers name a few.
			limit := 12
			if mark != "" {
				limit = len(f.persons)
			}
			who = r.names(f.persons, limit)
		}
		t.Rows = append(t.Rows, []Cell{
			{Text: f.q.ID + " " + f.q.Text},
			{Text: r.t.label(answerLabels, f.answer), Mark: mark},
			{Text: who},
			{Text: f.comment},
		})
	}
	return t
}

// names lists persons by name, at most max of them, then how many more.
func (r *rep) names(ids []uuid.UUID, max int) string {
	var out []string
	for i, id := range ids {
		if i == max {
			out = append(out, r.T("and %d more", len(ids)-max))
			break
		}
		out = append(out, r.name(id))
	}
	s := strings.Join(out, ", ")
	if len(ids) > 1 {
		s = r.T("%d defendants: %s", len(ids), s)
	}
	return s
}

// name is a person's Latin name, or the local one if that is all there is.
func (r *rep) name(id uuid.UUID) string {
	p, err := r.person(id)
	if err != nil {
		return id.String()
	}
	return sortName(p)
}

// concernSections returns, for a hearing, the sections with a concern at
// the hearing and, per section, the persons with a concern.
func (r *rep) concernSections(hd *hearingData) (hearing map[string]bool, persons map[string]map[uuid.UUID]bool) {
	hearing, persons = map[string]bool{}, map[string]map[uuid.UUID]bool{}
	for _, a := range hd.Answers {
		q := r.question(a)
		if !q.IsConcern(a.Answer) {
			continue
		}
		s := q.Section.ID
		hearing[s] = true
		if a.PersonID != uuid.Nil {
			if persons[s] == nil {
				persons[s] = map[uuid.UUID]bool{}
			}
			persons[s][a.PersonID] = true
		}
	}
	return hearing, persons
}

// answered reports whether an answer observed something: yes, no or
// unclear. "Not observed" and "not applicable" answer nothing, so they are
// not in any denominator.
func answered(a *storage.ChecklistAnswer) bool {
	switch a.Answer {
	case storage.AnswerNotObserved, storage.AnswerNotApplicable:
		return false
	}
	return true
}

const scorecardNote = `Each figure is out of what was actually answered: the hearings at which a question of the section was answered yes, no or unclear, and the defendants about whom a per-defendant question of the section was so answered. "Not observed" and "not applicable" answers are not counted.`

type scorecard struct {
	chart      *Chart
	unanswered []string // sections with no answer at all
}

// scorecard counts, per checklist section, the hearings and the defendants
// with at least one concern (an unclear answer, or the question's concern
// answer), each out of the hearings and defendants for which the section
// was answered. A section with no per-defendant questions says so rather
// than "0 of N defendants". Sections with no answers at all are left out
// of the chart and listed in unanswered.
func (r *rep) scorecard(hs []*hearingData) scorecard {
	ch := &Chart{Title: r.T("Fair-trial scorecard: hearings and defendants with a concern, by checklist section, out of those answered"),
		Series: r.t.cols("hearings", "defendants"), t: r.t}
	any := map[string]bool{}
	perDefendant := map[string]bool{} // sections with a per-defendant question
	hAsked, hConcern := map[string]int{}, map[string]int{}
	pAsked, pConcern := map[string]map[uuid.UUID]bool{}, map[string]map[uuid.UUID]bool{}
	add := func(m map[string]map[uuid.UUID]bool, s string, p uuid.UUID) {
		if m[s] == nil {
			m[s] = map[uuid.UUID]bool{}
		}
		m[s][p] = true
	}
	for _, hd := range hs {
		asked, concern := map[string]bool{}, map[string]bool{}
		for _, a := range hd.Answers {
			r.cite(storage.KindChecklistAnswer, &a.Meta)
			q := r.question(a)
			s := q.Section.ID
			any[s] = true
			if a.PersonID != uuid.Nil {
				perDefendant[s] = true
			}
			if !answered(a) {
				continue
			}
			asked[s] = true
			c := q.IsConcern(a.Answer)
			concern[s] = concern[s] || c
			if a.PersonID != uuid.Nil {
				add(pAsked, s, a.PersonID)
				if c {
					add(pConcern, s, a.PersonID)
				}
			}
		}
		for s := range asked {
			hAsked[s]++
		}
		for s, c := range concern {
			if c {
				hConcern[s]++
			}
		}
	}
	var unanswered []string
	for _, s := range r.sections() {
		for _, q := range s.Questions {
			if q.Scope == ScopeDefendant {
				perDefendant[s.ID] = true
			}
		}
		if !any[s.ID] {
			if s != r.other {
				unanswered = append(unanswered, s.Title)
			}
			continue
		}
		row := ChartRow{Label: s.Title, Values: []int{hConcern[s.ID], len(pConcern[s.ID])},
			Totals: []int{hAsked[s.ID], len(pAsked[s.ID])}, Notes: []string{"", ""}}
		if hAsked[s.ID] == 0 {
			row.Notes[0] = r.T("only not observed or not applicable")
		}
		switch {
		case !perDefendant[s.ID]:
			row.Notes[1] = r.T("no per-defendant questions")
		case len(pAsked[s.ID]) == 0:
			row.Notes[1] = r.T("no per-defendant answers")
		}
		ch.Rows = append(ch.Rows, row)
	}
	return scorecard{chart: ch, unanswered: unanswered}
}

// scoreTable is the scorecard as a table, for readers who cannot see the
// chart and for copying.
func scoreTable(ch *Chart) *Table {
	t := &Table{Columns: ch.t.cols("Section", "Hearings with a concern", "Defendants with a concern"), Widths: []float64{3, 2, 2}}
	for _, row := range ch.Rows {
		cells := []Cell{{Text: row.Label}}
		for i, n := range row.Values {
			c := Cell{Text: scoreText(ch, row, i, n)}
			switch {
			case n > 0:
				c.Mark = MarkConcern
			case ch.Total(row, i) == 0:
				c.Mark = MarkMuted
			}
			cells = append(cells, c)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// scoreText is one figure of the scorecard: "n of total", or why there
// is none.
func scoreText(ch *Chart, row ChartRow, i, n int) string {
	if i < len(row.Notes) && row.Notes[i] != "" {
		return row.Notes[i]
	}
	return ch.t.T("%d of %d", n, ch.Total(row, i))
}
