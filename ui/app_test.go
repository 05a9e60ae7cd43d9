package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// TestCourtroomFlow drives the real screens on a real vault: create the
// vault, open a hearing, start it, save a note, record events, lock and
// unlock, checking what reached the vault after each step.
func TestCourtroomFlow(t *testing.T) {
	u := newTestUI(t)
	u.showUnlock()

	// Create the vault.
	test.Type(u.unlock.pass, testPass)
	test.Type(u.unlock.confirm, testPass)
	test.Tap(u.unlock.submit)
	if u.vault == nil {
		t.Fatalf("vault not created: %q", u.unlock.message.Text)
	}

	// Seed a case and a hearing, as the case screens will.
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "123/2026", Title: "Prosecutor v. Kem Sokha កឹម សុខា",
		Charges: []storage.Charge{{Article: "453", Label: "Plotting"}}}
	if err := u.vault.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC), Courtroom: "2"}
	if err := u.vault.Put(h); err != nil {
		t.Fatal(err)
	}
	u.showMain()

	// Open the hearing from the case page.
	u.cases.list.Select(0)
	if !hasLabel(u.win.Content(), "Art. 453: Plotting") {
		t.Errorf("case page does not show the charge; labels %q", labelTexts(u.win.Content()))
	}
	u.cases.hearList.Select(0)
	hs := u.hearing
	if hs == nil || hs.hearing.ID != h.ID {
		t.Fatal("hearing screen not opened")
	}
	if u.win.Canvas().Focused() != hs.note {
		t.Error("note field does not have the focus")
	}

	// Start the hearing (the button; the menu item does the same).
	if findMenuItem(t, u.win, "Start hearing").Shortcut != startShortcut {
		t.Error("Start hearing has no Ctrl+Shift+S in the menu")
	}
	test.Tap(hs.start)
	got, err := storage.Load[storage.Hearing](u.vault, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Started.IsZero() || !got.Started.Equal(hs.hearing.Started) {
		t.Fatalf("Started in vault = %v, on screen %v", got.Started, hs.hearing.Started)
	}
	if !strings.HasPrefix(hs.start.Text, "End hearing") {
		t.Errorf("after the start the button reads %q, want End hearing", hs.start.Text)
	}

	// Type a note, Enter saves it; Shift+Enter makes a new line.
	test.Type(hs.note, "Judge reads the charges")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(hs.note, "Defence objects")
	hs.note.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hs.note.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	test.Type(hs.note, "overruled")
	if hs.note.Text != "Defence objects\noverruled" {
		t.Fatalf("after Shift+Enter the field holds %q", hs.note.Text)
	}
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	if hs.note.Text != "" {
		t.Errorf("field not cleared after saving: %q", hs.note.Text)
	}
	notes := notesOf(t, u.vault, h)
	if len(notes) != 2 || notes[0].Text != "Judge reads the charges" || notes[1].Text != "Defence objects\noverruled" {
		t.Fatalf("notes in vault: %+v", notes)
	}
	if notes[0].HearingID != h.ID || !notes[0].Time.After(got.Started) {
		t.Errorf("note 0: hearing %v time %v, hearing started %v", notes[0].HearingID, notes[0].Time, got.Started)
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{got.Started.Add(time.Minute + 500*time.Millisecond), "+0:01:00"},
		{got.Started.Add(2*time.Hour + 3*time.Minute + 4*time.Second), "+2:03:04"},
		{got.Started.Add(-time.Minute), ""},
		{got.Started.Add(25 * time.Hour), ""},
	} {
		if text := hs.timeText(tc.at); !strings.HasSuffix(text, tc.want) || (tc.want == "" && strings.Contains(text, "+")) {
			t.Errorf("log time at %v = %q, want elapsed %q", tc.at, text, tc.want)
		}
	}

	// One tap on an event button, and Ctrl+2 from the menu.
	test.Tap(findButton(t, u.win.Content(), "Recess"))
	item := findMenuItem(t, u.win, "Defendant absent")
	if sc, ok := item.Shortcut.(*desktop.CustomShortcut); !ok || sc.KeyName != fyne.Key2 || sc.Modifier != fyne.KeyModifierShortcutDefault {
		t.Errorf("Defendant absent shortcut = %#v, want Ctrl+2", item.Shortcut)
	}
	item.Action()
	events := eventsOf(t, u.vault, h)
	if len(events) != 2 || events[0].Type != "recess" || events[1].Type != "defendant_absent" || events[0].HearingID != h.ID {
		t.Fatalf("events in vault: %+v", events)
	}
	if len(hs.lines) != 4 {
		t.Errorf("log shows %d lines, want 4", len(hs.lines))
	}

	// Ctrl+L locks: the half-typed note is kept, the vault is closed and
	// the unlock screen shown.
	test.Type(hs.note, "Half-typed កឹម")
	lock := findMenuItem(t, u.win, "Lock")
	if lock.Shortcut != lockShortcut {
		t.Errorf("Lock shortcut = %#v", lock.Shortcut)
	}
	lock.Action()
	if u.vault != nil || u.hearing != nil || u.unlock == nil || u.unlock.creating {
		t.Fatal("not locked")
	}
	if hasLabel(u.win.Content(), "Judge reads") {
		t.Error("the log is still on screen after locking")
	}

	// Unlock: everything is still there.
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	if u.vault == nil {
		t.Fatalf("unlock failed: %q", u.unlock.message.Text)
	}
	if n, e := len(notesOf(t, u.vault, h)), len(eventsOf(t, u.vault, h)); n != 2 || e != 2 {
		t.Errorf("after unlock: %d notes, %d events, want 2 and 2", n, e)
	}
	// The hearing open when the vault locked is shown again.
	if u.hearing == nil || len(u.hearing.lines) != 4 {
		t.Fatal("the hearing shown again after unlocking does not show its 4 log lines")
	}
	if got := u.hearing.note.Text; got != "Half-typed កឹម" {
		t.Errorf("half-typed note after unlock = %q", got)
	}

	// Saving the note drops the draft; Back keeps a new one.
	u.hearing.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n := len(notesOf(t, u.vault, h)); n != 3 {
		t.Errorf("%d notes after saving the restored draft, want 3", n)
	}
	test.Type(u.hearing.note, "more")
	test.Tap(findButton(t, u.win.Content(), "Back"))
	if u.hearing != nil || u.tabs == nil {
		t.Fatal("Back did not return to the tabs")
	}
	u.agenda.list.Select(0)
	if got := u.hearing.note.Text; got != "more" {
		t.Errorf("note field after Back and reopen = %q, want %q", got, "more")
	}
}

func notesOf(t *testing.T, v *storage.Vault, h *storage.Hearing) (ns []*storage.Note) {
	t.Helper()
	if err := v.View(func(tx *storage.Tx) (err error) { ns, err = tx.NotesOfHearing(h.ID); return err }); err != nil {
		t.Fatal(err)
	}
	return ns
}

func eventsOf(t *testing.T, v *storage.Vault, h *storage.Hearing) (es []*storage.Event) {
	t.Helper()
	if err := v.View(func(tx *storage.Tx) (err error) { es, err = tx.EventsOfHearing(h.ID); return err }); err != nil {
		t.Fatal(err)
	}
	return es
}
