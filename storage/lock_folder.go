//go:build !windows

package storage

import "os"

// openLockTarget opens what lockFile locks: the vault folder itself (see
// vaultlock.go). It writes nothing, whatever create says.
func openLockTarget(dir string, create bool) (*os.File, error) { return os.Open(dir) }

// lockStillNamed is always true of a folder: a vault's folder is removed
// only when it is empty, and never while it is locked.
func lockStillNamed(f *os.File) bool { return true }

// unlockVault lets go of the lock (nil: none is held), which leaves
// nothing in the folder.
func unlockVault(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Close()
}
