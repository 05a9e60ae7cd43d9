package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	_ "time/tzdata" // court time zones where the OS has no zone database (Windows)
)

// version is set at link time from FyneApp.toml by the Makefile
// (-ldflags "-X main.version=...").
var version = "devel"

func main() {
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(report(os.Stderr, err))
}

// command is one subcommand.
type command struct {
	name    string // "enroll"
	args    string // synopsis after the name
	summary string // one line for the command list
	help    string // more detail for "-h", may be empty
	run     func(c *cli, cmd *command, args []string) error
}

// commands lists every subcommand in the order "help" shows them. A new
// command (report is next) is one more line here and its run function,
// in a file of its own. Commands that open the HQ vault take its
// passphrase with c.passphrase, as the monitor's do (see withVault).
var commands = []*command{
	{name: "init", args: "[--name N] [--host H]...", summary: "create the HQ folder: keys, TLS certificate and HQ vault", run: runInit, help: helpInit},
	{name: "profile", args: "--url U [--recipient age1…]... [--proxy P] [--no-pin] [--out FILE]", summary: "write the HQ profile that monitors install", run: runProfile, help: helpProfile},
	{name: "enroll", args: "[--store s3://BUCKET/PREFIX] DEVICE-FILE|-", summary: "enroll a monitor's device from its device file", run: runEnroll, help: helpEnroll + "\n" + helpBucket},
	{name: "devices", args: "[--json]", summary: "list the enrolled devices", run: runDevices},
	{name: "revoke", args: "[--store s3://BUCKET/PREFIX] ID", summary: "revoke a device: the receiver refuses its uploads from now on", run: runRevoke, help: helpBucket},
	{name: "serve", args: "--addr HOST:PORT [--store DIR|s3://BUCKET/PREFIX] [--max-body-mib N] [--plain-http] [--max-conns-per-addr N]", summary: "run the receiver that stores uploaded bundles", run: runServe, help: helpServe},
	{name: "import", args: "[--from DIR|s3://BUCKET/PREFIX] [--json]", summary: "import received bundles into the HQ vault", run: runImport, help: helpImport},
	{name: "verify", args: "[--json] BUNDLE", summary: "explain what is right or wrong with one bundle", run: runVerify, help: helpVerify},
	{name: "list", args: "cases|defendants|hearings|notes [--case ID] [--hearing ID] [--json]", summary: "list the records of every device", run: runList, help: helpList},
	{name: "history", args: "[--json] ID", summary: "show every version of a record", run: runHistory, help: helpHistory},
	{name: "report", args: "hearing|case|defendant ID --out FILE [--format html|pdf|csv] [--table T] [--lang en|km] | check FILE", summary: "write a report across every monitor, or check one against the HQ vault", run: runReport, help: helpReport + "\nreport check FILE: " + helpReportCheck},
	{name: "search", args: "[--json] [--limit N] QUERY...", summary: "search the notes, names and cases of every device", run: runSearch, help: helpSearch},
	{name: "version", summary: "print the version", run: runVersion},
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	args, err := c.globalFlags(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return &usageError{msg: "no command given", hint: "see the commands with: courtwatch-hq help"}
	}
	if args[0] == "help" {
		return c.help(args[1:])
	}
	cmd, err := lookup(args[0])
	if err != nil {
		return err
	}
	err = cmd.run(c, cmd, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil // usage was printed
	}
	return explain(err)
}

// lookup finds the command called name.
func lookup(name string) (*command, error) {
	i, _, err := program.Lookup(commandNames(), []string{name})
	if err != nil {
		return nil, err
	}
	return commands[i], nil
}

// commandNames returns the names of the commands, in order.
func commandNames() []string {
	names := make([]string, len(commands))
	for i, cmd := range commands {
		names[i] = cmd.name
	}
	return names
}

// help prints the list of commands, or one command's usage.
func (c *cli) help(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		return c.printHelp()
	}
	if len(args) > 1 {
		return &usageError{msg: fmt.Sprintf("help takes one command, not %q", strings.Join(args, " "))}
	}
	cmd, err := lookup(args[0])
	if err != nil {
		return err
	}
	if err := cmd.run(c, cmd, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

func (c *cli) printHelp() error {
	var b strings.Builder
	b.WriteString(`courtwatch-hq: the Courtwatch headquarters tool

Usage:
  courtwatch-hq [--dir D] COMMAND [ARGS...]

Commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(&b, "  %-16s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(&b, "  %-16s %s\n", "help [COMMAND]", "show this help, or a command's")
	b.WriteString(`
Run "courtwatch-hq COMMAND -h" for a command's arguments. Flags may come
before or after the other arguments.

Environment:
  COURTWATCH_HQ_DIR           the HQ folder, unless --dir is given
  COURTWATCH_PASSPHRASE_FILE  read the HQ vault's passphrase from the first line of this file
  COURTWATCH_PASSPHRASE       the passphrase itself (other programs may see it)
  COURTWATCH_TEST_KDF=1       test builds only (-tags ci; ignored by a shipped build):
                              init makes an HQ vault whose passphrase is fast to
                              check, and so fast to guess

Without these the passphrase is asked for on the terminal.
`)
	_, err := io.WriteString(c.stdout, b.String())
	return err
}

func runVersion(c *cli, cmd *command, args []string) error {
	if err := c.parseFlags(c.flagSet(cmd), cmd, args); err != nil {
		return err
	}
	_, err := fmt.Fprintf(c.stdout, "courtwatch-hq %s\n", version)
	return err
}
