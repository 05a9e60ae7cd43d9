package storage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A damaged table file is an ErrTampered error that names the file, never
// a crash and never Badger's own text. Before checkTables, a table cut in
// half made Badger panic in a goroutine of its own while opening it, which
// killed the process with a runtime dump.
func TestDamagedTableIsAnErrorNamingTheFile(t *testing.T) {
	v, dir := newTestVault(t)
	seedHearing(t, v)
	v.Close()
	ssts, _ := filepath.Glob(filepath.Join(dir, dbDir, "*.sst"))
	if len(ssts) == 0 {
		t.Fatal("no table file to damage")
	}
	good, err := os.ReadFile(ssts[0])
	if err != nil {
		t.Fatal(err)
	}
	flip := func(back int) func([]byte) []byte {
		return func(b []byte) []byte { c := append([]byte{}, b...); c[len(c)-back] ^= 0xff; return c }
	}
	for _, tc := range []struct {
		name string
		mod  func([]byte) []byte
	}{
		{"cut in half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"three bytes left", func(b []byte) []byte { return b[:3] }},
		{"checksum length flipped", flip(2)},
		{"checksum flipped", flip(6)},
		{"index length flipped", flip(40)},
	} {
		if err := os.WriteFile(ssts[0], tc.mod(good), 0o600); err != nil {
			t.Fatal(err)
		}
		v, err := Open(dir, testPass)
		if err == nil {
			v.Close()
			t.Errorf("%s: the vault opened", tc.name)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrTampered) || !strings.Contains(msg, filepath.Base(ssts[0])) || strings.Contains(msg, "proto") || strings.Contains(msg, "Opening table") {
			t.Errorf("%s: %v; want ErrTampered naming %s in our own words", tc.name, err, filepath.Base(ssts[0]))
		}
	}
	if err := os.WriteFile(ssts[0], good, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatalf("the repaired vault: %v", err)
	}
	v.Close()
}

// A table file the MANIFEST does not list is one a flush or compaction was
// writing when the process was killed: empty, cut short or full of zeros.
// It holds nothing acknowledged, Badger deletes it at open, and the vault
// opens with every record (TestCrashDurability once met one: "its footer
// lies outside the file").
func TestUnlistedTableFromACrashIsIgnored(t *testing.T) {
	v, dir := newTestVault(t)
	c, _ := seedHearing(t, v)
	v.Close()
	for name, data := range map[string][]byte{
		"999998.sst": nil,
		"999999.sst": {1, 2, 3},
	} {
		if err := os.WriteFile(filepath.Join(dir, dbDir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("a vault with a half-written table from a crash: %v", err)
	}
	defer v.Close()
	var hs []*Hearing
	if err := v.View(func(tx *Tx) (err error) { hs, err = tx.HearingsOfCase(c.ID); return err }); err != nil || len(hs) != 1 {
		t.Fatalf("after the crash: %d hearings (%v), want 1", len(hs), err)
	}
}
