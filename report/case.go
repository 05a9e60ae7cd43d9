package report

import (
	"slices"
	"strconv"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

func (r *rep) caseReport(id uuid.UUID) error {
	c, err := r.caseData(id, true)
	if err != nil {
		return err
	}
	for _, d := range c.Defendants {
		if _, err := r.casesOf(d.PersonID); err != nil {
			return err
		}
	}
	r.cite(storage.KindCase, &c.Meta)
	r.multi = r.devicesOf(c.Hearings...) > 1
	d := r.b.doc
	d.Kind, d.Title, d.Subtitle = r.T("Case report"), caseName(c.Case), c.Court

	notes := 0
	for _, hd := range c.Hearings {
		notes += len(hd.Notes)
	}
	observations := r.T("%s and %s logged", r.N(notes, "note", "notes"), r.N(r.eventCount(c), "event", "events"))
	if r.anyPurged(c) {
		observations = r.T("%s and %s on this device", r.N(notes, "note", "notes"), r.N(r.eventCount(c), "event", "events"))
		if notes+r.eventCount(c) == 0 {
			observations = r.T("none left on this device")
		}
		observations += ". " + r.purgedSummary(c.Hearings...)
	}
	r.b.fields(
		Field{r.T("Court"), c.Court},
		Field{r.T("Case number"), c.Number},
		Field{r.T("Title"), c.Title},
		Field{r.T("Time zone"), r.caseZone(c)},
		Field{r.T("Charges"), strings.ReplaceAll(r.charges(c.Charges), "\n", "; ")},
		Field{r.T("Judges"), strings.Join(c.Judges, "; ")},
		Field{r.T("Prosecutors"), strings.Join(c.Prosecutors, "; ")},
		Field{r.T("Defendants"), r.defendantSummary(c)},
		Field{r.T("Hearings"), r.hearingSpan(c)},
		Field{r.T("Observations"), observations},
	)

	r.b.heading(2, "Fair-trial scorecard")
	r.b.muted(r.T(concernNote))
	r.b.muted(r.T(scorecardNote))
	sc := r.scorecard(c.Hearings)
	if len(sc.chart.Rows) > 0 {
		r.b.doc.Blocks = append(r.b.doc.Blocks, Block{Chart: sc.chart})
		r.b.table(scoreTable(sc.chart))
	}
	purgedAnswers := r.purgedAnswers(c)
	if len(sc.unanswered) > 0 {
		if purgedAnswers > 0 {
			r.b.muted(r.T("No checklist answers left on this device for: %s.", strings.Join(sc.unanswered, ", ")))
		} else {
			r.b.muted(r.T("No checklist answers recorded for: %s.", strings.Join(sc.unanswered, ", ")))
		}
	}
	if n := purgedAnswers; n > 0 {
		r.b.para(r.T("%s of this case were delivered to HQ and removed from this device; the scorecard counts only the answers still here. HQ's report has the full scorecard.", r.N(n, "checklist answer", "checklist answers")))
	}

	r.b.heading(2, "Procedural timeline")
	r.timeline(c)

	r.b.heading(2, "Defendants and charges")
	r.b.table(r.defendantsTable(c))

	r.b.heading(2, "Cross-case matrix")
	r.b.muted(r.T("Every case in which a defendant of this case is accused, with the articles charged in each."))
	r.b.table(r.matrixTable(c.Defendants))

	r.b.heading(2, "Attendance by hearing")
	r.b.muted(r.T(matrixLegend))
	r.b.table(r.attendanceMatrix(c))

	for _, hd := range c.Hearings {
		r.b.heading(2, "Hearing of %s", r.t.day(hd.Zone.in(hd.Scheduled)))
		r.hearingHeader(c, hd, false)
		r.purgedBlock(hd)
		r.b.para(r.attendanceSummary(hd))
		fs := r.findings(hd.Answers)
		var concerns []*finding
		for _, s := range r.sections() {
			for _, f := range fs[s.ID] {
				if f.concern() {
					concerns = append(concerns, f)
				}
			}
		}
		if len(concerns) > 0 {
			r.b.heading(3, "Concerns")
			r.b.table(r.findingsTable(concerns))
		}
		r.b.heading(3, "Log")
		r.logBlock(hd, uuid.Nil)
		if len(hd.Attachments) > 0 {
			r.b.heading(3, "Attachments")
			r.attachments(hd.Attachments)
		}
	}
	return nil
}

const matrixLegend = "P present, A absent, IA tried in absentia, ? listed but no attendance recorded, HQ delivered to HQ and removed from this device, – not listed for the hearing."

func (r *rep) anyPurged(c *caseData) bool {
	for _, hd := range c.Hearings {
		if len(hd.Purged) > 0 {
			return true
		}
	}
	return false
}

func (r *rep) purgedAnswers(c *caseData) int {
	n := 0
	for _, hd := range c.Hearings {
		n += purgedOf(hd, storage.KindChecklistAnswer)
	}
	return n
}

// caseZone names the zone a case's times are shown in.
func (r *rep) caseZone(c *caseData) string {
	if c.TimeZone != "" {
		if len(c.Hearings) > 0 {
			return c.Hearings[0].Zone.note(r.t, c.Hearings[0].Scheduled)
		}
		return c.TimeZone
	}
	if len(c.Hearings) == 0 {
		return ""
	}
	return r.T("the case names no time zone: each hearing's times are shown in the offset it was scheduled with (%s for the first)", c.Hearings[0].Zone.label(c.Hearings[0].Scheduled))
}

func (r *rep) eventCount(c *caseData) int {
	n := 0
	for _, hd := range c.Hearings {
		n += len(hd.Events)
	}
	return n
}

func (r *rep) defendantSummary(c *caseData) string {
	n := map[string]int{}
	multi := 0
	for _, d := range c.Defendants {
		r.cite(storage.KindCaseDefendant, &d.Meta)
		n[d.Status]++
		if len(r.links[d.PersonID]) > 1 {
			multi++
			r.citeLinks(d.PersonID)
		}
	}
	var parts []string
	for _, s := range storage.Statuses {
		if n[s] > 0 {
			parts = append(parts, r.t.count(n[s], r.t.label(statusLabels, s)))
		}
	}
	if n[""] > 0 {
		parts = append(parts, r.T("status not recorded for %d", n[""]))
	}
	s := r.N(len(c.Defendants), "defendant", "defendants")
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	if multi > 0 {
		s += r.T("; %d also accused in other cases", multi)
	}
	return s
}

func (r *rep) hearingSpan(c *caseData) string {
	switch len(c.Hearings) {
	case 0:
		return r.T("none recorded")
	case 1:
		return r.T("1, on %s", r.hearingDay(c.Hearings[0]))
	}
	return r.T("%d, from %s to %s", len(c.Hearings), r.hearingDay(c.Hearings[0]), r.hearingDay(c.Hearings[len(c.Hearings)-1]))
}

func (r *rep) hearingDay(hd *hearingData) string { return r.t.day(hd.Zone.in(hd.Scheduled)) }

// proceduralEvents are the events a case's timeline shows besides its
// hearings.
var proceduralEvents = map[string]bool{
	"public_denied_entry": true, "observer_denied_entry": true, "device_confiscated": true,
	"arrest_outside_court": true, "adjourned": true, "verdict_pronounced": true, "hearing_closed": true,
}

func (r *rep) timeline(c *caseData) {
	var tl []Event
	for _, hd := range c.Hearings {
		hc, _ := r.concernSections(hd)
		detail := r.attendanceSummary(hd)
		if hd.Access != "" {
			detail = r.T("Access %s.", hd.Access) + " " + detail
		}
		if len(hc) > 0 {
			detail += r.T(" Concerns in %s.", r.N(len(hc), "checklist section", "checklist sections"))
		}
		title := r.T("Hearing, %s", strings.TrimPrefix(hd.Courtroom+", ", ", ")+r.times(hd))
		tl = append(tl, Event{When: hd.Zone.in(hd.Scheduled), Title: title, Detail: detail})
		for _, e := range hd.Events {
			if proceduralEvents[e.Type] {
				mark := ""
				if e.Type == "arrest_outside_court" || e.Type == "public_denied_entry" || e.Type == "device_confiscated" {
					mark = MarkConcern
				}
				r.cite(storage.KindEvent, &e.Meta)
				tl = append(tl, Event{When: hd.Zone.in(e.Time), Title: r.t.event(e.Type), Detail: e.Comment, Mark: mark})
			}
		}
	}
	if len(tl) == 0 {
		r.b.para(r.T("No hearings recorded."))
		return
	}
	r.b.doc.Blocks = append(r.b.doc.Blocks, Block{Timeline: tl})
}

func (r *rep) defendantsTable(c *caseData) *Table {
	t := &Table{Columns: r.t.cols("#", "Name", "Khmer name", "Charges", "Status", "Counsel", "Other cases"),
		Widths: []float64{0.45, 2, 1.7, 2.4, 2, 1.6, 1.3}}
	for i, d := range c.Defendants {
		p := r.persons[d.PersonID]
		r.cite(storage.KindPerson, &p.Meta)
		r.cite(storage.KindCaseDefendant, &d.Meta)
		r.citeLinks(d.PersonID)
		status := Cell{Text: r.t.label(statusLabels, d.Status)}
		if d.StatusReason != "" {
			status.Text += ": " + d.StatusReason
		}
		if d.Status == storage.StatusInAbsentia || d.Status == storage.StatusDetained {
			status.Mark = MarkConcern
		}
		var others []string
		for _, o := range r.links[d.PersonID] {
			if o.CaseID != c.ID {
				others = append(others, caseShort(r.cases[o.CaseID]))
			}
		}
		t.Rows = append(t.Rows, []Cell{{Text: strconv.Itoa(i + 1)}, {Text: p.Name}, {Text: p.NameLocal},
			{Text: r.charges(d.Charges)}, status, {Text: d.Counsel}, {Text: strings.Join(others, "\n")}})
	}
	return t
}

// matrixCases returns every case in which one of ds is accused, oldest
// first.
func (r *rep) matrixCases(ds []*storage.CaseDefendant) []*storage.Case {
	seen := map[uuid.UUID]bool{}
	var ids []uuid.UUID
	for _, d := range ds {
		for _, o := range r.links[d.PersonID] {
			if !seen[o.CaseID] {
				seen[o.CaseID] = true
				ids = append(ids, o.CaseID)
			}
		}
	}
	sortUUIDs(ids)
	var out []*storage.Case
	for _, id := range ids {
		out = append(out, r.cases[id])
	}
	return out
}

// matrixTable is the cross-case matrix of defendants ds: one row each,
// one column per case, the articles charged in each cell.
func (r *rep) matrixTable(ds []*storage.CaseDefendant) *Table {
	cases := r.matrixCases(ds)
	t := &Table{Columns: r.t.cols("Defendant", "Cases"), Widths: []float64{2.6, 0.6}}
	for _, k := range cases {
		t.Columns = append(t.Columns, caseShort(k))
		t.Widths = append(t.Widths, 1)
	}
	rows := slices.Clone(ds)
	slices.SortStableFunc(rows, func(a, b *storage.CaseDefendant) int { return len(r.links[b.PersonID]) - len(r.links[a.PersonID]) })
	for _, d := range rows {
		links := r.links[d.PersonID]
		r.cite(storage.KindPerson, &r.persons[d.PersonID].Meta)
		r.citeLinks(d.PersonID)
		row := []Cell{{Text: r.persons[d.PersonID].DisplayName()}, {Text: strconv.Itoa(len(links))}}
		if len(links) > 1 {
			row[1].Mark = MarkConcern
		}
		for _, k := range cases {
			cell := Cell{Text: "–", Mark: MarkMuted}
			for _, o := range links {
				if o.CaseID == k.ID {
					cell = Cell{Text: articles(o.Charges)}
				}
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

var presenceCodes = map[string]string{storage.PresencePresent: "P", storage.PresenceAbsent: "A", storage.PresenceInAbsentia: "IA"}

func (r *rep) attendanceMatrix(c *caseData) *Table {
	t := &Table{Columns: r.t.cols("Defendant"), Widths: []float64{3}}
	for _, hd := range c.Hearings {
		t.Columns = append(t.Columns, isoDay(hd.Zone.in(hd.Scheduled)))
		t.Widths = append(t.Widths, 1)
	}
	removed := make([]map[uuid.UUID]bool, len(c.Hearings))
	for i, hd := range c.Hearings {
		removed[i] = purgedPersons(hd)
	}
	for _, d := range c.Defendants {
		p := r.persons[d.PersonID]
		r.cite(storage.KindPerson, &p.Meta)
		row := []Cell{{Text: p.DisplayName()}}
		for i, hd := range c.Hearings {
			cell := Cell{Text: "–", Mark: MarkMuted}
			if !slices.Contains(hd.Listed, d.PersonID) {
				row = append(row, cell)
				continue
			}
			switch a := hd.Attendance[d.PersonID]; {
			case a != nil:
				r.cite(storage.KindAttendance, &a.Meta)
				cell = Cell{Text: r.T(presenceCodes[a.Presence])}
				if a.Presence != storage.PresencePresent {
					cell.Mark = MarkConcern
				}
			case removed[i][d.PersonID]:
				cell.Text = "HQ"
			default:
				cell.Text = "?"
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
