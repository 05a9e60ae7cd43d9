package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// TestVaultChangedNotice: a change made on one screen reaches the others
// through the bridge's vault-changed notice, not by one screen reloading
// another. Renaming a person on the Defendants tab renames them on the
// case page; starting a hearing shows on the case's timeline; a hearing
// added on the case page appears on the agenda.
func TestVaultChangedNotice(t *testing.T) {
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 001/2020", Title: "Plotting", TimeZone: "UTC"}
	p := &storage.Person{Name: "Kem Sokha"}
	mustPut(t, v, c, p)
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)}
	mustPut(t, v, &storage.CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: storage.StatusBail}, h)
	u.opened(v)
	s := u.cases
	s.list.Select(0)
	if len(s.defs) != 1 || s.defendantCell(s.defs[0], 0) != "Kem Sokha" {
		t.Fatalf("case page defendants %+v", s.defs)
	}

	// The Defendants tab renames the person; the case page follows.
	u.tabs.SelectIndex(1)
	r := u.roster
	r.showPerson(p.ID)
	r.editPerson()
	r.editor.name.SetText("Kem Sokha (renamed)")
	test.Tap(findButton(t, overlay(t, u), "Save"))
	if got := s.defendantCell(s.defs[0], 0); got != "Kem Sokha (renamed)" {
		t.Errorf("case page shows %q after the roster renamed the person", got)
	}

	// The hearing screen starts the hearing; the case's timeline shows it
	// when the hearing is left (the tabs are built afresh then: they are
	// not kept behind a hearing).
	u.openHearing(h.ID)
	u.hearing.startHearing()
	u.leaveHearing()
	s = u.cases
	if len(s.hearings) != 1 || !strings.Contains(hearingWhat(s.hearings[0], zoneOf(s.cur)), "Started") {
		t.Errorf("case timeline after the hearing started: %q", hearingWhat(s.hearings[0], zoneOf(s.cur)))
	}

	// The case page adds a hearing; the agenda follows.
	s = u.cases
	s.list.Select(0)
	test.Tap(s.addHearing)
	f := s.hearForm
	f.date.SetText("2026-03-20")
	f.clock.SetText("09:00")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	if n := len(u.agenda.rows); n != 2 {
		t.Errorf("agenda lists %d hearings after one was added on the case page, want 2", n)
	}
}

// TestBridgeBackground: work handed to background runs off the caller's
// goroutine and done comes back through do; a spawn that runs work inline
// gets done inline.
func TestBridgeBackground(t *testing.T) {
	var posted []func()
	b := &bridge{post: func(f func()) { posted = append(posted, f) }, spawn: func(f func()) { f() }}
	ran := false
	b.background(func() {}, func() { ran = true })
	if !ran || len(posted) != 0 {
		t.Fatalf("inline spawn: done ran %v, %d posted", ran, len(posted))
	}
	var pending []func()
	b.spawn = func(f func()) { pending = append(pending, f) }
	ran = false
	b.background(func() {}, func() { ran = true })
	pending[0]() // the goroutine runs after spawn returned
	if ran || len(posted) != 1 {
		t.Fatalf("background spawn: done ran %v before the UI goroutine took it, %d posted", ran, len(posted))
	}
	posted[0]()
	if !ran {
		t.Fatal("done did not run on the UI goroutine")
	}
}
