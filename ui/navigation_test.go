package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// TestNavigationKeepsPlace: unlocking shows the hearing that was open,
// Back from a hearing shows its case, and a search result opened from a
// live hearing shows the matching note, selected, and Back returns to the
// live hearing (issue 10, flaw 5).
func TestNavigationKeepsPlace(t *testing.T) {
	u := newTestUI(t)
	v, c, live := openTestVault(t, u)
	past := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 2, 2, 8, 30, 0, 0, time.UTC)}
	if err := v.Put(past); err != nil {
		t.Fatal(err)
	}
	var notes []storage.Record
	for i := range 60 {
		text := fmt.Sprintf("Routine note %d", i)
		if i == 7 {
			text = "Witness says he was beaten in custody"
		}
		notes = append(notes, &storage.Note{HearingID: past.ID, Time: past.Scheduled.Add(time.Duration(i) * time.Minute), Text: text, Source: storage.SourceSeen})
	}
	if err := v.Put(notes...); err != nil {
		t.Fatal(err)
	}

	// Lock and unlock: the hearing is back.
	u.openHearing(live.ID)
	u.hearing.startHearing()
	u.lock()
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	if u.hearing == nil || u.hearing.hearing.ID != live.ID {
		t.Fatal("after unlock the hearing that was open is not shown")
	}

	// Back: the case page of the hearing.
	test.Tap(findButton(t, u.win.Content(), "Back"))
	if u.hearing != nil || u.tabs == nil || u.tabs.Selected().Text != "Cases" {
		t.Fatal("Back did not return to the Cases tab")
	}
	if s := u.cases; s.selected < 0 || s.cases[s.selected].ID != c.ID {
		t.Error("Back did not show the hearing's case")
	}

	// Search from the live hearing: the note of the other hearing is
	// shown and selected; Back returns to the live hearing.
	u.openHearing(live.ID)
	test.Type(u.hearing.note, "half-typed")
	s := u.openSearch()
	test.Type(s.query, "beaten")
	if len(s.results) != 1 {
		t.Fatalf("%d results", len(s.results))
	}
	s.activate(0)
	hs := u.hearing
	if hs == nil || hs.hearing.ID != past.ID {
		t.Fatal("the result's hearing is not shown")
	}
	sel := -1
	for i, l := range hs.lines {
		if l.Text == "Witness says he was beaten in custody" {
			sel = i
		}
	}
	if hs.editor != nil {
		t.Error("showing the result opened the editor")
	}
	row := -1
	for _, o := range test.LaidOutObjects(hs.log) {
		if r, ok := o.(*logRow); ok && r.id == sel {
			row = r.id
		}
	}
	if sel < 0 || row != sel {
		t.Errorf("the matching note (line %d) is not on screen", sel)
	}
	if !logSelected(hs, sel) {
		t.Error("the matching note is not selected")
	}
	test.Tap(findButton(t, u.win.Content(), "Back"))
	if u.hearing == nil || u.hearing.hearing.ID != live.ID {
		t.Fatal("Back from the result did not return to the live hearing")
	}
	if u.hearing.note.Text != "half-typed" {
		t.Errorf("the live hearing's note field holds %q", u.hearing.note.Text)
	}
}

// logSelected reports whether row i of the log is selected: selecting it
// again changes nothing, which List.Select reports by not calling back.
func logSelected(hs *hearingScreen, i int) bool {
	called := false
	old := hs.log.OnSelected
	hs.log.OnSelected = func(int) { called = true }
	hs.log.Select(i)
	hs.log.OnSelected = old
	return !called
}
