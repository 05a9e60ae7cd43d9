package ui

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/report"
	"courtwatch/storage"
)

// TestEventNamesPerson: "Defendant absent" and "Lawyer absent" ask whom
// they are about with the name filter, the log shows the name and the
// CSV's defendant_ids column carries the person (issue 10, flaw 8).
func TestEventNamesPerson(t *testing.T) {
	u, v, h, persons, _ := newAttendanceTest(t, 30)
	hs := u.hearing
	hs.showTab(0)
	hs.eventShortcut(2) // Defendant absent
	filter, ok := u.win.Canvas().Focused().(*keyEntry)
	if !ok {
		t.Fatalf("focus on %T, want the name filter", u.win.Canvas().Focused())
	}
	test.Type(filter, "ហេង") // Heng, in Khmer script
	filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the picker is still open")
	}
	heng := persons[5] // the first Heng of the fixture
	es := eventsOf(t, v, h)
	if len(es) != 1 || es[0].Type != "defendant_absent" || es[0].PersonID != heng.ID {
		t.Fatalf("events %+v, want Defendant absent naming %s", es, heng.Name)
	}
	if last := hs.lines[len(hs.lines)-1]; !strings.Contains(last.Text, heng.Name) {
		t.Errorf("log line %q does not name %s", last.Text, heng.Name)
	}
	// Lawyer absent without a name: Enter on the empty filter.
	hs.eventShortcut(3)
	filter = u.win.Canvas().Focused().(*keyEntry)
	filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if es := eventsOf(t, v, h); len(es) != 2 || es[1].Type != "lawyer_absent" || es[1].PersonID != [16]byte{} {
		t.Fatalf("events %+v", es)
	}
	// The log reads the name back from the vault.
	u.openHearing(h.ID)
	if !slices.ContainsFunc(u.hearing.lines, func(l logLine) bool { return strings.Contains(l.Text, heng.Name) }) {
		t.Error("the reopened log does not name the person")
	}

	var b bytes.Buffer
	if err := report.WriteCSV(&b, v, report.SubjectHearing, h.ID, report.CSVNotes); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "defendant_ids")
	found := false
	for _, r := range rows[1:] {
		found = found || r[col] == heng.ID.String()
	}
	if !found {
		t.Errorf("no CSV row carries %s in defendant_ids: %q", heng.ID, rows)
	}
}

// TestLogClickDoesNotEdit: one click on a log row opens nothing; a double
// click opens the editor (issue 10, flaw 8).
func TestLogClickDoesNotEdit(t *testing.T) {
	u, _ := openTestHearing(t)
	hs := u.hearing
	test.Type(hs.note, "Judge reads the charges")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	var row *logRow
	for _, o := range test.LaidOutObjects(hs.log) {
		if r, ok := o.(*logRow); ok && r.id == 0 {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no row on screen")
	}
	test.Tap(row)
	if hs.editor != nil {
		t.Fatal("a single click opened the editor")
	}
	test.DoubleTap(row)
	if hs.editor == nil {
		t.Fatal("a double click did not open the editor")
	}
}

// TestLogTimes: the elapsed time is the difference of the clock times
// shown (issue 10, flaw 10), and a note written on another day than the
// hearing's or after it ended says so (flaw 7).
func TestLogTimes(t *testing.T) {
	u, h := openTestHearing(t)
	hs := u.hearing
	start := time.Date(2026, 3, 4, 16, 30, 33, 600_000_000, time.UTC)
	hs.hearing.Started = start
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 3, 4, 16, 30, 44, 200_000_000, time.UTC), "16:30:44  +0:00:11"},
		{time.Date(2026, 3, 4, 16, 30, 45, 100_000_000, time.UTC), "16:30:45  +0:00:12"},
	} {
		if got := hs.timeText(tc.at); got != tc.want {
			t.Errorf("timeText(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}

	hs.hearing.Ended = start.Add(2 * time.Hour)
	if err := u.vault.Put(hs.hearing); err != nil {
		t.Fatal(err)
	}
	later := &storage.Note{HearingID: h.ID, Time: time.Date(2026, 3, 5, 10, 15, 0, 0, time.UTC), Text: "Added from memory", Source: storage.SourceSeen}
	sameDay := &storage.Note{HearingID: h.ID, Time: start.Add(3 * time.Hour), Text: "Written in the evening", Source: storage.SourceSeen}
	during := &storage.Note{HearingID: h.ID, Time: start.Add(time.Hour), Text: "Witness heard", Source: storage.SourceSeen}
	if err := u.vault.Put(later, sameDay, during); err != nil {
		t.Fatal(err)
	}
	u.openHearing(h.ID)
	hs = u.hearing
	texts := map[string]string{}
	for i := range hs.lines {
		row := newLogRow(hs.log)
		hs.log.fill(i, row)
		texts[hs.lines[i].Text] = row.box.Objects[0].(*widget.Label).Text
	}
	if got := texts["Added from memory"]; !strings.HasPrefix(got, "[5 Mar 2026, after the hearing ended] ") {
		t.Errorf("note of the next day shows %q", got)
	}
	if got := texts["Written in the evening"]; !strings.HasPrefix(got, "[after the hearing ended] ") {
		t.Errorf("note after the end shows %q", got)
	}
	if got := texts["Witness heard"]; got != "Witness heard" {
		t.Errorf("note during the hearing shows %q", got)
	}
}
