package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// TestLockHidesBeforeClose: lock shows the unlock screen before the
// vault's close has run (a close can take a few hundred milliseconds on a
// large vault), and an unlock typed meanwhile waits for that close instead
// of finding the vault in use.
func TestLockHidesBeforeClose(t *testing.T) {
	u, _ := openTestHearing(t)
	hs := u.hearing
	test.Type(hs.note, "Witness K. named in court")
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	v := u.vault

	// Hold back the work lock hands to the background: the close.
	var held []func()
	u.spawn = func(f func()) { held = append(held, f) }
	u.lock()
	if len(held) != 1 {
		t.Fatalf("lock handed %d jobs to the background, want 1 (the close)", len(held))
	}
	if u.vault != nil || u.unlock == nil || u.win.Content() != u.unlock.content {
		t.Fatal("the unlock screen is not shown while the vault closes")
	}
	if hasLabel(u.win.Content(), "Witness K.") {
		t.Error("the note is still on screen while the vault closes")
	}
	if _, err := storage.Open(u.dir, []byte(testPass)); !errors.Is(err, storage.ErrVaultInUse) {
		t.Fatalf("the vault is closed before the close ran: open gave %v", err)
	}

	// An unlock now waits for the close: run it on its own goroutine
	// (spawn), and let the close go only after it has started.
	opened := make(chan struct{})
	u.spawn = func(f func()) { go func() { f(); close(opened) }() }
	u.post = func(f func()) { f() }
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	time.Sleep(100 * time.Millisecond) // without the wait, the open would fail on the lock now
	held[0]()                          // the close
	<-opened
	if u.vault == nil || u.vault == v {
		t.Fatalf("no new vault after the unlock: %q", u.unlock.message.Text)
	}
	hits, err := u.vault.Search("Witness", 10)
	if err != nil || len(hits) != 1 {
		t.Fatalf("after lock and unlock: %d hits, %v", len(hits), err)
	}
}

// TestUnlockWaitsForOtherClose: an unlock while another Courtwatch still
// holds the vault (one just quit and closing it, or a command) says it
// waits, and opens the vault as soon as the other lets go; if the other
// does not within inUseWait, it says the vault is in use, and counts no
// wrong passphrase.
func TestUnlockWaitsForOtherClose(t *testing.T) {
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	u.showUnlock()
	s := u.unlock
	var messages []string
	s.br.post = func(f func()) { f(); messages = append(messages, s.message.Text) }

	// Held for longer than the wait: the error names the cause.
	s.inUseWait = 300 * time.Millisecond
	test.Type(s.pass, testPass)
	test.Tap(s.submit)
	if u.vault != nil || !strings.Contains(s.message.Text, "in use") || s.submit.Disabled() {
		t.Fatalf("vault held: opened %v, message %q, disabled %v", u.vault != nil, s.message.Text, s.submit.Disabled())
	}
	if s.tries.failures != 0 {
		t.Errorf("a vault in use counted as %d wrong passphrases", s.tries.failures)
	}
	if len(messages) == 0 || !strings.Contains(messages[0], "Waiting for it to close") {
		t.Errorf("no word of the wait: %q", messages)
	}

	// Let go within the wait: the unlock opens it.
	s.inUseWait = time.Minute
	released := time.AfterFunc(time.Second, func() { v.Close() })
	defer released.Stop()
	t0 := time.Now()
	s.pass.SetText(testPass) // kept after the refusal: typed again here
	test.Tap(s.submit)
	if u.vault == nil {
		t.Fatalf("not opened once the other let go: %q", s.message.Text)
	}
	if d := time.Since(t0); d < time.Second || d > 20*time.Second {
		t.Errorf("opened after %v; the other let go after 1 s", d)
	}
}
