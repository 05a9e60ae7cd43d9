package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestDraftContinuesAtEnd: typing on after a kept half-typed note comes
// back (lock, unlock, reopen) adds to its end, not its start (issue 10,
// flaw 2).
func TestDraftContinuesAtEnd(t *testing.T) {
	u, h := openTestHearing(t)
	test.Type(u.hearing.note, "Half-typed: the judge")
	u.lock()
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	u.openHearing(h.ID)
	hs := u.hearing
	if hs.note.Text != "Half-typed: the judge" {
		t.Fatalf("draft came back as %q", hs.note.Text)
	}
	test.Type(hs.note, " says the questions are irrelevant.")
	if want := "Half-typed: the judge says the questions are irrelevant."; hs.note.Text != want {
		t.Errorf("note reads %q, want %q", hs.note.Text, want)
	}
}

// TestEditorContinuesAtEnd: the Ctrl+E editor puts the cursor after the
// note's text, and Ctrl+Enter saves (issue 10, flaws 2 and 6).
func TestEditorContinuesAtEnd(t *testing.T) {
	u, h := openTestHearing(t)
	hs := u.hearing
	test.Type(hs.note, "Judge reads the charges")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hs.editLastNote()
	if hs.editor == nil {
		t.Fatal("no editor")
	}
	test.Type(hs.editText, " against Kem Sokha")
	if want := "Judge reads the charges against Kem Sokha"; hs.editText.Text != want {
		t.Fatalf("editor reads %q, want %q", hs.editText.Text, want)
	}
	hs.editText.TypedShortcut(ctrlEnter)
	if hs.editor != nil || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Ctrl+Enter did not save and close the editor")
	}
	if ns := notesOf(t, u.vault, h); len(ns) != 1 || ns[0].Version != 2 || ns[0].Text != "Judge reads the charges against Kem Sokha" {
		t.Fatalf("stored %+v", ns)
	}
}

// TestCtrlHomeEnd: Ctrl+Home and Ctrl+End move the note field's cursor to
// the start and the end of the whole text (issue 10, flaw 2).
func TestCtrlHomeEnd(t *testing.T) {
	u, _ := openTestHearing(t)
	n := u.hearing.note
	test.Type(n, "first line")
	n.shift = true
	n.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Shift+Enter: a new line
	n.shift = false
	test.Type(n, "second line")
	n.TypedShortcut(ctrlHome)
	test.Type(n, ">")
	n.TypedShortcut(ctrlEnd)
	test.Type(n, "<")
	if want := ">first line\nsecond line<"; n.Text != want {
		t.Errorf("note reads %q, want %q", n.Text, want)
	}
}
