package main

import (
	"os"

	"courtwatch/cmd/internal/passphrase"
)

var (
	currentPassphrase = passphrase.Current
	newPassphrase     = passphrase.New
)

// openTTY opens the controlling terminal for a prompt when stdin is not
// one. Tests replace it.
var openTTY = passphrase.OpenTTY

// passphrases returns the reader of passphrases for c.
func (c *cli) passphrases() *passphrase.Reader {
	return &passphrase.Reader{Prog: "courtwatch", Getenv: c.getenv, Stdin: c.stdin, Stderr: c.stderr,
		OpenTTY: func() (*os.File, error) { return openTTY() }}
}

// passphrase returns the passphrase from the file named by vars.File, else
// from vars.Value, else asks on the terminal (twice if confirm is set).
func (c *cli) passphrase(vars passphrase.Vars, prompt string, confirm bool) ([]byte, error) {
	return c.passphrases().Read(vars, prompt, confirm)
}

// newPassphraseFor asks for a passphrase to set and warns when it is short.
func (c *cli) newPassphraseFor(vars passphrase.Vars, prompt string) ([]byte, error) {
	return c.passphrases().ReadNew(vars, prompt)
}
