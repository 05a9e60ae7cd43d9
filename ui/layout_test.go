package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// Markup masters pin the layouts of the key screens at 1024×600.

func TestUnlockLayout(t *testing.T) {
	u := newTestUI(t)
	u.dir = "/home/monitor/courtwatch-vault"
	u.showUnlock()
	test.Type(u.unlock.pass, "correct horse")
	test.AssertRendersToMarkup(t, "unlock_create.xml", u.win.Canvas())
}

func TestHearingLayout(t *testing.T) {
	u := newTestUI(t)
	now := time.Date(2026, 3, 4, 9, 2, 0, 0, time.UTC)
	u.now = func() time.Time { return now }
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 001/2020", Title: "Plotting: mass trial I"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	u.dir = "/home/monitor/courtwatch-vault" // as shown; the vault itself is in a temporary folder
	u.opened(v)
	u.openHearing(h.ID)
	hs := u.hearing
	test.Tap(hs.start)
	now = now.Add(time.Minute)
	test.Type(hs.note, "Judge reads the charges against Kem Sokha កឹម សុខា")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	now = now.Add(time.Minute)
	hs.eventShortcut(1)
	test.Type(hs.note, "Defence asks for")
	test.AssertRendersToMarkup(t, "hearing.xml", u.win.Canvas())
}
