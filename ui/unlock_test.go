package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

func TestCreateVault(t *testing.T) {
	u := newTestUI(t)
	u.showUnlock()
	s := u.unlock
	if !s.creating {
		t.Fatal("unlock screen for a missing vault is not in create mode")
	}
	if !hasLabel(u.win.Content(), u.dir) {
		t.Errorf("vault folder %s not shown", u.dir)
	}

	test.Type(s.pass, "short")
	if !strings.Contains(s.strength.Text, "too short") {
		t.Errorf("strength hint for a short passphrase = %q", s.strength.Text)
	}
	test.Tap(s.submit)
	if !strings.Contains(s.message.Text, "too short") || storage.Exists(u.dir) {
		t.Fatalf("short passphrase: message %q, vault exists %v", s.message.Text, storage.Exists(u.dir))
	}

	s.pass.SetText(testPass)
	test.Type(s.confirm, testPass+"x")
	test.Tap(s.submit)
	if !strings.Contains(s.message.Text, "differ") || storage.Exists(u.dir) {
		t.Fatalf("different passphrases: message %q, vault exists %v", s.message.Text, storage.Exists(u.dir))
	}

	s.confirm.SetText(testPass)
	test.Tap(s.submit)
	if s.message.Text != "" {
		t.Fatalf("create: message %q", s.message.Text)
	}
	if !storage.Exists(u.dir) || u.vault == nil {
		t.Fatalf("after create: vault exists %v, open %v", storage.Exists(u.dir), u.vault != nil)
	}
	if u.tabs == nil {
		t.Error("main tabs not shown after create")
	}
}

func TestUnlockWrongPassphrase(t *testing.T) {
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	u.showUnlock()
	s := u.unlock
	if s.creating {
		t.Fatal("unlock screen for an existing vault is in create mode")
	}
	var delays []int
	s.delay = func(n int) time.Duration {
		delays = append(delays, n)
		if n < 2 {
			return 0
		}
		return time.Hour // never re-enabled during the test
	}

	test.Type(s.pass, "wrong")
	test.Tap(s.submit)
	if !strings.Contains(s.message.Text, "Wrong passphrase") || s.submit.Disabled() || u.vault != nil {
		t.Fatalf("first wrong passphrase: message %q, disabled %v", s.message.Text, s.submit.Disabled())
	}
	if s.pass.Text != "" {
		t.Errorf("passphrase field not cleared after a failure")
	}

	test.Type(s.pass, "wrong again")
	test.Tap(s.submit)
	if !strings.Contains(s.message.Text, "try again in 3600 s") || !s.submit.Disabled() {
		t.Fatalf("second wrong passphrase: message %q, disabled %v", s.message.Text, s.submit.Disabled())
	}
	test.Type(s.pass, testPass)
	test.Tap(s.submit) // refused while waiting
	if u.vault != nil || len(delays) != 2 {
		t.Fatalf("a try went through during the wait (delays asked %v)", delays)
	}

	// Choosing another folder offers to create a vault there, and back.
	dir := u.dir
	u.setDir(t.TempDir() + "/elsewhere")
	if !u.unlock.creating || !hasLabel(u.win.Content(), "elsewhere") {
		t.Error("unlock screen for an empty folder is not in create mode")
	}
	u.setDir(dir)
	s = u.unlock
	test.Type(s.pass, testPass)
	if s.creating {
		t.Fatal("back on the vault folder but in create mode")
	}
	test.Tap(s.submit)
	if u.vault != nil || !strings.Contains(s.message.Text, "try again in") {
		t.Fatalf("switching folders skipped the wait: message %q", s.message.Text)
	}

	u.tries.until = time.Time{} // as if the wait were over
	test.Tap(s.submit)
	if u.vault == nil || u.tabs == nil {
		t.Fatalf("right passphrase did not open the vault: message %q", s.message.Text)
	}
}

func TestFailureDelay(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{1, 0}, {2, time.Second}, {3, 2 * time.Second}, {4, 4 * time.Second},
		{7, 32 * time.Second}, {8, time.Minute}, {50, time.Minute},
	} {
		if got := failureDelay(tc.failures); got != tc.want {
			t.Errorf("failureDelay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestStrengthHint(t *testing.T) {
	for _, tc := range []struct{ pass, want string }{
		{"", "several words"},
		{"abc", "too short"},
		{"abcdefgh", "weak"},
		{"Abcdefgh12!", "fair"},
		{"correct horse battery staple", "strong"},
	} {
		if got := strengthHint(tc.pass); !strings.Contains(got, tc.want) {
			t.Errorf("strengthHint(%q) = %q, want it to contain %q", tc.pass, got, tc.want)
		}
	}
}
