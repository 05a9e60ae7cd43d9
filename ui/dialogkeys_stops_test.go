package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/report"
	"courtwatch/sync/outbox"
)

// escapeAtEveryStop opens a dialog with open, finds every widget that Tab
// reaches in it, and for each (and for where the focus starts) opens the
// dialog afresh, moves the focus there, presses Escape and checks that the
// dialog closed.
func escapeAtEveryStop(t *testing.T, c fyne.Canvas, name string, open func()) {
	t.Helper()
	open()
	if c.Overlays().Top() == nil {
		t.Fatalf("%s: no dialog opened", name)
	}
	seen := map[fyne.Focusable]bool{}
	stops := 0
	for ; stops < 60; stops++ {
		if f := c.Focused(); f != nil {
			if seen[f] {
				break
			}
			seen[f] = true
		}
		tabKey(c)
	}
	clearOverlays(c)
	for i := range stops {
		open()
		for range i {
			tabKey(c)
		}
		f := c.Focused()
		pressKey(c, fyne.KeyEscape)
		if c.Overlays().Top() != nil {
			t.Errorf("%s: Escape with the focus on %T (after %d Tab) left the dialog open", name, f, i)
			clearOverlays(c)
		}
	}
}

// TestDialogKeysEveryStop: Escape cancels every dialog wherever the focus
// is in it: a text field, a select, a list, a table, a drop-down button,
// a form's buttons (issue 10, flaw 6). Plain Fyne widgets keep Escape
// when they have the focus; each dialog here is tabbed through to the
// end.
func TestDialogKeysEveryStop(t *testing.T) {
	u, _, h, _, _ := newAttendanceTest(t, 3)
	c := u.win.Canvas()
	hs := u.hearing
	hs.showTab(0)
	hs.startHearing()
	test.Type(hs.note, "Witness heard")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hs.editLastNote()
	hs.saveEdit(hs.editLine, "Witness heard twice") // a second version, so the history list shows
	clearOverlays(c)

	escapeAtEveryStop(t, c, "End hearing", hs.confirmEnd)
	escapeAtEveryStop(t, c, "error message", func() { u.fail("Test", errTest) })
	escapeAtEveryStop(t, c, "note editor", hs.editLastNote)
	escapeAtEveryStop(t, c, "who is absent", func() { hs.pickPerson("defendant_absent", u.now()) })
	escapeAtEveryStop(t, c, "export preview", func() { u.exportReport(report.SubjectHearing, h.ID) })
	escapeAtEveryStop(t, c, "search", func() {
		s := u.openSearch()
		test.Type(s.query, "Witness")
		s.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // to the results
		if c.Focused() != s.list {
			t.Errorf("Down in the search field focused %T, not the results", c.Focused())
		}
	})
	escapeAtEveryStop(t, c, "settings", func() { u.openSettings() })

	u.leaveHearing()
	u.tabs.SelectIndex(0)
	s := u.cases
	s.list.Select(0)
	escapeAtEveryStop(t, c, "new case", func() { s.openCaseForm(nil) })
	escapeAtEveryStop(t, c, "edit case", func() { s.openCaseForm(s.cur) })
	escapeAtEveryStop(t, c, "add hearing", func() { s.openHearingForm(nil) })
	escapeAtEveryStop(t, c, "add defendant", func() { s.openDefendantForm(nil) })
	escapeAtEveryStop(t, c, "add defendant, new person", func() {
		s.openDefendantForm(nil)
		s.defForm.mode.SetSelected("New person")
	})
	if len(s.defs) == 0 {
		t.Fatal("the case has no defendants")
	}
	escapeAtEveryStop(t, c, "edit defendant", func() { s.openDefendantForm(&s.defs[0]) })

	u.tabs.SelectIndex(1)
	escapeAtEveryStop(t, c, "new person", u.roster.newPerson)
	escapeAtEveryStop(t, c, "roster preview", func() {
		u.roster.previewImport([]byte(rosterCSV), s.cur.ID)
	})

	escapeAtEveryStop(t, c, "delivery, set-up", func() { u.openDelivery(deliverySetupTab) })
	escapeAtEveryStop(t, c, "delivery, outbox", func() { u.openDelivery(deliveryOutboxTab) })
}

// TestDeliveryCopyKey: the device key in the Delivery screen, no longer a
// selectable label (whose focus kept Escape from the dialog), has a
// button that copies it.
func TestDeliveryCopyKey(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	u.openDelivery(deliverySetupTab)
	dev, _, err := outbox.DeviceFile(u.vault)
	if err != nil {
		t.Fatal(err)
	}
	var copied []string
	for _, o := range test.LaidOutObjects(overlay(t, u)) {
		if b, ok := o.(*copyButton); ok {
			test.Tap(b)
			copied = append(copied, fyne.CurrentApp().Clipboard().Content())
		}
	}
	if !slices.Contains(copied, dev.PublicKey) || !slices.Contains(copied, dev.ID) {
		t.Errorf("the copy buttons copied %q, want the device key %q and id %q", copied, dev.PublicKey, dev.ID)
	}
}

// TestDeliveryFileDialogsEscape: the Delivery screen's file dialogs (save
// the device file, install a profile) close on Escape where Fyne puts the
// focus, and the Delivery screen stays under them.
func TestDeliveryFileDialogsEscape(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	c := u.win.Canvas()
	d := u.openDelivery(deliverySetupTab)
	delivery := c.Overlays().Top()
	for name, open := range map[string]func(){
		"save the device file": d.pickDeviceFile,
		"install a profile":    d.pickProfile,
	} {
		open()
		if c.Overlays().Top() == delivery {
			t.Fatalf("%s: no file dialog opened", name)
		}
		focused := c.Focused()
		pressKey(c, fyne.KeyEscape)
		if top := c.Overlays().Top(); top != delivery {
			t.Errorf("%s: Escape with the focus on %T left the file dialog open", name, focused)
			clearOverlays(c)
			d = u.openDelivery(deliverySetupTab)
			delivery = c.Overlays().Top()
		}
	}
}
