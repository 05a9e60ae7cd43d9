package storage

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestCreateOpenRoundTrip(t *testing.T) {
	v, dir := newTestVault(t)
	c, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(5 * time.Minute), Text: "Judge enters. កឹម សុខា absent."}
	mustPut(t, v, n)
	dev := v.Device()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.History(n.ID); !errors.Is(err, ErrLocked) {
		t.Fatalf("after Close: got %v, want ErrLocked", err)
	}

	v2, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer v2.Close()
	if v2.Device().ID != dev.ID || !v2.Device().PublicKey.Equal(dev.PublicKey) {
		t.Fatalf("device identity changed across reopen")
	}
	got, err := Load[Note](v2, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != n.Text || !got.Time.Equal(n.Time) || got.HearingID != h.ID {
		t.Fatalf("got %+v, want %+v", got, n)
	}
	gc, err := Load[Case](v2, c.ID)
	if err != nil || gc.Title != "Mass trial" {
		t.Fatalf("case: %v %+v", err, gc)
	}
}

func TestCreateRefusesExistingVault(t *testing.T) {
	_, dir := newTestVault(t)
	if _, err := Create(dir, testPass, CreateOptions{KDF: TestKDF}); !errors.Is(err, ErrVaultExists) {
		t.Fatalf("got %v, want ErrVaultExists", err)
	}
}

func TestOpenMissingVault(t *testing.T) {
	if _, err := Open(t.TempDir(), testPass); !errors.Is(err, ErrNoVault) {
		t.Fatalf("got %v, want ErrNoVault", err)
	}
}

// snapshot returns every file under dir with its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			out[p] = "dir"
			return nil
		}
		if info.Name() == ".lock" && runtime.GOOS == "windows" {
			return nil // the vault lock's empty file (lock_windows.go), not content
		}
		b, err := os.ReadFile(p)
		out[p] = string(b) + "|" + info.ModTime().String()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWrongPassphraseTouchesNothing(t *testing.T) {
	v, dir := newTestVault(t)
	seedHearing(t, v)
	v.Close()
	before := snapshot(t, dir)
	_, err := Open(dir, []byte("wrong passphrase"))
	if !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("got %v, want ErrWrongPassphrase", err)
	}
	after := snapshot(t, dir)
	if len(before) != len(after) {
		t.Fatalf("files changed: %d before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if after[p] != b {
			t.Fatalf("%s changed after a wrong passphrase", p)
		}
	}
}

func TestSecondOpenerGetsVaultInUse(t *testing.T) {
	_, dir := newTestVault(t)
	if _, err := Open(dir, testPass); !errors.Is(err, ErrVaultInUse) {
		t.Fatalf("got %v, want ErrVaultInUse", err)
	}
	if err := ChangePassphrase(dir, testPass, []byte("new")); !errors.Is(err, ErrVaultInUse) {
		t.Fatalf("passwd while open: got %v, want ErrVaultInUse", err)
	}
}

func TestChangePassphrase(t *testing.T) {
	v, dir := newTestVault(t)
	c, _ := seedHearing(t, v)
	v.Close()
	header, _ := os.ReadFile(filepath.Join(dir, headerFile))
	if err := ChangePassphrase(dir, []byte("nope"), []byte("new pass")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("got %v, want ErrWrongPassphrase", err)
	}
	if err := ChangePassphrase(dir, testPass, []byte("new pass")); err != nil {
		t.Fatal(err)
	}
	if h2, _ := os.ReadFile(filepath.Join(dir, headerFile)); string(h2) != string(header) {
		t.Fatalf("vault.json changed on passphrase change")
	}
	if _, err := Open(dir, testPass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase: got %v, want ErrWrongPassphrase", err)
	}
	v2, err := Open(dir, []byte("new pass"))
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if _, err := Load[Case](v2, c.ID); err != nil {
		t.Fatalf("records unreadable after passwd: %v", err)
	}
}

func TestHistoryAndTombstone(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "original text"}
	mustPut(t, v, n)
	first := n.Hash
	n.Text = "edited text"
	mustPut(t, v, n)
	if n.Version != 2 {
		t.Fatalf("version = %d, want 2", n.Version)
	}
	hist, err := v.History(n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[1].Prev != first {
		t.Fatalf("history = %d versions, prev %q; want 2 linking to %q", len(hist), hist[len(hist)-1].Prev, first)
	}
	var old Note
	if err := decodeInto(hist[0], &old); err != nil || old.Text != "original text" {
		t.Fatalf("old version: %v %q", err, old.Text)
	}
	if err := v.Update(func(tx *Tx) error { return tx.Delete(n.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := Load[Note](v, n.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted note: got %v, want ErrNotFound", err)
	}
	hist, _ = v.History(n.ID)
	if len(hist) != 3 || !hist[2].Deleted {
		t.Fatalf("tombstone missing from history: %d versions", len(hist))
	}
	var notes []*Note
	v.View(func(tx *Tx) (err error) { notes, err = tx.NotesOfHearing(h.ID); return })
	if len(notes) != 0 {
		t.Fatalf("deleted note still listed")
	}
}

func TestValidation(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	cases := []struct {
		name string
		r    Record
	}{
		{"note without text", &Note{HearingID: h.ID, Time: time.Now()}},
		{"note of missing hearing", &Note{HearingID: uuid.Must(uuid.NewV7()), Time: time.Now(), Text: "x"}},
		{"person without names", &Person{Aliases: []string{"x"}}},
		{"bad status", &CaseDefendant{Status: "jailed"}},
		{"no without comment", &ChecklistAnswer{HearingID: h.ID, Question: "PUB-02", ChecklistVersion: "1", Answer: AnswerNo}},
		{"hearing without date", &Hearing{CaseID: h.CaseID}},
	}
	for _, tc := range cases {
		if err := v.Put(tc.r); err == nil {
			t.Errorf("%s: stored, want an error", tc.name)
		}
	}
}

// Auto-lock closes the vault while the UI may still be saving or reading:
// every operation must either finish or return ErrLocked, never crash.
func TestCloseDuringOperations(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	done := make(chan error, 8)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; ; i++ {
				err := v.Put(&Note{HearingID: h.ID, Time: h.Scheduled, Text: "racing save"})
				if err == nil {
					_, err = v.Search("racing", 5)
				}
				if err != nil {
					if errors.Is(err, ErrLocked) {
						err = nil
					}
					done <- err
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Errorf("operation during close: %v", err)
		}
	}
	v2, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("reopen after close during saves: %v", err)
	}
	v2.Close()
}

// TestDeviceJSONUnchanged: Device.ID became a uuid.UUID, and its JSON is
// still the id as a string, so a device record written when ID was a
// string reads back, and a new one is written exactly as before.
func TestDeviceJSONUnchanged(t *testing.T) {
	old := `{"id":"0190f5a4-7c3e-7b2a-9d4e-1f2a3b4c5d6e","name":"Sokha's laptop","public_key":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`
	var d Device
	if err := json.Unmarshal([]byte(old), &d); err != nil {
		t.Fatalf("old device record: %v", err)
	}
	if want := uuid.MustParse("0190f5a4-7c3e-7b2a-9d4e-1f2a3b4c5d6e"); d.ID != want || d.Name != "Sokha's laptop" || len(d.PublicKey) != 32 {
		t.Fatalf("old device record read as %+v", d)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != old {
		t.Fatalf("device record written as\n%s\nwant\n%s", b, old)
	}
}
