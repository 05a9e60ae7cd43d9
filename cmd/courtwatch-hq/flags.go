package main

import (
	"flag"
	"io"
	"os"

	"courtwatch/cmd/internal/cmdline"
)

// cli is one run of the command line: its streams, its environment and the
// global flags.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	dir            string // --dir, "" if not given
}

// hqDir is the HQ folder: --dir, else $COURTWATCH_HQ_DIR.
func (c *cli) hqDir() (string, error) {
	if c.dir != "" {
		return c.dir, nil
	}
	if d := c.getenv("COURTWATCH_HQ_DIR"); d != "" {
		return d, nil
	}
	return "", &usageError{Msg: "no HQ folder given", Advice: "give --dir D, or set COURTWATCH_HQ_DIR"}
}

// flagSet returns an empty flag set for cmd that also accepts --dir.
func (c *cli) flagSet(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.dir, "dir", c.dir, "the HQ `folder` (default: $COURTWATCH_HQ_DIR)")
	return fs
}

// stringList is a flag that may be given several times.
type stringList = cmdline.StringList

// input reads the file name, or standard input for "-".
func (c *cli) input(name string) ([]byte, error) {
	if name == "-" {
		return cmdline.ReadSmall(c.stdin, 1<<20, "standard input")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, &hintError{Msg: err.Error(), Err: err, Advice: "check the file name, or give - to read standard input"}
	}
	defer f.Close()
	return cmdline.ReadSmall(f, 1<<20, name)
}

// output writes b to the file name, or to standard output if name is "".
func (c *cli) output(name string, b []byte) error {
	if name == "" {
		_, err := c.stdout.Write(b)
		return err
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		return &hintError{Msg: err.Error(), Err: err, Advice: "choose another file with --out, or leave --out out to print to standard output"}
	}
	return nil
}
