//go:build !unix && !windows

package storage

import "os"

// freeSpace cannot tell on this platform; Badger's own error applies.
func freeSpace(string) (uint64, bool) { return 0, false }

func allocated(path string) uint64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return uint64(fi.Size())
}
