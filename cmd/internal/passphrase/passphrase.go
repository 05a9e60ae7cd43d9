// Package passphrase reads vault passphrases for the courtwatch commands:
// from a file named by an environment variable, from an environment
// variable, or typed on the terminal without echo.
package passphrase

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"courtwatch/cmd/internal/cmdline"

	"golang.org/x/term"
)

// Min is the length below which a new passphrase draws a warning.
const Min = 12

// Vars names the two environment variables a passphrase may come from, in
// order.
type Vars struct{ File, Value string }

var (
	// Current is where the passphrase of an existing vault comes from.
	Current = Vars{"COURTWATCH_PASSPHRASE_FILE", "COURTWATCH_PASSPHRASE"}
	// New is where the new passphrase for courtwatch passwd comes from.
	New = Vars{"COURTWATCH_NEW_PASSPHRASE_FILE", "COURTWATCH_NEW_PASSPHRASE"}
)

// Reader reads passphrases for one program.
type Reader struct {
	Prog    string // the program name, for warnings
	Getenv  func(string) string
	Stdin   io.Reader
	Stderr  io.Writer
	OpenTTY func() (*os.File, error) // the controlling terminal (OpenTTY), used when stdin is not one
}

// Read returns the passphrase from the file named by vars.File, else from
// vars.Value, else asks on the terminal (twice if confirm is set).
func (r *Reader) Read(vars Vars, prompt string, confirm bool) ([]byte, error) {
	if name := r.Getenv(vars.File); name != "" {
		return readFile(vars.File, name)
	}
	if p := r.Getenv(vars.Value); p != "" {
		return []byte(p), nil
	}
	return r.ask(prompt, confirm)
}

// ReadNew asks for a passphrase to set and warns when it is short.
func (r *Reader) ReadNew(vars Vars, prompt string) ([]byte, error) {
	p, err := r.Read(vars, prompt, true)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCount(p); n < Min {
		fmt.Fprintf(r.Stderr, "%s: warning: the passphrase has only %d characters; a longer one, such as several words, is much harder to guess\n", r.Prog, n)
	}
	return p, nil
}

// readFile returns the first line of the file, without its line ending.
func readFile(variable, name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, &cmdline.HintError{Msg: fmt.Sprintf("read the passphrase: %v", err), Err: err,
			Advice: "check the file named by " + variable}
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadSlice('\n')
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read the passphrase from %s: %w", name, err)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(line) == 0 {
		return nil, &cmdline.HintError{Msg: fmt.Sprintf("the passphrase file %s is empty", name),
			Advice: "put the passphrase on its first line, or unset " + variable}
	}
	return bytes.Clone(line), nil
}

// ask reads a passphrase from the terminal without echoing it.
func (r *Reader) ask(prompt string, confirm bool) ([]byte, error) {
	fd, w, done, err := r.terminal()
	if err != nil {
		return nil, &cmdline.HintError{Msg: "no passphrase: set " + Current.File + " or run in a terminal", Err: err}
	}
	defer done()
	read := func(prompt string) ([]byte, error) {
		fmt.Fprint(w, prompt)
		p, err := term.ReadPassword(fd)
		fmt.Fprintln(w)
		if err != nil {
			return nil, fmt.Errorf("read the passphrase: %w", err)
		}
		if len(p) == 0 {
			return nil, errors.New("no passphrase was typed")
		}
		return p, nil
	}
	p, err := read(prompt)
	if err != nil || !confirm {
		return p, err
	}
	again, err := read("Type it again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, &cmdline.HintError{Msg: "the two passphrases differ; nothing was changed", Advice: "run the command again"}
	}
	return p, nil
}

// terminal returns the terminal to prompt on: stdin if it is one, else the
// controlling terminal. done releases it.
func (r *Reader) terminal() (fd int, w io.Writer, done func(), err error) {
	if f, ok := r.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return int(f.Fd()), r.Stderr, func() {}, nil
	}
	tty, err := r.OpenTTY()
	if err != nil {
		return 0, nil, nil, err
	}
	if !term.IsTerminal(int(tty.Fd())) {
		tty.Close()
		return 0, nil, nil, errors.New("no terminal")
	}
	w, closeW := promptWriter(tty, r.Stderr)
	return int(tty.Fd()), w, func() { closeW(); tty.Close() }, nil
}
