//go:build windows

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

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

// shareAll lets other handles read, write and delete the lock file: a
// wipe removes it while it is held, and a backup or a virus scanner may
// read it (Go's os.Open does not share deletion, so the lock is held
// without delete access; unlockVault opens a second handle for that).
const shareAll = windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE

// openLockTarget opens what lockFile locks. Windows cannot lock a folder,
// so the lock is on <vault>/.lock, opened with delete sharing so that a wipe
// can remove it while it is held. The file is empty and its name says
// nothing about the vault. It is made only by Create (create) or for a
// folder that holds a vault which lost it: an Open or a wipe of a folder
// without a vault gets fs.ErrNotExist and writes nothing.
func openLockTarget(dir string, create bool) (*os.File, error) {
	path := filepath.Join(dir, ".lock")
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	open := func(disposition uint32) (windows.Handle, error) {
		return windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, shareAll, nil,
			disposition, windows.FILE_ATTRIBUTE_NORMAL, 0)
	}
	h, err := open(windows.OPEN_EXISTING)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) && (create || len(vaultParts(dir)) > 0) {
		h, err = open(windows.OPEN_ALWAYS)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// lockStillNamed says whether the locked file f is still <vault>/.lock: a
// holder that let go of the lock of a vault that is gone removed it
// (unlockVault), and a wipe removes it, perhaps after f was opened.
func lockStillNamed(f *os.File) bool {
	held, err := f.Stat()
	if err != nil {
		return false
	}
	named, err := os.Stat(f.Name())
	return err == nil && os.SameFile(held, named)
}

// unlockVault lets go of the lock. If the folder no longer holds a vault
// (an Open or a wipe found none, or a Create failed before writing the
// key), it first removes the lock file, so that nothing is left behind.
// A nil f holds no lock.
func unlockVault(f *os.File) error {
	if f == nil {
		return nil
	}
	if len(vaultParts(filepath.Dir(f.Name()))) == 0 {
		removeHeld(f)
	}
	return f.Close()
}

// removeHeld removes the file f holds, and not whatever has its name now
// (another process may have made a new one): it opens the name with delete
// access and deletes through that handle only if it is f's file. Failing
// leaves an empty file, which the next attempt removes.
func removeHeld(f *os.File) {
	name, err := windows.UTF16PtrFromString(f.Name())
	if err != nil {
		return
	}
	h, err := windows.CreateFile(name, windows.DELETE|windows.FILE_READ_ATTRIBUTES, shareAll, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return
	}
	defer windows.CloseHandle(h)
	var held, named windows.ByHandleFileInformation
	if windows.GetFileInformationByHandle(windows.Handle(f.Fd()), &held) != nil ||
		windows.GetFileInformationByHandle(h, &named) != nil ||
		held.VolumeSerialNumber != named.VolumeSerialNumber ||
		held.FileIndexHigh != named.FileIndexHigh || held.FileIndexLow != named.FileIndexLow {
		return
	}
	// POSIX semantics take the name away at once; where they are missing
	// (before Windows 10 1709, FAT drives, Wine) the file goes at the last
	// close, which is unlockVault's unless another opener holds it.
	ex := uint32(windows.FILE_DISPOSITION_DELETE | windows.FILE_DISPOSITION_POSIX_SEMANTICS)
	if windows.SetFileInformationByHandle(h, windows.FileDispositionInfoEx, (*byte)(unsafe.Pointer(&ex)), uint32(unsafe.Sizeof(ex))) != nil {
		del := true // FILE_DISPOSITION_INFO's one BOOLEAN, DeleteFile
		windows.SetFileInformationByHandle(h, windows.FileDispositionInfo, (*byte)(unsafe.Pointer(&del)), 1)
	}
}
