//go:build windows

package safefile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// Open opens the named file for reading. os.Open shares the file with
// readers and writers but not with a rename or delete (it lacks
// FILE_SHARE_DELETE): while one is under way, which holds the file with
// delete access, os.Open fails with a sharing violation, and while the
// file is open, a rename over it fails. Open shares all three, and
// retries a sharing violation, or the access denial of a file being
// replaced, for two seconds, as Rename does.
func Open(name string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(fixLongPath(name))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		h, err := windows.CreateFile(p, windows.GENERIC_READ,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
			nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
		if err == nil {
			return os.NewFile(uintptr(h), name), nil
		}
		if time.Now().After(deadline) || !(errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED)) {
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
		time.Sleep(5 * time.Millisecond)
	}
}
