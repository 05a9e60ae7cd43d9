package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"
)

// Command is one subcommand of a program, such as "note add". C is what
// the program keeps for one run: its streams, environment and global
// flags.
type Command[C any] struct {
	Name    string // "note add"
	Args    string // synopsis after the name
	Summary string // one line for the command list
	Help    string // more detail for "-h", may be empty
	Run     func(c C, cmd *Command[C], args []string) error

	prog *Program
}

// Commands ties cmds to p, for their usage texts and errors, and returns
// them.
func Commands[C any](p *Program, cmds ...*Command[C]) []*Command[C] {
	for _, cmd := range cmds {
		cmd.prog = p
	}
	return cmds
}

// VersionCommand is the command "version", which prints p's name and
// version as --version does. env gives the flag set (with the global
// flags) and the output of a run.
func VersionCommand[C any](env func(c C, cmd *Command[C]) (*flag.FlagSet, io.Writer)) *Command[C] {
	return &Command[C]{Name: "version", Summary: "print the version", Run: func(c C, cmd *Command[C], args []string) error {
		fs, out := env(c, cmd)
		if err := cmd.ParseFlags(out, fs, args); err != nil {
			return err
		}
		_, err := fmt.Fprintf(out, "%s %s\n", cmd.program().Name, cmd.program().Version)
		return err
	}}
}

func (cmd *Command[C]) program() *Program {
	if cmd.prog == nil {
		return &Program{}
	}
	return cmd.prog
}

// UsageError is the error for cmd called the wrong way, with a hint to
// see its usage.
func (cmd *Command[C]) UsageError(format string, a ...any) error {
	return cmd.program().CommandUsage(cmd.Name, format, a...)
}

// ID reads a record id given for cmd's flag or argument what.
func (cmd *Command[C]) ID(what, s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, cmd.UsageError("%s is required", what)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, &HintError{Msg: fmt.Sprintf("%s: %q is not an id", what, s), Err: err,
			Advice: "ids are printed by " + cmd.program().IDsFrom + " and look like 0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b"}
	}
	return id, nil
}

// Parse parses args for cmd with fs, allowing flags between the other
// arguments, and returns the others. For -h it prints cmd's usage to w
// and returns flag.ErrHelp; other errors are usage errors.
func (cmd *Command[C]) Parse(w io.Writer, fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := Parse(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		cmd.PrintUsage(w, fs)
		return nil, flag.ErrHelp
	case err != nil:
		return nil, cmd.UsageError("%v", err)
	}
	return pos, nil
}

// ParseFlags parses a command that takes flags only.
func (cmd *Command[C]) ParseFlags(w io.Writer, fs *flag.FlagSet, args []string) error {
	pos, err := cmd.Parse(w, fs, args)
	if err == nil && len(pos) > 0 {
		err = cmd.UsageError("unexpected argument %q", pos[0])
	}
	return err
}

// ParseOne parses a command that takes flags and exactly one argument,
// named what in errors.
func (cmd *Command[C]) ParseOne(w io.Writer, fs *flag.FlagSet, args []string, what string) (string, error) {
	pos, err := cmd.Parse(w, fs, args)
	switch {
	case err != nil:
		return "", err
	case len(pos) == 0:
		return "", cmd.UsageError("%s is required", what)
	case len(pos) > 1:
		return "", cmd.UsageError("unexpected argument %q", pos[1])
	}
	return pos[0], nil
}

// PrintUsage prints cmd's usage: its synopsis, its summary, its help (if
// any) and the flags of fs.
func (cmd *Command[C]) PrintUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s %s %s\n\n%s.\n", cmd.program().Name, cmd.Name, cmd.Args, upperFirst(cmd.Summary))
	if cmd.Help != "" {
		fmt.Fprintf(w, "\n%s", cmd.Help)
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
