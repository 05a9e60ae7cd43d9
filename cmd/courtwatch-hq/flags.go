package main

import (
	"flag"
	"io"
	"os"

	"courtwatch/cmd/internal/cmdline"
)

// program names this program in usage errors and usage texts.
var program = &cmdline.Program{Name: "courtwatch-hq", Usage: func(msg, hint string) error {
	return &usageError{msg: msg, hint: hint}
}}

// cli is one run of the command line: its streams, its environment and the
// global flags.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	dir            string // --dir, "" if not given
}

// globalFlags reads --dir and -h before the command name and returns the
// rest. "courtwatch-hq -h" prints the help.
func (c *cli) globalFlags(args []string) ([]string, error) {
	return program.GlobalFlags(args, "dir", &c.dir, "courtwatch-hq --dir /srv/courtwatch-hq devices", true)
}

// hqDir is the HQ folder: --dir, else $COURTWATCH_HQ_DIR.
func (c *cli) hqDir() (string, error) {
	if c.dir != "" {
		return c.dir, nil
	}
	if d := c.getenv("COURTWATCH_HQ_DIR"); d != "" {
		return d, nil
	}
	return "", &usageError{msg: "no HQ folder given", hint: "give --dir D, or set COURTWATCH_HQ_DIR"}
}

// flagSet returns an empty flag set for cmd that also accepts --dir.
func (c *cli) flagSet(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.dir, "dir", c.dir, "the HQ `folder` (default: $COURTWATCH_HQ_DIR)")
	return fs
}

// parse parses args for cmd, allowing flags between the other arguments,
// and returns the others. For -h it prints the usage and returns
// flag.ErrHelp.
func (c *cli) parse(fs *flag.FlagSet, cmd *command, args []string) ([]string, error) {
	return program.ParseCommand(fs, cmd.name, args, func() { c.printUsage(fs, cmd) })
}

// parseFlags parses a command that takes flags only.
func (c *cli) parseFlags(fs *flag.FlagSet, cmd *command, args []string) error {
	pos, err := c.parse(fs, cmd, args)
	if err == nil && len(pos) > 0 {
		err = cmd.usageError("unexpected argument %q", pos[0])
	}
	return err
}

// parseOne parses a command that takes flags and exactly one argument,
// named what in errors.
func (c *cli) parseOne(fs *flag.FlagSet, cmd *command, args []string, what string) (string, error) {
	pos, err := c.parse(fs, cmd, args)
	switch {
	case err != nil:
		return "", err
	case len(pos) == 0:
		return "", cmd.usageError("%s is required", what)
	case len(pos) > 1:
		return "", cmd.usageError("unexpected argument %q", pos[1])
	}
	return pos[0], nil
}

func (cmd *command) usageError(format string, a ...any) error {
	return program.UsageError(cmd.name, format, a...)
}

func (c *cli) printUsage(fs *flag.FlagSet, cmd *command) {
	program.PrintUsage(c.stdout, fs, cmd.name, cmd.args, cmd.summary, cmd.help)
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
		return nil, &hintError{msg: err.Error(), err: err, hint: "check the file name, or give - to read standard input"}
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
		return &hintError{msg: err.Error(), err: err, hint: "choose another file with --out, or leave --out out to print to standard output"}
	}
	return nil
}
