package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

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
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		arg := args[0]
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case arg == "--":
			return args[1:], nil
		case name == "h" || name == "help":
			return []string{"help"}, nil
		case name == "version":
			return []string{"version"}, nil
		case name == "dir" && hasValue:
			c.dir, args = value, args[1:]
		case name == "dir" && len(args) > 1:
			c.dir, args = args[1], args[2:]
		case name == "dir":
			return nil, &usageError{msg: "--dir needs a folder", hint: "e.g. courtwatch-hq --dir /srv/courtwatch-hq devices"}
		default:
			return nil, &usageError{msg: fmt.Sprintf("unknown flag %s before the command", arg), hint: "see: courtwatch-hq help"}
		}
	}
	return args, nil
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
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.printUsage(fs, cmd)
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, cmd.usageError("%v", err)
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
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
	return &usageError{msg: cmd.name + ": " + fmt.Sprintf(format, a...), hint: "see: courtwatch-hq " + cmd.name + " -h"}
}

func (c *cli) printUsage(fs *flag.FlagSet, cmd *command) {
	w := c.stdout
	fmt.Fprintf(w, "usage: courtwatch-hq %s %s\n\n%s.\n", cmd.name, cmd.args, upperFirst(cmd.summary))
	if cmd.help != "" {
		fmt.Fprintf(w, "\n%s", cmd.help)
	}
	fmt.Fprintf(w, "\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			name = ""
		}
		fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimSpace("--"+f.Name+" "+name), usage)
	})
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// input reads the file name, or standard input for "-".
func (c *cli) input(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(c.stdin, 1<<20))
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, &hintError{msg: err.Error(), err: err, hint: "check the file name, or give - to read standard input"}
	}
	return b, nil
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
