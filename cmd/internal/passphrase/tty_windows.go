//go:build windows

package passphrase

import (
	"io"
	"os"
)

// OpenTTY opens the console's input (CONIN$), to read a passphrase from
// when standard input is redirected. golang.org/x/term turns its echo off
// through SetConsoleMode, which needs the handle opened for reading and
// writing.
func OpenTTY() (*os.File, error) { return os.OpenFile("CONIN$", os.O_RDWR, 0) }

// promptWriter returns where to write the prompt for a passphrase read from
// tty: the console's output (CONOUT$), since the console's input cannot be
// written to; stderr if there is no console output.
func promptWriter(tty *os.File, stderr io.Writer) (io.Writer, func()) {
	out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return stderr, func() {}
	}
	return out, func() { out.Close() }
}
