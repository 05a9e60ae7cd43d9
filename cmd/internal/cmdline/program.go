package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Program describes one command-line program: its name and version, its
// help text, and its global folder flag (such as --vault).
type Program struct {
	Name    string // "courtwatch"
	Version string // printed by "version" and --version
	// Intro is the help's text before the list of commands: what the
	// program is and its usage lines. Outro follows the list: the
	// environment it reads.
	Intro, Outro string
	// DirFlag is the global flag that names the program's folder, such as
	// "vault"; DirExample shows how to give it.
	DirFlag, DirExample string
	// IDsFrom names the commands that print record ids, for the hint of
	// a bad id.
	IDsFrom string
}

// Report prints err for the user, each line starting with the program's
// name, and returns the exit status: 0 for nil, 2 for a usage error, 1
// otherwise.
func (p *Program) Report(w io.Writer, err error) int { return Report(w, p.Name, err) }

func (p *Program) usage(msg, hint string) error { return &UsageError{Msg: msg, Advice: hint} }

// CommandUsage is the error for command cmd called the wrong way, with a
// hint to see its usage.
func (p *Program) CommandUsage(cmd, format string, a ...any) error {
	return p.usage(cmd+": "+fmt.Sprintf(format, a...), "see: "+p.Name+" "+cmd+" -h")
}

// GlobalFlags reads the flags before the command name and returns the
// rest of args: -h and --help make it return the help command, --version
// the version command, and the flag p.DirFlag stores its folder in *dir.
func (p *Program) GlobalFlags(args []string, dir *string) ([]string, error) {
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
		case name == p.DirFlag && hasValue:
			*dir, args = value, args[1:]
		case name == p.DirFlag && len(args) > 1:
			*dir, args = args[1], args[2:]
		case name == p.DirFlag:
			return nil, p.usage("--"+p.DirFlag+" needs a folder", "e.g. "+p.DirExample)
		default:
			return nil, p.usage(fmt.Sprintf("unknown flag %s before the command", arg), "see: "+p.Name+" help")
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
		return 0, nil, p.usage(fmt.Sprintf("%s needs a command: %s", args[0], strings.Join(group, ", ")), "see: "+p.Name+" help")
	}
	return 0, nil, p.usage(fmt.Sprintf("unknown command %q", args[0]), "see the commands with: "+p.Name+" help")
}

// Run runs the command that args name (the arguments after the global
// flags, at least one) among cmds with c: "help [COMMAND]" prints the
// help, or a command's usage, to stdout. A command's -h prints its usage
// and is no error.
func Run[C any](p *Program, cmds []*Command[C], c C, stdout io.Writer, args []string) error {
	help := args[0] == "help"
	if help {
		if len(args) == 1 || args[1] == "-h" || args[1] == "--help" {
			return printHelp(p, stdout, cmds)
		}
		args = args[1:]
	}
	cmd, rest, err := lookup(p, cmds, args)
	if err != nil {
		return err
	}
	if help {
		if len(rest) > 0 {
			return p.usage(fmt.Sprintf("help takes one command, not %q", strings.Join(args, " ")), "see: "+p.Name+" help")
		}
		rest = []string{"-h"}
	}
	err = cmd.Run(c, cmd, rest)
	if errors.Is(err, flag.ErrHelp) {
		return nil // usage was printed
	}
	return err
}

func lookup[C any](p *Program, cmds []*Command[C], args []string) (*Command[C], []string, error) {
	names := make([]string, len(cmds))
	for i, cmd := range cmds {
		names[i] = cmd.Name
	}
	i, rest, err := p.Lookup(names, args)
	if err != nil {
		return nil, nil, err
	}
	return cmds[i], rest, nil
}

func printHelp[C any](p *Program, w io.Writer, cmds []*Command[C]) error {
	var b strings.Builder
	b.WriteString(p.Intro)
	b.WriteString("\nCommands:\n")
	for _, cmd := range cmds {
		fmt.Fprintf(&b, "  %-16s %s\n", cmd.Name, cmd.Summary)
	}
	fmt.Fprintf(&b, "  %-16s %s\n", "help [COMMAND]", "show this help, or a command's")
	fmt.Fprintf(&b, `
Run "%s COMMAND -h" for a command's arguments. Flags may come before or
after the other arguments; put -- before text that starts with a dash.
`, p.Name)
	if p.Outro != "" {
		b.WriteString("\n" + p.Outro)
	}
	_, err := io.WriteString(w, b.String())
	return err
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

// StringList is a flag that may be given several times.
type StringList []string

func (l *StringList) String() string { return strings.Join(*l, ", ") }

// Set adds s to the list.
func (l *StringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}
