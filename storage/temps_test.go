package storage

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOpenRemovesKilledWrites: the temporary copies that a write of the
// vault's small files leaves when the process is killed before its rename
// (".key.wrapped.tmp-*", ".tables.checked.tmp-*") are removed when the vault
// is next opened; other files in the folder stay, and the vault opens as
// before.
func TestOpenRemovesKilledWrites(t *testing.T) {
	v, dir := newTestVault(t)
	c, _ := seedHearing(t, v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	stale := []string{".key.wrapped.tmp-1234", ".tables.checked.tmp-99", ".lockout.tmp-7"}
	for _, name := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("sealed leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(dir, "notes-by-the-monitor.txt")
	if err := os.WriteFile(other, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the open (%v)", name, err)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is not a temporary copy was touched: %v", err)
	}
	var got Case
	if err := v.View(func(tx *Tx) error { return tx.Get(c.ID, &got) }); err != nil || got.Title != c.Title {
		t.Errorf("the case reads %q, %v after the open", got.Title, err)
	}
}
