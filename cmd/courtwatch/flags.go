package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"courtwatch/cmd/internal/cmdline"

	"github.com/google/uuid"
)

// program names this program in usage errors and usage texts.
var program = &cmdline.Program{Name: "courtwatch", Usage: func(msg, hint string) error {
	return &usageError{msg: msg, hint: hint}
}}

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
	return program.GlobalFlags(args, "vault", &c.vault, "courtwatch --vault ~/courtwatch-vault list cases", true)
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
	return program.ParseCommand(fs, cmd.name, args, func() { c.printUsage(c.stdout, fs, cmd) })
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
	return program.UsageError(cmd.name, format, a...)
}

func (c *cli) printUsage(w io.Writer, fs *flag.FlagSet, cmd *command) {
	program.PrintUsage(w, fs, cmd.name, cmd.args, cmd.summary, cmd.help)
}

// stringList is a flag that may be given several times.
type stringList = cmdline.StringList

// id reads a record id given for cmd's flag or argument what.
func (cmd *command) id(what, s string) (uuid.UUID, error) {
	return program.ID(cmd.name, what, s, "the add and list commands")
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
