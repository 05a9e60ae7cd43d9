package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// The vault lock: one process at a time has a vault open. On Unix it is a
// lock on the vault folder itself, which every vault has and which locking
// never changes. Windows cannot lock a folder, so there it is a lock on the
// empty file <vault>/.lock, which is part of the vault like its other
// files: Create makes it, a wipe removes it, and an Open or a wipe of a
// folder that holds no vault never makes one (lock_windows.go). On every
// system a refused or failed attempt leaves the folder as it found it.

// lockVault takes the lock of the vault in dir. A folder that does not
// exist, or (on Windows) holds no vault and no lock file, is ErrNoVault.
func lockVault(dir string) (*os.File, error) { return takeLock(dir, false) }

// lockNewVault takes the lock for Create, which may make the lock file in
// the still empty folder dir.
func lockNewVault(dir string) (*os.File, error) { return takeLock(dir, true) }

func takeLock(dir string, create bool) (*os.File, error) {
	noVault := fmt.Errorf("%s: %w (create one with 'courtwatch init')", dir, ErrNoVault)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, noVault
	}
	// A lock holder that finds the vault gone removes the lock file as it
	// lets go (unlockVault), and a wipe removes it too; whoever opened that
	// file just before then locked a file no longer in the folder, and
	// tries again with the one that is there now, if any.
	for range 10 {
		f, err := openLockTarget(dir, create)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, noVault
		}
		if err != nil {
			return nil, fmt.Errorf("open vault: %w", err)
		}
		if err := lockFile(f); err != nil {
			f.Close()
			if errors.Is(err, ErrVaultInUse) {
				return nil, fmt.Errorf("open vault %s: %w; close the other Courtwatch window or command first", dir, err)
			}
			return nil, err
		}
		if lockStillNamed(f) {
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("open vault %s: %w; another Courtwatch keeps creating and erasing it: close it first", dir, ErrVaultInUse)
}
