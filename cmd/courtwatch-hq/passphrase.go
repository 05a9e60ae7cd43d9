package main

import (
	"os"

	"courtwatch/cmd/internal/passphrase"
)

// This program takes passphrases the same way as cmd/courtwatch, through
// package passphrase.

// Environment variables a passphrase may come from, in this order.
const (
	passphraseFileVar = "COURTWATCH_PASSPHRASE_FILE"
	passphraseVar     = "COURTWATCH_PASSPHRASE"
)

// openTTY opens the controlling terminal for a prompt when stdin is not
// one. Tests replace it.
var openTTY = passphrase.OpenTTY

// passphrases returns the reader of passphrases for c.
func (c *cli) passphrases() *passphrase.Reader {
	return &passphrase.Reader{Prog: "courtwatch-hq", Getenv: c.getenv, Stdin: c.stdin, Stderr: c.stderr,
		OpenTTY: func() (*os.File, error) { return openTTY() }}
}

// passphrase returns the HQ vault's passphrase from the file named by
// COURTWATCH_PASSPHRASE_FILE, else from COURTWATCH_PASSPHRASE, else asks
// on the terminal (twice if confirm is set).
func (c *cli) passphrase(prompt string, confirm bool) ([]byte, error) {
	return c.passphrases().Read(passphrase.Current, prompt, confirm)
}

// newPassphrase asks for a passphrase to set and warns when it is short.
func (c *cli) newPassphrase(prompt string) ([]byte, error) {
	return c.passphrases().ReadNew(passphrase.Current, prompt)
}
