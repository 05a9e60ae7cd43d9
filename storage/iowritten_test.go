package storage

import (
	"bytes"
	"os"
	"strconv"
)

// bytesWritten is what this process has handed to the disk so far
// (write_bytes in Linux's /proc/self/io: page cache it dirtied, mapped
// files included), and false where that is not known.
func bytesWritten() (int64, bool) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("write_bytes: ")); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
