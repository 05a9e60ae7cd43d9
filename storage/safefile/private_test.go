//go:build !windows

package safefile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMakePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "HQ folder")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "age.key")
	if err := os.WriteFile(file, []byte("k"), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, file: 0o600} {
		if err := MakePrivate(p); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	if err := MakePrivate(filepath.Join(dir, "missing")); err == nil {
		t.Error("MakePrivate of a missing path: no error")
	}
}
