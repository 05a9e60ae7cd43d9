package report_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// The report-truth suite: every figure of every report of the messy vault
// recomputed here from the raw records, without the report code, and
// compared with what the report says. A report may state only what a
// record supports.

// raw is a hearing's records, read straight from the vault.
type raw struct {
	h       *storage.Hearing
	att     []*storage.Attendance
	notes   []*storage.Note
	events  []*storage.Event
	answers []*storage.ChecklistAnswer
	listed  int
}

func readRaw(t *testing.T, v *storage.Vault, caseID uuid.UUID) []raw {
	t.Helper()
	var out []raw
	err := v.View(func(tx *storage.Tx) error {
		ds, err := tx.DefendantsOfCase(caseID)
		if err != nil {
			return err
		}
		hs, err := tx.HearingsOfCase(caseID)
		if err != nil {
			return err
		}
		for _, h := range hs {
			r := raw{h: h, listed: len(ds)}
			if r.att, err = tx.AttendanceOfHearing(h.ID); err != nil {
				return err
			}
			if r.notes, err = tx.NotesOfHearing(h.ID); err != nil {
				return err
			}
			if r.events, err = tx.EventsOfHearing(h.ID); err != nil {
				return err
			}
			if r.answers, err = tx.ChecklistOfHearing(h.ID); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// docText is every text of a Doc, one item per line.
func docText(d *report.Doc) string {
	var b strings.Builder
	for _, bl := range d.AllBlocks() {
		switch {
		case bl.Heading != nil:
			b.WriteString(bl.Heading.Text + "\n")
		case bl.Para != nil:
			b.WriteString(bl.Para.Text + "\n")
		case bl.Table != nil:
			for _, row := range bl.Table.Rows {
				for _, c := range row {
					b.WriteString(c.Text + "\t")
				}
				b.WriteString("\n")
			}
		}
		for _, f := range bl.Fields {
			b.WriteString(f.Label + ": " + f.Value + "\n")
		}
	}
	return b.String()
}

// wantSummary is a hearing's attendance summary, from its raw records.
func wantSummary(r raw) (want string, forbidden []string) {
	if len(r.att) == 0 {
		return fmt.Sprintf("%d defendants listed; no attendance was recorded at this hearing.", r.listed), []string{"counsel present for 0", "0 present"}
	}
	n := map[string]int{}
	for _, a := range r.att {
		n[a.Presence]++
	}
	return fmt.Sprintf("attendance recorded for %d: %d present, %d absent, %d tried in absentia.",
		len(r.att), n[storage.PresencePresent], n[storage.PresenceAbsent], n[storage.PresenceInAbsentia]), nil
}

func TestTruthCaseReport(t *testing.T) {
	m := newMessy(t)
	doc := build(t, m.v, report.SubjectCase, m.caseA)
	text := docText(doc)
	rs := readRaw(t, m.v, m.caseA)

	// Observations: every note and event, counted from the records.
	notes, events := 0, 0
	for _, r := range rs {
		notes, events = notes+len(r.notes), events+len(r.events)
	}
	mustContain(t, "case report", text, fmt.Sprintf("Observations: %d notes and %d event logged", notes, events))

	// Attendance: each hearing's summary claims only what its records say.
	for _, r := range rs {
		want, forbidden := wantSummary(r)
		mustContain(t, "case report", text, want)
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("hearing of %s: the report claims %q with no attendance record", r.h.Scheduled.Format("2006-01-02"), f)
			}
		}
	}
	// Counsel: only as recorded: p1's present, p2's absent; p3 has none.
	mustContain(t, "case report", text, "Lawyer One (present for 1 defendant, absent for 1 defendant)", "Counsel present for 1, absent for 1, not recorded for 1.")

	// The grid: "?" where a listed defendant has no record, and its legend.
	grid := tableAfter(t, doc, "Attendance by hearing")
	for _, row := range grid.Rows {
		if row[2].Text != "?" {
			t.Errorf("grid: %s at the hearing without attendance: %q, want ?", row[0].Text, row[2].Text)
		}
	}
	mustContain(t, "case report", text, "? listed but no attendance recorded")

	// Scorecard, recomputed: per section, hearings with a concern out of
	// hearings that answered yes/no/unclear; defendants likewise.
	cl, err := report.LoadChecklist("1")
	if err != nil {
		t.Fatal(err)
	}
	type tally struct {
		hAsked, hConcern   map[uuid.UUID]bool
		pAsked, pConcern   map[uuid.UUID]bool
		any, perDefendantQ bool
	}
	sections := map[string]*tally{}
	for _, s := range cl.Sections {
		ts := &tally{hAsked: map[uuid.UUID]bool{}, hConcern: map[uuid.UUID]bool{}, pAsked: map[uuid.UUID]bool{}, pConcern: map[uuid.UUID]bool{}}
		for _, q := range s.Questions {
			ts.perDefendantQ = ts.perDefendantQ || q.Scope == report.ScopeDefendant
		}
		sections[s.Title] = ts
	}
	for _, r := range rs {
		for _, a := range r.answers {
			q := cl.Question(a.Question)
			ts := sections[q.Section.Title]
			ts.any = true
			if a.Answer == storage.AnswerNotObserved || a.Answer == storage.AnswerNotApplicable {
				continue
			}
			concern := a.Answer == storage.AnswerUnclear || a.Answer == q.Concern
			ts.hAsked[r.h.ID] = true
			if concern {
				ts.hConcern[r.h.ID] = true
			}
			if a.PersonID != uuid.Nil {
				ts.pAsked[a.PersonID] = true
				if concern {
					ts.pConcern[a.PersonID] = true
				}
			}
		}
	}
	score := tableAfter(t, doc, "Fair-trial scorecard")
	got := map[string][]string{}
	for _, row := range score.Rows {
		got[row[0].Text] = []string{row[1].Text, row[2].Text}
	}
	for title, ts := range sections {
		if !ts.any {
			if _, ok := got[title]; ok {
				t.Errorf("scorecard shows %s, which has no answer", title)
			}
			continue
		}
		wantH := fmt.Sprintf("%d of %d", len(ts.hConcern), len(ts.hAsked))
		if len(ts.hAsked) == 0 {
			wantH = "only not observed or not applicable"
		}
		wantD := fmt.Sprintf("%d of %d", len(ts.pConcern), len(ts.pAsked))
		switch {
		case !ts.perDefendantQ:
			wantD = "no per-defendant questions"
		case len(ts.pAsked) == 0:
			wantD = "no per-defendant answers"
		}
		if g := got[title]; g == nil || g[0] != wantH || g[1] != wantD {
			t.Errorf("scorecard %s: %q, want [%s %s]", title, g, wantH, wantD)
		}
	}

	// Times: in the court's zone, named, whatever offset a record has.
	mustContain(t, "case report", text, "Time zone: Asia/Phnom_Penh, UTC+07:00", "10:05\tProsecutor reads the charges")
	log := tableAfter(t, doc, "Log")
	var times []string
	for _, row := range log.Rows {
		times = append(times, row[0].Text)
	}
	if !slices.Equal(times, []string{"09:00", "09:30", "10:05"}) {
		t.Errorf("log times %q, want the court's 09:00, 09:30, 10:05 in order", times)
	}

	// Edits: marked, and the earlier text is in the appendix.
	mustContain(t, "case report", text, "version 2", m.newText, "Earlier versions", m.oldText)
	if !strings.Contains(text, "edited "+m.editedAt.In(m.phnomPenh).Format("2 Jan 2006 15:04")) {
		t.Errorf("the edited note does not say when it was edited (%s)", m.editedAt.In(m.phnomPenh).Format("2 Jan 2006 15:04"))
	}

	// The footer rests on what the report shows, and the list checks.
	checkSources(t, m.v, doc)
}

func TestTruthHearingWithoutAttendance(t *testing.T) {
	m := newMessy(t)
	doc := build(t, m.v, report.SubjectHearing, m.h2)
	text := docText(doc)
	mustContain(t, "hearing report", text, "3 defendants listed; no attendance was recorded at this hearing.",
		"No checklist answers were recorded at this hearing.")
	for _, bad := range []string{"counsel present for", "0 present", "(absent)", "(present)"} {
		if strings.Contains(strings.ToLower(text), strings.ToLower(bad)) {
			t.Errorf("a hearing without attendance records says %q", bad)
		}
	}
	for _, p := range column(t, tableAfter(t, doc, "Attendance"), "Presence") {
		if p != "not recorded" {
			t.Errorf("presence %q at a hearing without records", p)
		}
	}
	// The attendance CSV: one row per defendant per hearing.
	rows := readCSVOf(t, m.v, report.SubjectHearing, m.h2, report.CSVAttendance)
	if len(rows)-1 != 3 {
		t.Fatalf("attendance CSV has %d rows for 3 listed defendants", len(rows)-1)
	}
	for _, row := range rows[1:] {
		if row[9] != "not_recorded" || row[12] != "" || row[14] != "" {
			t.Errorf("row for a defendant without a record: %q", row)
		}
	}
	checkSources(t, m.v, doc)
}

func TestTruthCSV(t *testing.T) {
	m := newMessy(t)
	rows := readCSVOf(t, m.v, report.SubjectCase, m.caseA, report.CSVNotes)
	head := rows[0]
	col := func(name string) int { return slices.Index(head, name) }
	var last time.Time
	for _, row := range rows[1:] {
		when, err := time.Parse(time.RFC3339, row[col("time")])
		if err != nil {
			t.Fatal(err)
		}
		if when.Before(last) {
			t.Errorf("notes CSV not in time order: %s after %s", when, last)
		}
		last = when
		if _, off := when.Zone(); off != 7*3600 {
			t.Errorf("time %s is not in the court's zone", row[col("time")])
		}
		if row[col("record_id")] == m.utcNote.String() && row[col("time")] != "2024-05-02T10:05:00+07:00" {
			t.Errorf("the UTC-stored note is at %s, want 2024-05-02T10:05:00+07:00", row[col("time")])
		}
		if row[col("record_id")] == m.edited.String() && (row[col("version")] != "2" || row[col("text")] != m.newText) {
			t.Errorf("edited note: version %q text %q", row[col("version")], row[col("text")])
		}
	}
	att := readCSVOf(t, m.v, report.SubjectCase, m.caseA, report.CSVAttendance)
	if len(att)-1 != 3*2 {
		t.Errorf("attendance CSV: %d rows, want 3 defendants × 2 hearings", len(att)-1)
	}
	ids := map[string]bool{}
	for _, r := range readRaw(t, m.v, m.caseA) {
		for _, a := range r.att {
			ids[a.ID.String()+" "+a.Hash] = true
		}
	}
	for _, row := range att[1:] {
		if row[9] != "not_recorded" && !ids[row[15]+" "+row[14]] {
			t.Errorf("attendance row's record id and hash %s %s are not a record of the vault", row[15], row[14])
		}
	}
}

func TestTruthDefendantReport(t *testing.T) {
	m := newMessy(t)
	doc := build(t, m.v, report.SubjectDefendant, m.p1)
	text := docText(doc)
	// Every hearing of both of p1's cases, with or without a record.
	ht := tableAfter(t, doc, "Hearings")
	if got := column(t, ht, "Presence"); !slices.Equal(got, []string{"present", "not recorded", "present"}) {
		t.Errorf("presence per hearing %q, want present, not recorded, present", got)
	}
	if got := column(t, ht, "Counsel"); !slices.Equal(got, []string{"present", "", "not recorded"}) {
		t.Errorf("counsel per hearing %q", got)
	}
	mustContain(t, "defendant report", text, "Attendance: 3 hearings; recorded at 2: present at 2, absent from 0, tried in absentia at 0; not recorded at 1")

	// Case B names no zone: its times are shown at the hearing's own
	// offset, and the report says so.
	mustContain(t, "defendant report", text, "Log of MESSY 1/2024, Thu 2 May 2024")

	// It rests on exactly the records about p1, and no others.
	want := map[uuid.UUID]bool{m.p1: true, m.caseA: true, m.caseB: true, m.h1: true, m.h2: true, m.h3: true, m.edited: true}
	m.v.View(func(tx *storage.Tx) error {
		links, _ := tx.CasesOfPerson(m.p1)
		for _, l := range links {
			want[l.ID] = true
		}
		for _, h := range []uuid.UUID{m.h1, m.h3} {
			as, _ := tx.AttendanceOfHearing(h)
			for _, a := range as {
				if a.PersonID == m.p1 {
					want[a.ID] = true
				}
			}
			qs, _ := tx.ChecklistOfHearing(h)
			for _, q := range qs {
				if q.PersonID == m.p1 {
					want[q.ID] = true
				}
			}
		}
		return nil
	})
	got := map[uuid.UUID]bool{}
	for _, s := range doc.Sources {
		got[s.ID] = true
		if !want[s.ID] {
			t.Errorf("the defendant report rests on %s %s, which it does not show", s.Kind, s.ID)
		}
	}
	for id := range want {
		if !got[id] {
			t.Errorf("the defendant report does not list %s", id)
		}
	}
	if doc.Footer.Records != len(want) {
		t.Errorf("footer: made from %d records, want %d", doc.Footer.Records, len(want))
	}
	checkSources(t, m.v, doc)
}

func TestTruthZoneFallback(t *testing.T) {
	m := newMessy(t)
	doc := build(t, m.v, report.SubjectHearing, m.h3)
	text := docText(doc)
	mustContain(t, "hearing report", text, "UTC+07:00, the offset the hearing was scheduled with: the case names no time zone",
		"09:00\tOpening (stored in UTC)", "scheduled 08:00 (UTC+07:00)")
	mustContain(t, "hearing report", text, "Lawyer Two (counsel of 1 defendant, presence not recorded)")
}

func TestTruthPurgedCase(t *testing.T) {
	m := newMessy(t)
	doc := build(t, m.v, report.SubjectCase, m.caseC)
	text := docText(doc)
	for _, bad := range []string{"0 notes and 0 events logged", "No checklist answers recorded", "Nothing was logged", "No attendance recorded"} {
		if strings.Contains(text, bad) {
			t.Errorf("the purged case's report says %q", bad)
		}
	}
	mustContain(t, "purged case report", text,
		"Delivered to HQ and removed from this device: 1 note, 1 attendance record, 1 checklist answer, removed on "+m.purgedAt.Format("2006-01-02")+" (UTC)",
		fmt.Sprintf("they reached HQ in bundle %d (sha256 ", m.bundleSeq), "receipt from HQ of ",
		"The 1 entry logged were delivered to HQ and removed from this device: see HQ's report.",
		"The attendance of 1 was delivered to HQ and removed from this device: see HQ's report.")
	grid := tableAfter(t, doc, "Attendance by hearing")
	if grid.Rows[0][1].Text != "HQ" {
		t.Errorf("grid cell of a purged attendance: %q, want HQ", grid.Rows[0][1].Text)
	}
	if doc.Footer.Purged != 3 {
		t.Errorf("footer counts %d purged records, want 3", doc.Footer.Purged)
	}
	// The purged records still check: their hashes are in the chain.
	checkSources(t, m.v, doc)

	// The defendant report of p2 says where the attendance went.
	d := build(t, m.v, report.SubjectDefendant, m.p2)
	mustContain(t, "defendant report", docText(d), "delivered to HQ, removed here",
		"About this defendant: delivered to HQ and removed from this device: 1 attendance record, 1 checklist answer, removed on",
		"at 1 delivered to HQ and removed from this device (see HQ's report)")
}

// checkSources: the footer counts the listed records, the newest listed
// one is the footer's, and report.Check passes on the HTML and the PDF;
// after one listed record changes, it fails.
func checkSources(t *testing.T, v *storage.Vault, doc *report.Doc) {
	t.Helper()
	if doc.Footer.Records != len(doc.Sources) {
		t.Errorf("footer says %d records, the list has %d", doc.Footer.Records, len(doc.Sources))
	}
	i := slices.IndexFunc(doc.Sources, func(s report.Source) bool { return s.ID == doc.Footer.LatestID })
	if i < 0 || doc.Sources[i].Hash != doc.Footer.Latest {
		t.Errorf("footer's latest record %s (%s) is not in the list", doc.Footer.LatestID, doc.Footer.Latest)
	}
	for _, format := range []string{"html", "pdf"} {
		var b strings.Builder
		var err error
		if format == "html" {
			err = doc.WriteHTML(&b)
		} else {
			err = doc.WritePDF(&b)
		}
		if err != nil {
			t.Fatal(err)
		}
		res, err := report.Check(v, []byte(b.String()))
		if err != nil {
			t.Fatalf("check %s: %v", format, err)
		}
		if !res.OK() || res.Checked != len(doc.Sources) {
			t.Errorf("check of the %s just made: %d of %d checked, problems %q", format, res.Checked, len(doc.Sources), res.Problems)
		}
	}
}

// readCSVOf writes one CSV export of v and reads it back.
func readCSVOf(t *testing.T, v *storage.Vault, s report.Subject, id uuid.UUID, table report.CSVTable) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteCSV(&b, v, s, id, table); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestTruthCheckFailsAfterChange: a report checked against the vault
// fails once one record it rests on changed.
func TestTruthCheckFailsAfterChange(t *testing.T) {
	m := newMessy(t)
	var b bytes.Buffer
	if err := build(t, m.v, report.SubjectHearing, m.h1).WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	if res, err := report.Check(m.v, b.Bytes()); err != nil || !res.OK() {
		t.Fatalf("check before the change: %v %+v", err, res)
	}
	a, err := storage.Load[storage.Attendance](m.v, attendanceOf(t, m.v, m.h1, m.p3))
	if err != nil {
		t.Fatal(err)
	}
	a.Reason = "abroad, refused entry"
	if err := m.v.Put(a); err != nil {
		t.Fatal(err)
	}
	res, err := report.Check(m.v, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("attendance %s was changed after the report was made: the report shows version 1, the vault now holds version 2", a.ID)
	if res.OK() || !strings.Contains(strings.Join(res.Problems, "\n"), want) {
		t.Errorf("check after the change: %q, want %q", res.Problems, want)
	}
	// A file cut short, or no report at all, is an error, not a pass.
	if _, err := report.Check(m.v, b.Bytes()[:b.Len()/2]); err == nil {
		t.Error("a PDF cut in half checks")
	}
	if _, err := report.Check(m.v, []byte("<html>hello</html>")); !errors.Is(err, report.ErrNoManifest) {
		t.Errorf("check of a page that is no report: %v", err)
	}
}

func attendanceOf(t *testing.T, v *storage.Vault, h, p uuid.UUID) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	v.View(func(tx *storage.Tx) error {
		as, err := tx.AttendanceOfHearing(h)
		for _, a := range as {
			if a.PersonID == p {
				id = a.ID
			}
		}
		return err
	})
	return id
}
