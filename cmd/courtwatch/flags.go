package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"courtwatch/cmd/internal/cmdline"
)

// cli is one run of the command line: its streams, its environment and the
// global flags.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	vault          string // --vault, "" if not given
}

// globalFlags reads --vault, -h and --version before the command name and
// returns the rest. "courtwatch -h" returns the help command.
func (c *cli) globalFlags(args []string) ([]string, error) {
	return program.GlobalFlags(args, &c.vault)
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
		return "", &hintError{Msg: "cannot find a folder for the vault: " + err.Error(), Err: err,
			Advice: "choose one with --vault DIR or COURTWATCH_VAULT"}
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
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.vault, "vault", c.vault, "the vault `folder` (default: $COURTWATCH_VAULT, else "+defaultVaultHelp()+")")
	return fs
}

// stringList is a flag that may be given several times.
type stringList = cmdline.StringList

// input opens the file name for reading, or standard input for "-".
func (c *cli) input(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(c.stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, &hintError{Msg: err.Error(), Err: err, Advice: "check the file name, or give - to read standard input"}
	}
	return f, nil
}
