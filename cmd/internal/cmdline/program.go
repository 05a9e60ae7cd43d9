package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"
)

// Program describes one command-line program, for the messages it prints.
type Program struct {
	Name string // "courtwatch"
	// Usage makes the program's error for a command called the wrong way.
	Usage func(msg, hint string) error
}

// UsageError is the error for command cmd called the wrong way, with a
// hint to see its usage.
func (p *Program) UsageError(cmd, format string, a ...any) error {
	return p.Usage(cmd+": "+fmt.Sprintf(format, a...), "see: "+p.Name+" "+cmd+" -h")
}

// GlobalFlags reads the flags before the command name and returns the
// rest of args: -h and --help make it return the help command, --version
// (if version is set) the version command, and the flag dirFlag (such as
// "vault") stores its folder in *dir; example shows how to give it.
func (p *Program) GlobalFlags(args []string, dirFlag string, dir *string, example string, version bool) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		arg := args[0]
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case arg == "--":
			return args[1:], nil
		case name == "h" || name == "help":
			return []string{"help"}, nil
		case version && name == "version":
			return []string{"version"}, nil
		case name == dirFlag && hasValue:
			*dir, args = value, args[1:]
		case name == dirFlag && len(args) > 1:
			*dir, args = args[1], args[2:]
		case name == dirFlag:
			return nil, p.Usage("--"+dirFlag+" needs a folder", "e.g. "+example)
		default:
			return nil, p.Usage(fmt.Sprintf("unknown flag %s before the command", arg), "see: "+p.Name+" help")
		}
	}
	return args, nil
}

// Lookup finds the command named by the first one or two words of args
// among names, and returns its index and the rest of args.
func (p *Program) Lookup(names, args []string) (int, []string, error) {
	var group []string
	for i, n := range names {
		first, second, two := strings.Cut(n, " ")
		switch {
		case !two && first == args[0]:
			return i, args[1:], nil
		case two && first == args[0]:
			group = append(group, n)
			if len(args) > 1 && args[1] == second {
				return i, args[2:], nil
			}
		}
	}
	if group != nil {
		return 0, nil, p.Usage(fmt.Sprintf("%s needs a command: %s", args[0], strings.Join(group, ", ")), "see: "+p.Name+" help")
	}
	return 0, nil, p.Usage(fmt.Sprintf("unknown command %q", args[0]), "see the commands with: "+p.Name+" help")
}

// Parse parses args with fs, allowing flags between the other arguments,
// and returns the others. It returns the errors of fs.Parse, including
// flag.ErrHelp, as they are.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
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

// ParseCommand is Parse for command cmd: for -h it prints the usage with
// usage and returns flag.ErrHelp; other errors become usage errors.
func (p *Program) ParseCommand(fs *flag.FlagSet, cmd string, args []string, usage func()) ([]string, error) {
	pos, err := Parse(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage()
		return nil, flag.ErrHelp
	case err != nil:
		return nil, p.UsageError(cmd, "%v", err)
	}
	return pos, nil
}

// PrintUsage prints the usage of command name: its synopsis args, its
// summary, its help (if any) and the flags of fs.
func (p *Program) PrintUsage(w io.Writer, fs *flag.FlagSet, name, args, summary, help string) {
	fmt.Fprintf(w, "usage: %s %s %s\n\n%s.\n", p.Name, name, args, upperFirst(summary))
	if help != "" {
		fmt.Fprintf(w, "\n%s", help)
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

// StringList is a flag that may be given several times.
type StringList []string

func (l *StringList) String() string { return strings.Join(*l, ", ") }

// Set adds s to the list.
func (l *StringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// ID reads a record id given for command cmd's flag or argument what.
// printedBy names the commands that print ids, for the hint.
func (p *Program) ID(cmd, what, s, printedBy string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, p.UsageError(cmd, "%s is required", what)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, &HintError{Msg: fmt.Sprintf("%s: %q is not an id", what, s), Err: err,
			Advice: "ids are printed by " + printedBy + " and look like 0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b"}
	}
	return id, nil
}
