package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"courtwatch/report"
	"courtwatch/storage"
)

// tabKey presses Tab as the desktop driver does: the focused widget (or,
// with none, the window's canvas) sees the key go down, then the focus
// moves on.
func tabKey(c fyne.Canvas) {
	ev := &fyne.KeyEvent{Name: fyne.KeyTab}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
	} else if c.Focused() == nil {
		dialogKeyDown(c, ev) // what installDialogKeys sets as the canvas's OnKeyDown
	}
	c.FocusNext()
}

// TestDialogKeysFocused: Escape cancels a dialog also while a button,
// check box or select inside it has the keyboard focus: the buttons of
// Fyne's own dialogs (End hearing, an error message) reached with Tab,
// the selects of the export preview, the check box of the Delivery
// dialog's purge setting.
func TestDialogKeysFocused(t *testing.T) {
	u, h := openTestHearing(t)
	c := u.win.Canvas()
	hs := u.hearing
	hs.startHearing()

	// End hearing: Tab focuses a button; Escape still says no.
	hs.confirmEnd()
	tabKey(c)
	if _, ok := c.Focused().(*keyButton); !ok {
		t.Fatalf("Tab in End hearing focused %T, want a dialog button that passes Escape on", c.Focused())
	}
	tabKey(c)
	if _, ok := c.Focused().(*keyButton); !ok {
		t.Fatalf("the second Tab focused %T", c.Focused())
	}
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape on a focused button did not close End hearing")
	}
	if got, _ := storage.Load[storage.Hearing](u.vault, h.ID); !got.Ended.IsZero() {
		t.Fatal("Escape on a focused button ended the hearing")
	}
	// Enter on a focused button presses that button, like Space: Tab to
	// Cancel, Enter, and the hearing goes on.
	hs.confirmEnd()
	for i := 0; i < 3; i++ {
		if b, _ := c.Focused().(*keyButton); b != nil && b.Importance != widget.HighImportance {
			break
		}
		tabKey(c)
	}
	pressKey(c, fyne.KeyReturn)
	if c.Overlays().Top() != nil {
		t.Fatal("Enter on the focused Cancel button left End hearing open")
	}
	if got, _ := storage.Load[storage.Hearing](u.vault, h.ID); !got.Ended.IsZero() {
		t.Fatal("Enter on the focused Cancel button ended the hearing")
	}

	// An error message: Tab, then Escape.
	u.fail("Test", errTest)
	tabKey(c)
	if c.Focused() == nil {
		t.Fatal("Tab focused nothing in an error message")
	}
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape on the focused OK button did not close the message")
	}

	// The export preview: its format select has the focus when it opens;
	// after Tab, its language select.
	for _, tabs := range []int{0, 1} {
		p, err := newExportPreview(u, report.SubjectHearing, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		p.show()
		for range tabs {
			tabKey(c)
		}
		if _, ok := c.Focused().(*keySelect); !ok {
			t.Fatalf("after %d Tab the export preview's focus is on %T, want a select", tabs, c.Focused())
		}
		pressKey(c, fyne.KeyEscape)
		if c.Overlays().Top() != nil {
			t.Fatalf("Escape on a focused select (%d Tab) did not close the export preview", tabs)
		}
	}

	// The Delivery dialog: a click on a case's purge box focuses it (and
	// asks first); Cancel; then Escape with the box focused closes the
	// dialog.
	u.leaveHearing()
	d := u.openDelivery(deliverySetupTab)
	var check *keyCheck
	for _, k := range d.purges {
		check = k
	}
	if check == nil {
		t.Fatal("no purge check box in the Delivery dialog")
	}
	c.Focus(check)
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape on a focused check box did not close the Delivery dialog")
	}
	if check.Checked {
		t.Fatal("Escape ticked the box")
	}
}
