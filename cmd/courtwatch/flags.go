package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/uuid"
)

// cli is one run of the command line: its streams, its environment and the
// global flags.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	vault          string // --vault, "" if not given
}

// globalFlags reads --vault and -h before the command name and returns the
// rest. "courtwatch -h" prints the help and returns no arguments.
func (c *cli) globalFlags(args []string) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		arg := args[0]
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case arg == "--":
			return args[1:], nil
		case name == "h" || name == "help":
			return []string{"help"}, nil
		case name == "vault" && hasValue:
			c.vault, args = value, args[1:]
		case name == "vault" && len(args) > 1:
			c.vault, args = args[1], args[2:]
		case name == "vault":
			return nil, &usageError{msg: "--vault needs a folder", hint: "e.g. courtwatch --vault ~/courtwatch-vault list cases"}
		default:
			return nil, &usageError{msg: fmt.Sprintf("unknown flag %s before the command", arg), hint: "see: courtwatch help"}
		}
	}
	return args, nil
}

// vaultDir is the vault folder: --vault, else $COURTWATCH_VAULT, else the
// default for this system.
func (c *cli) vaultDir() (string, error) {
	dir := c.vault
	if dir == "" {
		dir = c.getenv("COURTWATCH_VAULT")
	}
	if dir != "" {
		return dir, nil
	}
	dir, err := defaultVaultDir(c.getenv)
	if err != nil {
		return "", &hintError{msg: "cannot find a folder for the vault: " + err.Error(), err: err,
			hint: "choose one with --vault DIR or COURTWATCH_VAULT"}
	}
	return dir, nil
}

// defaultVaultDir is $XDG_DATA_HOME/courtwatch/vault (or
// ~/.local/share/courtwatch/vault) on Linux and
// <user config dir>/Courtwatch/vault elsewhere.
func defaultVaultDir(getenv func(string) string) (string, error) {
	if runtime.GOOS != "linux" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "Courtwatch", "vault"), nil
	}
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "courtwatch", "vault"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "courtwatch", "vault"), nil
}

func defaultVaultHelp() string {
	if runtime.GOOS == "linux" {
		return "$XDG_DATA_HOME/courtwatch/vault or ~/.local/share/courtwatch/vault"
	}
	return "Courtwatch/vault in the user's configuration folder"
}

// flagSet returns an empty flag set for cmd that also accepts --vault.
func (c *cli) flagSet(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.vault, "vault", c.vault, "the vault `folder` (default: $COURTWATCH_VAULT, else "+defaultVaultHelp()+")")
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
			c.printUsage(c.stdout, fs, cmd)
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

func (cmd *command) usageError(format string, a ...any) error {
	return &usageError{msg: cmd.name + ": " + fmt.Sprintf(format, a...), hint: "see: courtwatch " + cmd.name + " -h"}
}

func (c *cli) printUsage(w io.Writer, fs *flag.FlagSet, cmd *command) {
	fmt.Fprintf(w, "usage: courtwatch %s %s\n\n%s.\n", cmd.name, cmd.args, upperFirst(cmd.summary))
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

// id reads a record id given for cmd's flag or argument what.
func (cmd *command) id(what, s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, cmd.usageError("%s is required", what)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, &hintError{msg: fmt.Sprintf("%s: %q is not an id", what, s), err: err,
			hint: "ids are printed by the add and list commands and look like 0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b"}
	}
	return id, nil
}

// input opens the file name for reading, or standard input for "-".
func (c *cli) input(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(c.stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, &hintError{msg: err.Error(), err: err, hint: "check the file name, or give - to read standard input"}
	}
	return f, nil
}
