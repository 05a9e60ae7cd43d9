package ui

import (
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// TestIdleLock checks that the vault locks after five minutes without
// input, that typing postpones it, and that the half-typed note survives.
func TestIdleLock(t *testing.T) {
	u := newTestUI(t)
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	u.now = func() time.Time { return now }
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Title: "Idle"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: now}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	u.opened(v)
	u.openHearing(h.ID)
	if u.idle != 5*time.Minute {
		t.Errorf("idle lock = %v, want 5m by default", u.idle)
	}

	now = now.Add(4 * time.Minute)
	test.Type(u.hearing.note, "Witness")
	now = now.Add(4 * time.Minute)
	u.checkIdle()
	if u.vault == nil {
		t.Fatal("locked 4 minutes after typing")
	}
	now = now.Add(time.Minute)
	u.checkIdle()
	if u.vault != nil || u.unlock == nil {
		t.Fatal("not locked after 5 idle minutes")
	}

	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit) // shows the hearing open when the vault locked
	if u.hearing == nil || u.hearing.note.Text != "Witness" {
		t.Error("half-typed note lost by the idle lock")
	}
}

// TestDraftKeptWhileTyping: the idle watcher keeps the half-typed note in
// the vault every few seconds, so a crash loses at most that much. The
// crash is simulated by closing the vault behind the app's back.
func TestDraftKeptWhileTyping(t *testing.T) {
	u, h := openTestHearing(t)
	test.Type(u.hearing.note, "The judge orders the public out ")
	u.checkIdle()
	test.Type(u.hearing.note, "and")
	v := u.vault
	u.vault, u.hearing = nil, nil // the app is gone: no lock, no saveDraft
	u.sync.stop()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := storage.Open(u.dir, []byte(testPass))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var kept []byte
	if err := v.View(func(tx *storage.Tx) (err error) { kept, err = tx.Aux(draftKey(h.ID)); return err }); err != nil {
		t.Fatalf("no draft kept: %v", err)
	}
	if string(kept) != "The judge orders the public out " {
		t.Errorf("kept draft = %q", kept)
	}
}

// TestSettleReleasesMemory: a few seconds after a new screen is shown
// (here: the main screen, after unlocking), the memory the screen before
// left is handed back to the system, without waiting for the app to rest
// (tools/measure measures right after unlocking).
func TestSettleReleasesMemory(t *testing.T) {
	u := newTestUI(t)
	forced := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumForcedGC
	}
	openTestVault(t, u) // FreeOSMemory in opened counts once
	before := forced()
	deadline := time.Now().Add(settleAfter + 5*time.Second)
	for forced() == before {
		if time.Now().After(deadline) {
			t.Fatalf("no memory handed back within %v of showing the main screen", settleAfter+5*time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestHearingLetsGoOfTabs: while a hearing is shown, the tabs it took the
// place of (Cases, Defendants, Agenda) are let go of rather than kept and
// re-read behind it on every change; leaving the hearing builds them
// afresh, on the hearing's case.
func TestHearingLetsGoOfTabs(t *testing.T) {
	u, h := openTestHearing(t)
	if u.tabs != nil || u.cases != nil || u.roster != nil || u.agenda != nil {
		t.Fatal("the tabs are still held behind the hearing")
	}
	for _, w := range u.watchers {
		if w.key == "cases" || w.key == "roster" || w.key == "agenda" {
			t.Errorf("the %s tab is still told of changes behind the hearing", w.key)
		}
	}
	u.hearing.startHearing() // tells the screens that are left
	u.leaveHearing()
	if u.hearing != nil || u.tabs == nil || u.cases == nil || u.roster == nil || u.agenda == nil {
		t.Fatal("the tabs were not built again when the hearing was left")
	}
	if s := u.tabs.Selected(); s == nil || s.Content != u.cases.content {
		t.Error("leaving the hearing did not go to the Cases tab")
	}
	if c := u.cases.cur; c == nil || c.ID != h.CaseID {
		t.Errorf("the Cases tab shows %v, want the hearing's case", c)
	}
	keys := map[string]bool{}
	for _, w := range u.watchers {
		keys[w.key] = true
	}
	for _, k := range []string{"cases", "roster", "agenda"} {
		if !keys[k] {
			t.Errorf("the rebuilt %s tab is not told of changes", k)
		}
	}
}
