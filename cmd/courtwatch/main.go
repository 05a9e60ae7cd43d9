// Command courtwatch is the Courtwatch desktop app for trial monitors and its
// command line. Without a command it opens the window; with one it works on
// the vault headlessly, for scripts and for courts where only a terminal is
// at hand. Run "courtwatch help" for the commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	_ "time/tzdata" // court time zones where the OS has no zone database (Windows)

	_ "courtwatch/cmd/courtwatch/internal/localefix" // before Fyne's init; see there
)

// version is set at link time from FyneApp.toml by the Makefile
// (-ldflags "-X main.version=...").
var version = "devel"

func main() {
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(report(os.Stderr, err))
}

// command is one subcommand, such as "note add".
type command struct {
	name    string // "note add"
	args    string // synopsis after the name
	summary string // one line for the command list
	help    string // more detail for "-h", may be empty
	run     func(c *cli, cmd *command, args []string) error
}

// commands lists every subcommand in the order "help" shows them.
var commands = []*command{
	{name: "init", args: "[--name MONITOR]", summary: "create a new vault", run: runInit, help: helpInit},
	{name: "passwd", summary: "change the vault's passphrase", run: runPasswd, help: helpPasswd},
	{name: "device export", args: "[--out FILE]", summary: "write the device file that HQ enrolls this device with", run: runDeviceExport, help: helpDeviceExport},
	{name: "device", summary: "show this device's id, name and public key", run: runDevice},
	{name: "verify", summary: "check this device's hash chain", run: runVerify},
	{name: "case add", args: "--title T --tz ZONE [--number N] [--court C] [--judge J]... [--prosecutor P]... [--charge \"453 Plotting\"]...", summary: "add a case; prints its id", run: runCaseAdd},
	{name: "case tz", args: "--case ID ZONE", summary: "set the court's time zone of a case, e.g. Asia/Phnom_Penh", run: runCaseTZ, help: helpCaseTZ},
	{name: "roster import", args: "--case ID [--link LINE=PERSON]... [--new LINE]... FILE.csv|-", summary: "import a case's defendants from a CSV roster", run: runRosterImport, help: helpRoster},
	{name: "hearing add", args: "--case ID --date YYYY-MM-DD [--time HH:MM] [--courtroom R]", summary: "add a hearing; prints its id", run: runHearingAdd},
	{name: "note add", args: "--hearing ID [--tag T]... [--reported] TEXT...", summary: "add a note timed now; prints its id", run: runNoteAdd},
	{name: "note import", args: "--hearing ID FILE|-", summary: "import a typed or transcribed note file, all or nothing", run: runNoteImport, help: helpNoteImport},
	{name: "note edit", args: "ID TEXT...", summary: "change a note's text (the old text stays in its history)", run: runNoteEdit},
	{name: "list", args: "cases|defendants|hearings|notes [--case ID] [--hearing ID] [--json]", summary: "list records", run: runList, help: helpList},
	{name: "search", args: "[--json] QUERY...", summary: "search notes, names and cases", run: runSearch, help: helpSearch},
	{name: "history", args: "[--json] ID | --hash SHA256", summary: "show every version of a record (--hash: the record with that version hash)", run: runHistory},
	{name: "hq add", args: "[--name N] [--default] [--replace] PROFILE-FILE|-", summary: "install the HQ profile that HQ gave you", run: runHQAdd, help: helpHQAdd},
	{name: "case purge", args: "--case ID on|off", summary: "delete a case's observations from this laptop once HQ confirms them", run: runCasePurge, help: helpCasePurge},
	{name: "hq list", args: "[--json]", summary: "list the installed HQ profiles", run: runHQList},
	{name: "export", args: "[--to DIR]", summary: "seal what is new into a bundle for HQ (--to DIR: also onto a USB stick)", run: runExport, help: helpExport},
	{name: "sync", summary: "seal what is new and send every unconfirmed bundle to HQ now", run: runSync, help: helpSync},
	{name: "outbox", args: "[--json]", summary: "list the bundles and whether HQ confirmed them", run: runOutbox, help: helpOutbox},
	reportCheckCommand, reportCommand, demoCommand, // report.go; report check before report
	wipeCommand, duressSetCommand, duressOffCommand, lockoutCommand, // wipe.go
	{name: "version", summary: "print the version", run: runVersion},
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	args, err := c.globalFlags(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		dir, err := c.vaultDir()
		if err != nil {
			return err
		}
		return runGUI(dir, c.vault != "" || c.getenv("COURTWATCH_VAULT") != "")
	}
	if args[0] == "help" {
		return c.help(args[1:])
	}
	cmd, rest, err := lookup(args)
	if err != nil {
		return err
	}
	err = cmd.run(c, cmd, rest)
	if errors.Is(err, flag.ErrHelp) {
		return nil // usage was printed
	}
	return explain(err)
}

// lookup finds the command named by the first one or two words of args.
func lookup(args []string) (*command, []string, error) {
	i, rest, err := program.Lookup(commandNames(), args)
	if err != nil {
		return nil, nil, err
	}
	return commands[i], rest, nil
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
	cmd, rest, err := lookup(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("help takes one command, not %q", strings.Join(args, " "))}
	}
	if err := cmd.run(c, cmd, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

func (c *cli) printHelp() error {
	var b strings.Builder
	b.WriteString(`courtwatch keeps a trial monitor's observations in an encrypted vault.

Usage:
  courtwatch [--vault DIR]                     open the Courtwatch window
  courtwatch [--vault DIR] COMMAND [ARGS...]   work on the vault without a window

Commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(&b, "  %-16s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(&b, "  %-16s %s\n", "help [COMMAND]", "show this help, or a command's")
	b.WriteString(`
Run "courtwatch COMMAND -h" for a command's arguments. Ids are the full ids
that the add and list commands print. Flags may come before or after the
other arguments; put -- before text that starts with a dash.

Environment:
  COURTWATCH_VAULT                the vault folder, unless --vault is given
                                  (default: ` + defaultVaultHelp() + `)
  COURTWATCH_PASSPHRASE_FILE      read the passphrase from the first line of this file
  COURTWATCH_PASSPHRASE           the passphrase itself (other programs may see it)
  COURTWATCH_NEW_PASSPHRASE_FILE  the new passphrase for passwd, from a file
  COURTWATCH_NEW_PASSPHRASE       the new passphrase for passwd
  COURTWATCH_DURESS_PASSPHRASE_FILE  the duress passphrase for duress set, from a file
  COURTWATCH_TEST_KDF=1           test builds only (-tags ci; ignored by a shipped build):
                                  init makes a vault whose passphrase is fast to
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
	_, err := fmt.Fprintf(c.stdout, "courtwatch %s\n", version)
	return err
}
