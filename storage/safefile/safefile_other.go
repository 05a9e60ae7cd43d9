//go:build !windows

package safefile

import (
	"errors"
	"os"
	"syscall"
)

func rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// SyncDir makes the creations, renames and removals of files in dir
// durable: an fsync of the folder. A file system that cannot sync a folder
// (EINVAL, ENOTSUP) gives the durability it has, and SyncDir returns nil.
// On Windows, where folders cannot be synced, it does nothing: there
// Rename writes through instead.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
