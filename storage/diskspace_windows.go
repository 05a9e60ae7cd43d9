//go:build windows

package storage

import (
	"os"

	"golang.org/x/sys/windows"
)

// freeSpace returns the bytes the user may still write on the volume
// holding dir.
func freeSpace(dir string) (uint64, bool) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, false
	}
	var avail uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, nil, nil); err != nil {
		return 0, false
	}
	return avail, true
}

// allocated returns the file's size: Badger's files are not sparse on
// Windows.
func allocated(path string) uint64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return uint64(fi.Size())
}
