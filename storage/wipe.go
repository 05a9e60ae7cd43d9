package storage

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Wiping is crypto-erase. First the key material is destroyed: key.wrapped,
// vault.json (which held the salt in vaults of format 1) and any temporary
// copy of either that a crash left are overwritten in place with random
// bytes, fsynced, and unlinked. From the moment key.wrapped's overwrite is
// on disk nothing in the folder can be decrypted, with any passphrase.
// Then the rest (db/, the lockout file, anything else) is deleted.
//
// An interrupted wipe leaves the vault whole (killed before the key step)
// or unreadable (after it); never in between: the only step that changes
// what can be read is one write of one small file. Running Wipe again on
// what is left finishes the job.
//
// What a wipe cannot reach: copies of the old blocks that the disk or the
// filesystem keeps (SSD wear levelling, journals, snapshots), swap,
// backups, and anything copied out of the vault (reports, exports). See
// docs/threat-model.md.

// Wipe crypto-erases the vault in dir, which must not be open, and removes
// the folder. It needs no passphrase. It also finishes an interrupted
// wipe. A folder without a vault gives ErrNoVault and is left alone.
func Wipe(dir string) error {
	lockf, err := lockVault(dir)
	if err != nil {
		return err
	}
	if len(vaultParts(dir)) == 0 {
		unlockVault(lockf)
		return fmt.Errorf("%s: %w; nothing was erased", dir, ErrNoVault)
	}
	err = wipeLocked(dir)
	unlockVault(lockf)
	if err != nil {
		return err
	}
	return removeFolder(dir)
}

// Wipe crypto-erases the open vault: the key material first, while the
// vault is still open, then it closes the vault and deletes the rest.
func (v *Vault) Wipe() error {
	if v.closed.Load() {
		return ErrLocked
	}
	if err := destroyKeys(v.dir); err != nil {
		return err
	}
	v.Close() // the data can no longer be read; a failure to flush loses nothing
	if err := removeRest(v.dir); err != nil {
		return err
	}
	return removeFolder(v.dir)
}

// wipeLocked erases the vault in dir, whose lock the caller holds, and
// leaves the folder, empty.
func wipeLocked(dir string) error {
	if err := destroyKeys(dir); err != nil {
		return err
	}
	return removeRest(dir)
}

// keyMaterial returns the files of dir that hold key material, key.wrapped
// first.
func keyMaterial(dir string) []string {
	paths := []string{filepath.Join(dir, wrappedFile)}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		// writeFileAtomic's temporary copies, left by a crash.
		if n := e.Name(); strings.HasPrefix(n, "."+wrappedFile+".tmp") {
			paths = append(paths, filepath.Join(dir, n))
		}
	}
	paths = append(paths, filepath.Join(dir, headerFile))
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "."+headerFile+".tmp") {
			paths = append(paths, filepath.Join(dir, n))
		}
	}
	return paths
}

// destroyKeys overwrites, fsyncs and unlinks every file of dir that holds
// key material.
func destroyKeys(dir string) error {
	hook("wipe: start")
	paths := keyMaterial(dir)
	for i, p := range paths {
		if err := overwrite(p); err != nil {
			return fmt.Errorf("wipe: overwrite %s: %w", filepath.Base(p), err)
		}
		if i == 0 {
			hook("wipe: key overwritten")
		}
	}
	hook("wipe: key material overwritten")
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("wipe: remove %s: %w", filepath.Base(p), err)
		}
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	hook("wipe: key files removed")
	return nil
}

// overwrite replaces a regular file's bytes with random ones, in place,
// and fsyncs it. A missing file is fine.
func overwrite(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil // a link or folder holds no key; it is unlinked
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	junk := make([]byte, max(fi.Size(), keyFileSize))
	rand.Read(junk)
	if _, err := f.WriteAt(junk, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// removeRest deletes everything left in dir: the database first, then the
// other files.
func removeRest(dir string) error {
	if err := os.RemoveAll(filepath.Join(dir, dbDir)); err != nil {
		return fmt.Errorf("wipe: the key is destroyed, but removing the database failed: %w; run wipe again", err)
	}
	hook("wipe: database removed")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("wipe: the key is destroyed, but listing the folder failed: %w; run wipe again", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("wipe: the key is destroyed, but removing %q failed: %w; run wipe again", e.Name(), err)
		}
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	hook("wipe: done")
	return nil
}

// removeFolder removes the emptied vault folder, if it is empty.
func removeFolder(dir string) error {
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil // something else is in it now; the vault is gone anyway
	}
	return syncDir(filepath.Dir(dir))
}
