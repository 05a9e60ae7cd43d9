package report_test

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

func TestHearingReport(t *testing.T) {
	h := demoSum.Hearings[0]
	doc := build(t, demoVault, report.SubjectHearing, h)
	var att []*storage.Attendance
	var notes, events int
	demoVault.View(func(tx *storage.Tx) error {
		att, _ = tx.AttendanceOfHearing(h)
		ns, _ := tx.NotesOfHearing(h)
		es, _ := tx.EventsOfHearing(h)
		notes, events = len(ns), len(es)
		return nil
	})

	tb := tableAfter(t, doc, "Attendance")
	if len(tb.Rows) != len(att) || len(att) != 60 {
		t.Errorf("attendance table has %d rows, vault %d, want 60", len(tb.Rows), len(att))
	}
	names, local := column(t, tb, "Name"), column(t, tb, "Khmer name")
	i := slices.Index(names, "Sam Rainsy")
	if i < 0 || local[i] != "សម រង្ស៊ី" || column(t, tb, "Presence")[i] != "in absentia" || column(t, tb, "Reason")[i] != "abroad, refused entry" {
		t.Errorf("Sam Rainsy's attendance row is wrong or missing: %v", tb.Rows[max(i, 0)])
	}
	present := 0
	for _, a := range att {
		if a.Presence == storage.PresencePresent {
			present++
		}
	}
	found := false
	for _, b := range doc.Blocks {
		if b.Para != nil && strings.HasPrefix(b.Para.Text, fmt.Sprintf("60 defendants listed; attendance recorded for 60: %d present", present)) {
			found = true
		}
	}
	if !found {
		t.Errorf("no attendance summary with %d present", present)
	}

	if log := tableAfter(t, doc, "Log"); len(log.Rows) != notes+events {
		t.Errorf("log has %d rows, want %d notes + %d events", len(log.Rows), notes, events)
	}
	if slices.Contains(tableAfter(t, doc, "Log").Columns, "Observed by") {
		t.Error("a single-device report has an Observed by column")
	}

	// Findings: every section's concerns come first.
	concerns := 0
	for _, b := range doc.Blocks {
		if b.Table == nil || b.Table.Columns[0] != "Question" {
			continue
		}
		seenOther := false
		for _, r := range b.Table.Rows {
			isConcern := r[1].Mark == report.MarkConcern
			if isConcern && seenOther {
				t.Errorf("concern %q listed after other answers", r[0].Text)
			}
			seenOther = seenOther || !isConcern
			if isConcern {
				concerns++
				if r[3].Text == "" {
					t.Errorf("concern %q has no comment", r[0].Text)
				}
			}
		}
	}
	if concerns == 0 {
		t.Error("no concerns in the findings")
	}

	at := tableAfter(t, doc, "Attachments")
	a, err := storage.Load[storage.Attachment](demoVault, demoSum.Attachment)
	if err != nil {
		t.Fatal(err)
	}
	if got := column(t, at, "SHA-256"); len(got) != 1 || got[0] != a.SHA256 {
		t.Errorf("attachments list %v, want %s", got, a.SHA256)
	}

	f := doc.Footer
	if !f.Generated.Equal(fixedNow) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(f.Latest) ||
		len(f.Devices) != 1 || !strings.HasPrefix(f.Devices[0], demoVault.Device().ID.String()+" (demo laptop)") {
		t.Errorf("footer %+v", f)
	}
}

func TestCaseReport(t *testing.T) {
	c := demoSum.Cases[0]
	doc := build(t, demoVault, report.SubjectCase, c)
	var ds []*storage.CaseDefendant
	var hs []*storage.Hearing
	answers := map[uuid.UUID][]*storage.ChecklistAnswer{}
	demoVault.View(func(tx *storage.Tx) error {
		ds, _ = tx.DefendantsOfCase(c)
		hs, _ = tx.HearingsOfCase(c)
		for _, h := range hs {
			answers[h.ID], _ = tx.ChecklistOfHearing(h.ID)
		}
		return nil
	})

	dt := tableAfter(t, doc, "Defendants and charges")
	if len(dt.Rows) != len(ds) || len(ds) != 60 {
		t.Fatalf("defendants table has %d rows, vault %d, want 60", len(dt.Rows), len(ds))
	}
	for i, ch := range column(t, dt, "Charges") {
		if ch != "art. 453 Plotting\nart. 494 Incitement to commit a felony" {
			t.Errorf("row %d: charges %q", i, ch)
		}
	}
	names := column(t, dt, "Name")
	kem := slices.Index(names, "Kem Sokha")
	if kem < 0 || column(t, dt, "Khmer name")[kem] != "កឹម សុខា" || column(t, dt, "Other cases")[kem] != "DEMO 002/2020" {
		t.Errorf("Kem Sokha's row: %v", dt.Rows[max(kem, 0)])
	}

	mt := tableAfter(t, doc, "Cross-case matrix")
	want := []string{"Defendant", "Cases", "DEMO 001/2020", "DEMO 002/2020", "DEMO 003/2021", "DEMO 004/2021", "DEMO 005/2022"}
	if !slices.Equal(mt.Columns, want) {
		t.Errorf("matrix columns %q, want %q", mt.Columns, want)
	}
	sr := slices.Index(column(t, mt, "Defendant"), "Sam Rainsy (សម រង្ស៊ី)")
	if sr < 0 || mt.Rows[sr][1].Text != "3" || mt.Rows[sr][2].Text != "453, 494" || mt.Rows[sr][4].Text != "453" || mt.Rows[sr][6].Text != "453" || mt.Rows[sr][3].Text != "–" {
		t.Errorf("Sam Rainsy's matrix row: %v", mt.Rows[max(sr, 0)])
	}

	// The scorecard, counted here straight from the vault.
	cl, err := report.LoadChecklist("1")
	if err != nil {
		t.Fatal(err)
	}
	hearingsWith, personsWith := map[string]int{}, map[string]map[uuid.UUID]bool{}
	for _, h := range hs {
		sections := map[string]bool{}
		for _, a := range answers[h.ID] {
			q := cl.Question(a.Question)
			if a.Answer != storage.AnswerUnclear && a.Answer != q.Concern {
				continue
			}
			sections[q.Section.Title] = true
			if a.PersonID != uuid.Nil {
				if personsWith[q.Section.Title] == nil {
					personsWith[q.Section.Title] = map[uuid.UUID]bool{}
				}
				personsWith[q.Section.Title][a.PersonID] = true
			}
		}
		for s := range sections {
			hearingsWith[s]++
		}
	}
	var chart *report.Chart
	for _, b := range doc.Blocks {
		if b.Chart != nil {
			chart = b.Chart
		}
	}
	if chart == nil {
		t.Fatal("no scorecard chart")
	}
	for _, r := range chart.Rows {
		if r.Values[0] != hearingsWith[r.Label] || r.Values[1] != len(personsWith[r.Label]) {
			t.Errorf("scorecard %s: %v, want %d hearings and %d defendants", r.Label, r.Values, hearingsWith[r.Label], len(personsWith[r.Label]))
		}
	}
	if hearingsWith["Presence/in absentia"] != 3 || len(personsWith["Presence/in absentia"]) < 15 {
		t.Errorf("in-absentia concerns: %d hearings, %d persons", hearingsWith["Presence/in absentia"], len(personsWith["Presence/in absentia"]))
	}

	var timeline []report.Event
	hearingSections := 0
	for _, b := range doc.Blocks {
		if b.Timeline != nil {
			timeline = b.Timeline
		}
		if b.Heading != nil && strings.HasPrefix(b.Heading.Text, "Hearing of ") {
			hearingSections++
		}
	}
	hearingsInTimeline := 0
	for i, e := range timeline {
		if strings.HasPrefix(e.Title, "Hearing, ") {
			hearingsInTimeline++
		}
		if i > 0 && e.When.Before(timeline[i-1].When) {
			t.Errorf("timeline out of order at %s", e.Title)
		}
	}
	if hearingsInTimeline != 3 || hearingSections != 3 {
		t.Errorf("%d hearings in the timeline, %d hearing sections; want 3", hearingsInTimeline, hearingSections)
	}
}

func TestDefendantReport(t *testing.T) {
	doc := build(t, demoVault, report.SubjectDefendant, demoSum.SamRainsy)
	if doc.Title != "Sam Rainsy (សម រង្ស៊ី)" || doc.Subtitle != "Accused in 3 cases" {
		t.Errorf("title %q, subtitle %q", doc.Title, doc.Subtitle)
	}
	ct := tableAfter(t, doc, "Cases and charges")
	if len(ct.Rows) != 3 {
		t.Fatalf("%d cases, want 3", len(ct.Rows))
	}
	for i, s := range column(t, ct, "Status") {
		if s != "in absentia: abroad, refused entry" {
			t.Errorf("case %d: status %q", i, s)
		}
	}
	ht := tableAfter(t, doc, "Hearings")
	if len(ht.Rows) != 6 {
		t.Errorf("%d hearings, want 6", len(ht.Rows))
	}
	for _, p := range column(t, ht, "Presence") {
		if p != "in absentia" {
			t.Errorf("presence %q, want in absentia", p)
		}
	}
	for _, b := range doc.Blocks {
		for _, f := range b.Fields {
			if f.Label == "Attendance" && f.Value != "6 hearings; recorded at 6: present at 0, absent from 0, tried in absentia at 6" {
				t.Errorf("attendance record %q", f.Value)
			}
		}
	}
	ft := tableAfter(t, doc, "Fair-trial checklist findings")
	if ft.Rows[0][2].Text[:6] != "ABS-01" || ft.Rows[0][3].Mark != report.MarkConcern {
		t.Errorf("first finding %v, want the in-absentia concern", ft.Rows[0])
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := report.Build(demoVault, report.SubjectCase, uuid.New(), report.Options{}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown case: %v, want ErrNotFound", err)
	}
	if _, err := report.Build(demoVault, report.SubjectHearing, demoSum.Cases[0], report.Options{}); err == nil {
		t.Error("a case's id as a hearing: no error")
	}
	if _, err := report.Build(demoVault, "court", demoSum.Cases[0], report.Options{}); !errors.Is(err, report.ErrSubject) {
		t.Errorf("unknown subject: %v", err)
	}
	if _, err := report.Render(demoVault, report.SubjectCase, demoSum.Cases[0], "docx", "", report.Options{}); !errors.Is(err, report.ErrFormat) {
		t.Errorf("unknown format: %v", err)
	}
}

// Answers to a checklist version this build does not ship still appear.
func TestUnknownChecklist(t *testing.T) {
	v := newVault(t, "monitor")
	c := &storage.Case{Title: "T"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: fixedNow}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	a := &storage.ChecklistAnswer{HearingID: h.ID, Question: "NEW-01", ChecklistVersion: "9", Answer: storage.AnswerNo, Comment: "something new"}
	if err := v.Put(a); err != nil {
		t.Fatal(err)
	}
	doc := build(t, v, report.SubjectHearing, h.ID)
	ft := tableAfter(t, doc, "Other questions")
	if len(ft.Rows) != 1 || !strings.HasPrefix(ft.Rows[0][0].Text, "NEW-01") || ft.Rows[0][1].Mark != report.MarkConcern {
		t.Errorf("other questions: %v", ft.Rows)
	}
}

// A person whose attendance was recorded without being a defendant of the
// case is shown, not dropped.
func TestAttendanceOfNonDefendant(t *testing.T) {
	v := newVault(t, "monitor")
	c := &storage.Case{Title: "T"}
	p := &storage.Person{Name: "Walk In", NameLocal: "សុខ"}
	if err := v.Put(c, p); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: fixedNow}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	if err := v.Put(&storage.Attendance{HearingID: h.ID, PersonID: p.ID, Presence: storage.PresencePresent}); err != nil {
		t.Fatal(err)
	}
	doc := build(t, v, report.SubjectHearing, h.ID)
	if got := column(t, tableAfter(t, doc, "Attendance"), "Name"); !slices.Equal(got, []string{"Walk In"}) {
		t.Errorf("attendance names %q", got)
	}
	var b strings.Builder
	if err := report.WriteCSV(&b, v, report.SubjectHearing, h.ID, report.CSVAttendance); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Walk In,សុខ,,,present") {
		t.Errorf("attendance CSV:\n%s", b.String())
	}
}
