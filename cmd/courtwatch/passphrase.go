package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/term"
)

// minPassphrase is the length below which init and passwd warn.
const minPassphrase = 12

// secretVars names the two environment variables a passphrase may come
// from, in order.
type secretVars struct{ file, value string }

var (
	currentPassphrase = secretVars{"COURTWATCH_PASSPHRASE_FILE", "COURTWATCH_PASSPHRASE"}
	newPassphrase     = secretVars{"COURTWATCH_NEW_PASSPHRASE_FILE", "COURTWATCH_NEW_PASSPHRASE"}
)

// openTTY opens the controlling terminal for a prompt when stdin is not
// one. Tests replace it.
var openTTY = func() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) }

// passphrase returns the passphrase from the file named by vars.file, else
// from vars.value, else asks on the terminal (twice if confirm is set).
func (c *cli) passphrase(vars secretVars, prompt string, confirm bool) ([]byte, error) {
	if name := c.getenv(vars.file); name != "" {
		return readPassphraseFile(vars.file, name)
	}
	if p := c.getenv(vars.value); p != "" {
		return []byte(p), nil
	}
	return c.ask(prompt, confirm)
}

// readPassphraseFile returns the first line of the file, without its line
// ending.
func readPassphraseFile(variable, name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, &hintError{msg: fmt.Sprintf("read the passphrase: %v", err), err: err,
			hint: "check the file named by " + variable}
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadSlice('\n')
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read the passphrase from %s: %w", name, err)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(line) == 0 {
		return nil, &hintError{msg: fmt.Sprintf("the passphrase file %s is empty", name),
			hint: "put the passphrase on its first line, or unset " + variable}
	}
	return bytes.Clone(line), nil
}

// ask reads a passphrase from the terminal without echoing it.
func (c *cli) ask(prompt string, confirm bool) ([]byte, error) {
	fd, w, done, err := c.terminal()
	if err != nil {
		return nil, &hintError{msg: "no passphrase: set COURTWATCH_PASSPHRASE_FILE or run in a terminal", err: err}
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
		return nil, &hintError{msg: "the two passphrases differ; nothing was changed", hint: "run the command again"}
	}
	return p, nil
}

// terminal returns the terminal to prompt on: stdin if it is one, else the
// controlling terminal. done releases it.
func (c *cli) terminal() (fd int, w io.Writer, done func(), err error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return int(f.Fd()), c.stderr, func() {}, nil
	}
	tty, err := openTTY()
	if err != nil {
		return 0, nil, nil, err
	}
	if !term.IsTerminal(int(tty.Fd())) {
		tty.Close()
		return 0, nil, nil, errors.New("no terminal")
	}
	return int(tty.Fd()), tty, func() { tty.Close() }, nil
}

// newPassphraseFor asks for a passphrase to set and warns when it is short.
func (c *cli) newPassphraseFor(vars secretVars, prompt string) ([]byte, error) {
	p, err := c.passphrase(vars, prompt, true)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCount(p); n < minPassphrase {
		fmt.Fprintf(c.stderr, "courtwatch: warning: the passphrase has only %d characters; a longer one, such as several words, is much harder to guess\n", n)
	}
	return p, nil
}
