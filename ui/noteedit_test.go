package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// openTestHearing creates a vault with one case and hearing, opens the app
// on it and shows the hearing screen.
func openTestHearing(t *testing.T) (*appUI, *storage.Hearing) {
	t.Helper()
	u := newTestUI(t)
	_, _, h := openTestVault(t, u)
	u.openHearing(h.ID)
	return u, h
}

// TestEditNote edits a saved note: the vault keeps both versions, the log
// marks the note as edited and the editor lists the history.
func TestEditNote(t *testing.T) {
	u, h := openTestHearing(t)
	hs := u.hearing
	test.Type(hs.note, "Judge reads the charges against Kem Sokha")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})

	if findMenuItem(t, u.win, "Edit last note").Shortcut != editShortcut {
		t.Error("Edit last note has no Ctrl+E")
	}
	hs.editLastNote()
	if hs.editor == nil {
		t.Fatal("no editor opened")
	}
	entry, ok := u.win.Canvas().Focused().(*editEntry)
	if !ok || entry.Text != "Judge reads the charges against Kem Sokha" {
		t.Fatalf("editor field not focused with the note's text: %#v", u.win.Canvas().Focused())
	}
	entry.SetText("Judge reads the charges against Kem Sokha កឹម សុខា (art. 443)")
	hs.saveEdit(0, entry.Text)

	var notes []*storage.Note
	if err := u.vault.View(func(tx *storage.Tx) (err error) {
		notes, err = tx.NotesOfHearing(h.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Text != "Judge reads the charges against Kem Sokha កឹម សុខា (art. 443)" || notes[0].Version != 2 {
		t.Fatalf("notes after the edit: %+v", notes)
	}
	hist, err := hs.noteHistory(notes[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[1].Text != "Judge reads the charges against Kem Sokha" || hist[0].Number != 2 {
		t.Fatalf("history = %+v", hist)
	}
	if !hasLabel(hs.content, "(edited) Judge reads") {
		t.Errorf("log does not mark the edit: %q", labelTexts(hs.content))
	}

	// Emptying a note is refused and changes nothing.
	hs.saveEdit(0, "   ")
	if n, err := storage.Load[storage.Note](u.vault, notes[0].ID); err != nil || n.Version != 2 {
		t.Fatalf("after an empty edit: %+v, %v", n, err)
	}

	// Reopened, the log still shows the edited note as edited.
	u.leaveHearing()
	u.openHearing(h.ID)
	if !hasLabel(u.hearing.content, "(edited) Judge reads the charges against Kem Sokha កឹម សុខា") {
		t.Errorf("reopened log: %q", labelTexts(u.hearing.content))
	}
}

// TestLockClosesDialogs: a dialog showing vault contents (here the note
// editor) must not stay on screen over the unlock screen.
func TestLockClosesDialogs(t *testing.T) {
	u, _ := openTestHearing(t)
	hs := u.hearing
	test.Type(hs.note, "Secret witness name")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hs.editLastNote()
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("editor is not shown")
	}
	u.lock()
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("an overlay is still shown after lock: %T", top)
	}
	if hasLabel(u.win.Content(), "Secret witness") {
		t.Error("the note is still on screen after lock")
	}
}

// TestEditKeptOverLock: an edit in progress when the vault locks is kept
// sealed, not saved as a version, and the editor comes back with it after
// unlock.
func TestEditKeptOverLock(t *testing.T) {
	u, h := openTestHearing(t)
	hs := u.hearing
	test.Type(hs.note, "Defence counsel leaves")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hs.editLastNote()
	hs.editText.SetText("Defence counsel is ordered out by the judge")
	u.lock()

	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	if ns := notesOf(t, u.vault, h); len(ns) != 1 || ns[0].Version != 1 || ns[0].Text != "Defence counsel leaves" {
		t.Fatalf("the unfinished edit reached the note: %+v", ns)
	}
	u.openHearing(h.ID)
	hs = u.hearing
	if hs.editor == nil || hs.editText.Text != "Defence counsel is ordered out by the judge" {
		t.Fatal("the editor did not come back with the unfinished edit")
	}
	hs.saveEdit(hs.editLine, hs.editText.Text)
	if ns := notesOf(t, u.vault, h); ns[0].Version != 2 || ns[0].Text != "Defence counsel is ordered out by the judge" {
		t.Fatalf("after saving the resumed edit: %+v", ns[0])
	}

	// Once saved, the next lock keeps no edit.
	clearOverlays(u.win.Canvas())
	u.lock()
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	u.openHearing(h.ID)
	if u.hearing.editor != nil {
		t.Error("the editor reopened although the edit was saved")
	}
}

// TestEndHearing: ending asks first; once confirmed the end time is in
// the vault and the button has nothing more to do.
func TestEndHearing(t *testing.T) {
	u, h := openTestHearing(t)
	hs := u.hearing
	hs.confirmEnd() // not started: nothing to end
	if u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("asked to end a hearing that has not started")
	}
	test.Tap(hs.start)
	if findMenuItem(t, u.win, "End hearing").Shortcut != endShortcut {
		t.Error("End hearing has no Ctrl+Shift+X")
	}
	test.Tap(hs.start) // now "End hearing"
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "No"))
	if got, _ := storage.Load[storage.Hearing](u.vault, h.ID); !got.Ended.IsZero() {
		t.Fatal("ended although the monitor said no")
	}
	test.Tap(hs.start)
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Yes"))
	got, err := storage.Load[storage.Hearing](u.vault, h.ID)
	if err != nil || got.Ended.IsZero() || !got.Ended.After(got.Started) {
		t.Fatalf("hearing after ending: %+v, %v", got, err)
	}
	if !hs.start.Disabled() || !strings.Contains(hs.started.Text, "ended") {
		t.Errorf("after the end: button %q (disabled %v), header %q", hs.start.Text, hs.start.Disabled(), hs.started.Text)
	}
}
