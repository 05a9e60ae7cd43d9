package storage

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// names lists the entries of dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// An Open, a wipe or a passphrase change of a folder that holds no vault
// answers ErrNoVault and leaves the folder as it was: on Windows, no lock
// file behind (the vault lock's .lock, lock_windows.go).
func TestNoVaultLeavesNoLockFile(t *testing.T) {
	attempts := map[string]func(dir string) error{
		"open": func(dir string) error { _, err := Open(dir, testPass); return err },
		"wipe": Wipe,
		"passwd": func(dir string) error {
			return ChangePassphrase(dir, testPass, []byte("another passphrase"))
		},
	}
	for name, attempt := range attempts {
		t.Run(name, func(t *testing.T) {
			empty := t.TempDir()
			other := t.TempDir()
			if err := os.WriteFile(filepath.Join(other, "mine.txt"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			for dir, want := range map[string][]string{empty: nil, other: {"mine.txt"}} {
				if err := attempt(dir); !errors.Is(err, ErrNoVault) {
					t.Fatalf("%s of %s: %v, want ErrNoVault", name, dir, err)
				}
				if got := names(t, dir); !slices.Equal(got, want) {
					t.Errorf("%s of a folder without a vault left %q, want %q", name, got, want)
				}
			}
		})
	}
}

// A lock file left in a folder that holds no vault (by a Create that
// failed, or by an older Courtwatch) is removed by the next attempt, which
// then finds no vault; a vault's own lock file stays while it is a vault,
// and other programs (a backup, a virus scanner) can read it while the
// vault is open.
func TestStaleLockFileRemoved(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("only Windows has a lock file (lock_windows.go); elsewhere the lock is on the folder")
	}
	v, dir := newTestVault(t)
	if _, err := os.ReadFile(filepath.Join(dir, ".lock")); err != nil {
		t.Errorf("reading the lock file of an open vault: %v", err)
	}
	v.Close()
	if got := names(t, dir); !slices.Contains(got, ".lock") {
		t.Fatalf("a closed vault holds %q, want its .lock among them", got)
	}
	for _, attempt := range []func(string) error{
		func(dir string) error { _, err := Open(dir, testPass); return err },
		Wipe,
	} {
		stale := t.TempDir()
		if err := os.WriteFile(filepath.Join(stale, ".lock"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := attempt(stale); !errors.Is(err, ErrNoVault) {
			t.Fatalf("got %v, want ErrNoVault", err)
		}
		if got := names(t, stale); len(got) != 0 {
			t.Errorf("left %q, want nothing", got)
		}
	}
}
