package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
	"courtwatch/sync/outbox"
)

// The panic key asks once, saying how many records HQ has not confirmed,
// then erases the vault and returns to the unlock screen.
func TestPanicKeyWipes(t *testing.T) {
	u := newTestUI(t)
	v, _, _ := openTestVault(t, u)
	n, err := outbox.Unconfirmed(v)
	if err != nil || n == 0 {
		t.Fatalf("unconfirmed: %d, %v", n, err)
	}
	item := findMenuItem(t, u.win, "Wipe vault…")
	if item.Shortcut != panicShortcut {
		t.Errorf("Wipe vault… shortcut = %#v, want Ctrl+Shift+Delete", item.Shortcut)
	}
	c := u.win.Canvas()
	c.(fyne.Shortcutable).TypedShortcut(panicShortcut)
	dlg := c.Overlays().Top()
	if dlg == nil || !hasLabel(dlg, fmt.Sprintf("%d records are not confirmed by HQ yet", n)) {
		t.Fatalf("no confirmation with the count %d: %v", n, labelTexts(dlg))
	}
	test.Tap(findButton(t, dlg, "Cancel"))
	if u.vault == nil || !storage.Exists(u.dir) {
		t.Fatal("Cancel wiped")
	}
	c.(fyne.Shortcutable).TypedShortcut(panicShortcut)
	test.Tap(findButton(t, c.Overlays().Top(), "Wipe"))
	if u.vault != nil || storage.Exists(u.dir) || u.unlock == nil || !u.unlock.creating {
		t.Fatalf("after the wipe: open %v, exists %v", u.vault != nil, storage.Exists(u.dir))
	}
	if _, err := storage.Open(u.dir, []byte(testPass)); err == nil {
		t.Fatal("the wiped vault opens")
	}
	if hasLabel(u.win.Content(), "Plotting") {
		t.Error("the vault's contents are still on screen")
	}
	// The key does nothing while no vault is open.
	c.(fyne.Shortcutable).TypedShortcut(panicShortcut)
	if c.Overlays().Top() != nil {
		t.Error("the panic key asks with no vault open")
	}
}

// The duress passphrase at the unlock screen shows the decoy, without an
// error; the real passphrase opens nothing afterwards.
func TestDuressUnlockShowsDecoy(t *testing.T) {
	u := newTestUI(t)
	v, _, _ := openTestVault(t, u)
	if err := v.SetDuress([]byte("my duress words")); err != nil {
		t.Fatal(err)
	}
	u.lock()
	s := u.unlock
	test.Type(s.pass, "my duress words")
	test.Tap(s.submit)
	if u.vault == nil || s.message.Text != "" {
		t.Fatalf("duress unlock: open %v, message %q", u.vault != nil, s.message.Text)
	}
	if hasLabel(u.win.Content(), "Plotting") || !hasLabel(u.win.Content(), "Boundary dispute") {
		t.Fatalf("the cases screen does not show the decoy: %v", labelTexts(u.win.Content()))
	}
	u.lock()
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	if u.vault != nil || !strings.Contains(u.unlock.message.Text, "Wrong passphrase") {
		t.Fatalf("real passphrase after duress: open %v, message %q", u.vault != nil, u.unlock.message.Text)
	}
}

// With lockout on, the unlock screen says how many tries are left, and
// the last one erases the vault.
func TestUnlockLockoutCount(t *testing.T) {
	u := newTestUI(t)
	v, _, _ := openTestVault(t, u)
	if err := v.SetLockout(3); err != nil {
		t.Fatal(err)
	}
	u.lock()
	s := u.unlock
	s.delay = func(int) time.Duration { return 0 }
	for _, want := range []string{"2 more wrong passphrases", "1 more wrong passphrases"} {
		test.Type(s.pass, "wrong")
		test.Tap(s.submit)
		if !strings.Contains(s.message.Text, want) {
			t.Fatalf("message %q, want %q", s.message.Text, want)
		}
	}
	test.Type(s.pass, "wrong")
	test.Tap(s.submit)
	if !strings.Contains(s.message.Text, "the vault was erased") || storage.Exists(u.dir) {
		t.Fatalf("third wrong passphrase: message %q, exists %v", s.message.Text, storage.Exists(u.dir))
	}
}

// Settings: erase after wrong passphrases, and the neutral appearance.
func TestSettingsLockoutAndNeutral(t *testing.T) {
	u := newTestUI(t)
	openTestVault(t, u)
	t.Cleanup(func() { preferences().SetBool(prefNeutral, false) })
	f := u.openSettings()
	if f.lockout.Selected != "Never" || f.neutral.Checked {
		t.Fatalf("defaults: lockout %q, neutral %v", f.lockout.Selected, f.neutral.Checked)
	}
	f.lockout.SetSelected("After 5 wrong passphrases")
	f.neutral.SetChecked(true)
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Save"))
	if limit, _ := storage.LockoutStatus(u.dir); limit != 5 {
		t.Fatalf("lockout %d, want 5", limit)
	}
	if u.win.Title() != "Notes" {
		t.Errorf("window title %q, want Notes", u.win.Title())
	}
	u.lock()
	if hasLabel(u.win.Content(), u.dir) || hasLabel(u.win.Content(), "Unlock the vault") || !hasLabel(u.win.Content(), "Notes") {
		t.Errorf("neutral unlock screen: %v", labelTexts(u.win.Content()))
	}
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	f = u.openSettings()
	if f.lockout.Selected != "After 5 wrong passphrases" || !f.neutral.Checked {
		t.Fatalf("reopened settings: lockout %q, neutral %v", f.lockout.Selected, f.neutral.Checked)
	}
	f.neutral.SetChecked(false)
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Save"))
	if u.win.Title() != "Courtwatch" {
		t.Errorf("window title %q after neutral off", u.win.Title())
	}
}

// The create screen refuses a folder that holds anything before anything
// is typed, and says what it found (issue 9, item 1).
func TestCreateRefusesNonEmptyFolder(t *testing.T) {
	u := newTestUI(t)
	if err := os.MkdirAll(u.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(u.dir, "notes.txt"), []byte("mine"), 0o600)
	u.showUnlock()
	s := u.unlock
	if !s.creating || !s.submit.Disabled() || !strings.Contains(s.message.Text, `"notes.txt"`) {
		t.Fatalf("create screen on a non-empty folder: creating %v, disabled %v, message %q", s.creating, s.submit.Disabled(), s.message.Text)
	}
}
