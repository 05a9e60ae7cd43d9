//go:build windows

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// lockOffset is where the lock byte lies: far past the end of the file,
// because Windows locks are mandatory, and a lock over the file's content
// would stop this process itself from reading it through another handle.
// Locking past the end of a file is allowed and reads nothing.
const lockOffset uint64 = 1 << 62

// lockFile takes an exclusive lock on f with LockFileEx, failing at once
// if another handle (another process, or another Open in this one) holds
// it. Windows releases it when f is closed or the process ends, even by
// a crash, so a killed Courtwatch never leaves the vault locked.
func lockFile(f *os.File) error {
	ol := &windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return ErrVaultInUse
	}
	if err != nil {
		return fmt.Errorf("lock vault: %w", err)
	}
	return nil
}

// openLockTarget opens what lockFile locks. Windows cannot lock a folder,
// so the lock is on <vault>/.lock, opened with delete sharing so that a wipe
// can remove it while it is held (Windows then removes it at the last
// close). The file is empty and its name says nothing about the vault.
func openLockTarget(dir string) (*os.File, error) {
	name, err := windows.UTF16PtrFromString(filepath.Join(dir, ".lock"))
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_ALWAYS, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: filepath.Join(dir, ".lock"), Err: err}
	}
	return os.NewFile(uintptr(h), filepath.Join(dir, ".lock")), nil
}
