// Package safefile writes a file so that a crash, a power cut or a full
// disk leaves either the old file or the new one, whole, and never a torn
// one or a stray copy elsewhere. Every file Courtwatch replaces in place
// (the vault's key file, reports, the HQ folder's keys and receipts, the
// outbox's bundle folder) goes through it, so there is one policy for
// durability, on every operating system.
//
// WriteFile writes into a temporary file in the destination's folder
// (named ".NAME.tmp-*", readable by the owner only), flushes it to the
// disk, renames it over the destination and makes the rename durable:
//
//   - Unix: fsync of the file, rename(2), fsync of the folder. A file
//     system that cannot sync a folder (some FUSE and network file systems
//     answer EINVAL or ENOTSUP) gives the durability it has; that is not an
//     error.
//   - Windows: a folder cannot be synced there (opening one for writing is
//     refused with "Access is denied"), so durability is kept by the file
//     and the rename themselves: FlushFileBuffers on the file before the
//     rename, then MoveFileEx with MOVEFILE_REPLACE_EXISTING |
//     MOVEFILE_WRITE_THROUGH, which returns only once the rename is on the
//     disk. A rename refused because another program (a virus scanner, a
//     search indexer) has the file open is retried for two seconds.
//
// On any error the temporary file is removed; one that a killed process
// left behind is removed by RemoveTemps, which the vault calls when it
// takes its folder's lock.
//
// The package imports nothing of Courtwatch's, so every layer may use it.
package safefile

import (
	"errors"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically and durably, with permissions
// perm (on Windows only the read-only bit of perm has a meaning: there the
// file's privacy comes from its folder's access control list).
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil { // fsync; FlushFileBuffers on Windows
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return Rename(tmp, path)
}

// Rename renames oldpath to newpath, replacing newpath if it is a file,
// and makes the rename durable (see the package documentation). Both must
// be in the same folder, or on the same disk at least. oldpath must have
// been flushed to the disk already (File.Sync) if it is a file just
// written.
func Rename(oldpath, newpath string) error {
	if err := rename(oldpath, newpath); err != nil {
		return err
	}
	if d := filepath.Dir(newpath); d != filepath.Dir(oldpath) {
		if err := SyncDir(filepath.Dir(oldpath)); err != nil {
			return err
		}
	}
	return SyncDir(filepath.Dir(newpath))
}

// RemoveTemps removes the temporary files that WriteFile left in dir when
// the process was killed between creating one and renaming it (on any
// error WriteFile removes its own). Call it only while no other process
// writes into dir: the caller holds dir's lock.
func RemoveTemps(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() {
			if err := os.Remove(m); err != nil && !os.IsNotExist(err) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
