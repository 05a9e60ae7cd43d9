package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyTree copies the folder src to dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// loseAfterSnapshot makes the vault in dir lose what was written after the
// snapshot of its db folder in snap, as damaged storage does, keeping the
// newer sealed chain head.
func loseAfterSnapshot(t testing.TB, dir, snap string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, dbDir)); err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(snap, dbDir), filepath.Join(dir, dbDir))
}

// Records that Badger no longer has (here: the database folder rolled back
// to an older copy, as a damaged write-ahead log does) are reported at
// every open, with how many and since when, and by Lost; before the sealed
// chain head they vanished without a word (40 of 40 flipped bytes in .mem).
func TestChainHeadReportsLostRecords(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	for i := range 3 {
		mustPut(t, v, &Note{HearingID: h.ID, Time: time.Now(), Text: "kept " + string(rune('a'+i))})
	}
	v.Close()
	snap := t.TempDir()
	copyTree(t, dir, snap)
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		mustPut(t, v, &Note{HearingID: h.ID, Time: time.Now(), Text: "lost"})
	}
	v.Close()
	loseAfterSnapshot(t, dir, snap)
	for i := range 2 {
		v, err := Open(dir, testPass)
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(v.Notices(), "\n")
		if !strings.Contains(notes, "4 records written since ") || !strings.Contains(notes, "(versions 6 to 9,") || !strings.Contains(notes, "are missing or damaged") {
			t.Errorf("open %d: notices %q, want 4 records missing", i+1, notes)
		}
		if lost := v.Lost(); len(lost) != 1 || lost[0].From != 6 || lost[0].To != 9 {
			t.Errorf("open %d: Lost() = %+v", i+1, lost)
		}
		// The vault goes on from what it has.
		mustPut(t, v, &Note{HearingID: h.ID, Time: time.Now(), Text: "after"})
		v.Close()
	}
}

// A clean vault reports nothing, and a damaged chain.head says it cannot
// check rather than inventing a loss.
func TestChainHeadCleanAndDamaged(t *testing.T) {
	v, dir := newTestVault(t)
	seedHearing(t, v)
	v.Close()
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if n := v.Notices(); len(n) != 0 {
		t.Errorf("clean vault: notices %q", n)
	}
	v.Close()
	if err := os.WriteFile(filepath.Join(dir, headFileName), make([]byte, 2*headSlotSize), 0o600); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 2*headSlotSize)
	for i := range b {
		b[i] = byte(i)
	}
	os.WriteFile(filepath.Join(dir, headFileName), b, 0o600)
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Join(v.Notices(), "\n"); !strings.Contains(n, "chain head file (chain.head) is damaged") || strings.Contains(n, "missing") {
		t.Errorf("damaged chain.head: notices %q", n)
	}
	v.Close()
	// Rewritten at that open: the next one is clean.
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if n := v.Notices(); len(n) != 0 {
		t.Errorf("after rewriting chain.head: notices %q", n)
	}
}
