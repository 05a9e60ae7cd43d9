//go:build windows

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
)

// rename is MoveFileEx with MOVEFILE_REPLACE_EXISTING, as os.Rename, plus
// MOVEFILE_WRITE_THROUGH: it returns only once the rename is on the disk,
// which is what the folder fsync gives on Unix. A rename refused because
// another program holds the destination open without sharing delete
// access (virus scanners and search indexers do, briefly) is retried for
// two seconds.
func rename(oldpath, newpath string) error {
	from, err := windows.UTF16PtrFromString(fixLongPath(oldpath))
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(fixLongPath(newpath))
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		err = windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || !(errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)) {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fixLongPath gives a long absolute path the \\?\ prefix, so that a path
// longer than 260 characters (a deep vault folder) still works; such a
// path must be clean, as filepath.Clean makes it.
func fixLongPath(path string) string {
	if len(path) < 248 || !filepath.IsAbs(path) || strings.HasPrefix(path, `\\`) {
		return path
	}
	return `\\?\` + filepath.Clean(path)
}

// SyncDir does nothing on Windows, where a folder cannot be opened for
// writing, so cannot be synced ("Access is denied"). Renames made by
// Rename and WriteFile are written through instead; files created in dir
// by other means are durable once their own File.Sync returns.
func SyncDir(dir string) error { return nil }
