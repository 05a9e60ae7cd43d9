//go:build !windows

package passphrase

import (
	"io"
	"os"
)

// OpenTTY opens the controlling terminal (/dev/tty), to read a passphrase
// from when standard input is redirected.
func OpenTTY() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) }

// promptWriter returns where to write the prompt for a passphrase read from
// tty: the terminal itself.
func promptWriter(tty *os.File, stderr io.Writer) (io.Writer, func()) {
	return tty, func() {}
}
