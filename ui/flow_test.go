package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// TestMonitorFlow is a monitor's day on the real screens and a real vault,
// from nothing: create the vault, add the case, import its roster, add the
// hearing, open it, start it, write a note, tap an event, take attendance,
// answer checklist questions, lock and unlock, set delivery up, sync to
// a real HQ receiver and export to a folder. After each step it checks
// what reached the vault.
func TestMonitorFlow(t *testing.T) {
	u := newTestUI(t)
	u.showUnlock()

	// 1. Create the vault.
	test.Type(u.unlock.pass, testPass)
	test.Type(u.unlock.confirm, testPass)
	test.Tap(u.unlock.submit)
	if u.vault == nil {
		t.Fatalf("vault not created: %q", u.unlock.message.Text)
	}

	// 2. Add the case with the form.
	s := u.cases
	test.Tap(s.newCase)
	cf := s.caseForm
	test.Type(cf.court, "Phnom Penh Municipal Court")
	test.Type(cf.number, "DEMO 001/2020")
	test.Type(cf.title, "Plotting: mass trial I")
	cf.zone.SetText("Asia/Phnom_Penh")
	cf.charges.SetText("453 Plotting\n494 Incitement")
	test.Tap(cf.save)
	var c *storage.Case
	if cs := vaultCases(t, u.vault); len(cs) != 1 || len(cs[0].Charges) != 2 {
		t.Fatalf("cases in vault after the form: %+v", cs)
	} else {
		c = cs[0]
	}

	// 3. Import the roster (the file dialog hands its bytes to the preview).
	u.tabs.SelectIndex(1)
	u.roster.previewImport([]byte(rosterCSV), c.ID)
	test.Tap(findButton(t, overlay(t, u), "Import 3 rows"))
	test.Tap(findButton(t, overlay(t, u), "OK")) // the import report
	defs := defendantsOf(t, u.vault, c.ID)
	if len(defs) != 3 {
		t.Fatalf("%d defendants after the import, want 3", len(defs))
	}
	if u.roster.count.Text != "3 of 3" {
		t.Errorf("roster count after import = %q", u.roster.count.Text)
	}

	// 4. Add the hearing on the case page and open it from the timeline.
	u.tabs.SelectIndex(0)
	s.showCase(c.ID)
	test.Tap(s.addHearing)
	hf := s.hearForm
	hf.date.SetText("2026-03-04")
	hf.clock.SetText("08:30")
	test.Type(hf.courtroom, "2")
	test.Tap(hf.save)
	hs := vaultHearings(t, u.vault, c)
	if len(hs) != 1 || hs[0].Scheduled.Hour() != 8 || hs[0].Courtroom != "2" {
		t.Fatalf("hearings after the form: %+v", hs)
	}
	h := hs[0]
	s.hearList.Select(0)
	scr := u.hearing
	if scr == nil || scr.hearing.ID != h.ID {
		t.Fatal("the hearing did not open from the case page")
	}

	// 5. Start it, write a note, tap an event.
	test.Tap(scr.start)
	test.Type(scr.note, "Public kept outside the gate; ប៉ូលិសរារាំងសាធារណជន")
	scr.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	findMenuItem(t, u.win, "Defendant absent").Action()
	pick, ok := u.win.Canvas().Focused().(*keyEntry) // whom: the name filter
	if !ok {
		t.Fatalf("no name filter for Defendant absent: focus on %T", u.win.Canvas().Focused())
	}
	test.Type(pick, "sam")
	pick.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got, err := storage.Load[storage.Hearing](u.vault, h.ID); err != nil || got.Started.IsZero() {
		t.Fatalf("start not stored: %+v %v", got, err)
	}
	if ns := notesOf(t, u.vault, h); len(ns) != 1 || ns[0].Text != "Public kept outside the gate; ប៉ូលិសរារាំងសាធារណជន" {
		t.Fatalf("notes: %+v", ns)
	}
	if es := eventsOf(t, u.vault, h); len(es) != 1 || es[0].Type != "defendant_absent" || es[0].PersonID == uuid.Nil {
		t.Fatalf("events: %+v", es)
	}

	// 6. Attendance: everyone present in one action.
	scr.showTab(1)
	// Everyone present in one action, and the one tried in absentia saved
	// as such with another.
	test.Tap(findButton(t, scr.attendance.content, "Mark all present"))
	test.Tap(findButton(t, scr.attendance.content, "Mark in-absentia defendants"))
	if att := attendanceOf(t, u.vault, h); len(att) != 3 {
		t.Fatalf("%d attendance records, want 3", len(att))
	} else {
		for _, a := range att {
			if a.Presence != storage.PresencePresent && a.Presence != storage.PresenceInAbsentia {
				t.Errorf("attendance %+v", a)
			}
		}
	}

	// 7. Checklist: a hearing question, and a per-defendant one for all.
	scr.showTab(2)
	p := scr.checklist
	p.selectQuestion("PUB-01")
	p.list.TypedRune('1') // yes
	test.Tap(p.form.save)
	p.selectQuestion("CHG-01")
	p.list.TypedRune('2') // no: needs a comment
	test.Type(p.form.comment, "Charges read out in French only")
	test.Tap(p.form.save)
	var answers []*storage.ChecklistAnswer
	if err := u.vault.View(func(tx *storage.Tx) (err error) {
		answers, err = tx.ChecklistOfHearing(h.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1+3 {
		t.Fatalf("%d checklist answers, want 1 for the hearing and 3 for the defendants: %+v", len(answers), answers)
	}

	// 8. Lock with a half-typed note, unlock, and find everything again.
	scr.showTab(0)
	test.Type(scr.note, "Judge enters")
	findMenuItem(t, u.win, "Lock").Action()
	if u.vault != nil || u.hearing != nil {
		t.Fatal("not locked")
	}
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	if u.vault == nil {
		t.Fatalf("unlock failed: %q", u.unlock.message.Text)
	}
	u.openHearing(h.ID)
	if got := u.hearing.note.Text; got != "Judge enters" {
		t.Errorf("half-typed note after unlock = %q", got)
	}
	if n := len(u.hearing.lines); n != 2 {
		t.Errorf("log after unlock shows %d lines, want 2", n)
	}
	if att := attendanceOf(t, u.vault, h); len(att) != 3 {
		t.Errorf("%d attendance records after unlock", len(att))
	}
	if _, err := u.vault.VerifyChain(u.vault.Device().ID); err != nil {
		t.Errorf("device chain after the day: %v", err)
	}

	// 9. Delivery set-up in the app, a sync to HQ and an export to a stick.
	deliverFromApp(t, u)
}
