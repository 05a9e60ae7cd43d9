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

// This file follows cmd/courtwatch/passphrase.go, so that both programs
// take passphrases the same way.

// minPassphrase is the length below which init warns.
const minPassphrase = 12

// Environment variables a passphrase may come from, in this order.
const (
	passphraseFileVar = "COURTWATCH_PASSPHRASE_FILE"
	passphraseVar     = "COURTWATCH_PASSPHRASE"
)

// openTTY opens the controlling terminal for a prompt when stdin is not
// one. Tests replace it.
var openTTY = func() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) }

// passphrase returns the HQ vault's passphrase from the file named by
// COURTWATCH_PASSPHRASE_FILE, else from COURTWATCH_PASSPHRASE, else asks
// on the terminal (twice if confirm is set).
func (c *cli) passphrase(prompt string, confirm bool) ([]byte, error) {
	if name := c.getenv(passphraseFileVar); name != "" {
		return readPassphraseFile(name)
	}
	if p := c.getenv(passphraseVar); p != "" {
		return []byte(p), nil
	}
	return c.ask(prompt, confirm)
}

// newPassphrase asks for a passphrase to set and warns when it is short.
func (c *cli) newPassphrase(prompt string) ([]byte, error) {
	p, err := c.passphrase(prompt, true)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCount(p); n < minPassphrase {
		fmt.Fprintf(c.stderr, "courtwatch-hq: warning: the passphrase has only %d characters; a longer one, such as several words, is much harder to guess\n", n)
	}
	return p, nil
}

// readPassphraseFile returns the first line of the file, without its line
// ending.
func readPassphraseFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, &hintError{msg: fmt.Sprintf("read the passphrase: %v", err), err: err,
			hint: "check the file named by " + passphraseFileVar}
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadSlice('\n')
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read the passphrase from %s: %w", name, err)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(line) == 0 {
		return nil, &hintError{msg: fmt.Sprintf("the passphrase file %s is empty", name),
			hint: "put the passphrase on its first line, or unset " + passphraseFileVar}
	}
	return bytes.Clone(line), nil
}

// ask reads a passphrase from the terminal without echoing it.
func (c *cli) ask(prompt string, confirm bool) ([]byte, error) {
	fd, w, done, err := c.terminal()
	if err != nil {
		return nil, &hintError{msg: "no passphrase: set " + passphraseFileVar + " or run in a terminal", err: err}
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
