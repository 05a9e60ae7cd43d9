package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// pressKey sends a key to c as the window does: to the focused widget, or
// to the canvas when nothing has the focus.
func pressKey(c fyne.Canvas, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// TestDialogKeys: Escape cancels and Enter confirms in every kind of
// dialog: a confirmation, a message, a form with the focus in a field and
// the note editor (issue 10, flaw 6).
func TestDialogKeys(t *testing.T) {
	u, h := openTestHearing(t)
	c := u.win.Canvas()
	hs := u.hearing
	hs.startHearing()

	// End hearing: Escape says no, Enter says yes.
	hs.confirmEnd()
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape did not close End hearing")
	}
	if got, _ := storage.Load[storage.Hearing](u.vault, h.ID); !got.Ended.IsZero() {
		t.Fatal("Escape ended the hearing")
	}
	hs.confirmEnd()
	pressKey(c, fyne.KeyReturn)
	if got, _ := storage.Load[storage.Hearing](u.vault, h.ID); got.Ended.IsZero() {
		t.Fatal("Enter did not end the hearing")
	}
	if c.Overlays().Top() != nil {
		t.Fatal("the dialog stayed open after Enter")
	}

	// A message: Escape closes it, and so does Enter.
	u.fail("Test", errTest)
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape did not close an error message")
	}
	u.fail("Test", errTest)
	pressKey(c, fyne.KeyReturn)
	if c.Overlays().Top() != nil {
		t.Fatal("Enter did not close an error message")
	}

	// The note editor: Escape in its field cancels.
	test.Type(hs.note, "Witness heard")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hs.editLastNote()
	test.Type(hs.editText, " twice")
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil || hs.editor != nil {
		t.Fatal("Escape did not cancel the note editor")
	}
	if ns := notesOf(t, u.vault, h); ns[0].Version != 1 {
		t.Fatal("Escape saved the edit")
	}

	// A form with the focus in a field: Escape cancels it.
	u.leaveHearing()
	u.tabs.SelectIndex(0)
	test.Tap(u.cases.newCase)
	f := u.cases.caseForm
	c.Focus(f.court)
	test.Type(f.court, "Court")
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape in a form field did not close the form")
	}
}

var errTest = errors.New("disk on fire")
