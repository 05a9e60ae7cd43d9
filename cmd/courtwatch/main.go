// Command courtwatch is the Courtwatch desktop app for trial monitors and its
// command line. Without a command it opens the window; with one it works on
// the vault headlessly, for scripts and for courts where only a terminal is
// at hand. Run "courtwatch help" for the commands.
package main

import (
	"flag"
	"io"
	"os"
	_ "time/tzdata" // court time zones where the OS has no zone database (Windows)

	_ "courtwatch/cmd/courtwatch/internal/localefix" // before Fyne's init; see there
	"courtwatch/cmd/internal/cmdline"
)

// version is set at link time from FyneApp.toml by the Makefile
// (-ldflags "-X main.version=...").
var version = "devel"

func main() {
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(report(os.Stderr, err))
}

// report prints err for the user and returns the exit status: 0 for nil,
// 2 for a usage error, 1 otherwise.
func report(w io.Writer, err error) int { return program.Report(w, err) }

// command is one subcommand, such as "note add".
type command = cmdline.Command[*cli]

// program names this program in its help, usage texts and errors.
var program = &cmdline.Program{
	Name: "courtwatch", Version: version,
	Intro: `courtwatch keeps a trial monitor's observations in an encrypted vault.

Usage:
  courtwatch [--vault DIR]                     open the Courtwatch window
  courtwatch [--vault DIR] COMMAND [ARGS...]   work on the vault without a window
`,
	Outro: `Ids are the full ids that the add and list commands print.

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
`,
	DirFlag: "vault", DirExample: "courtwatch --vault ~/courtwatch-vault list cases",
	IDsFrom: "the add and list commands",
}

// commands lists every subcommand in the order "help" shows them.
var commands = cmdline.Commands(program,
	&command{Name: "init", Args: "[--name MONITOR]", Summary: "create a new vault", Run: runInit, Help: helpInit},
	&command{Name: "passwd", Summary: "change the vault's passphrase", Run: runPasswd, Help: helpPasswd},
	&command{Name: "device export", Args: "[--out FILE]", Summary: "write the device file that HQ enrolls this device with", Run: runDeviceExport, Help: helpDeviceExport},
	&command{Name: "device", Summary: "show this device's id, name and public key", Run: runDevice},
	&command{Name: "verify", Summary: "check this device's hash chain", Run: runVerify},
	&command{Name: "case add", Args: "--title T --tz ZONE [--number N] [--court C] [--judge J]... [--prosecutor P]... [--charge \"453 Plotting\"]...", Summary: "add a case; prints its id", Run: runCaseAdd},
	&command{Name: "case tz", Args: "--case ID ZONE", Summary: "set the court's time zone of a case, e.g. Asia/Phnom_Penh", Run: runCaseTZ, Help: helpCaseTZ},
	&command{Name: "roster import", Args: "--case ID [--link LINE=PERSON]... [--new LINE]... FILE.csv|-", Summary: "import a case's defendants from a CSV roster", Run: runRosterImport, Help: helpRoster},
	&command{Name: "hearing add", Args: "--case ID --date YYYY-MM-DD [--time HH:MM] [--courtroom R]", Summary: "add a hearing; prints its id", Run: runHearingAdd},
	&command{Name: "note add", Args: "--hearing ID [--tag T]... [--reported] TEXT...", Summary: "add a note timed now; prints its id", Run: runNoteAdd},
	&command{Name: "note import", Args: "--hearing ID FILE|-", Summary: "import a typed or transcribed note file, all or nothing", Run: runNoteImport, Help: helpNoteImport},
	&command{Name: "note edit", Args: "ID TEXT...", Summary: "change a note's text (the old text stays in its history)", Run: runNoteEdit},
	&command{Name: "list", Args: "cases|defendants|hearings|notes [--case ID] [--hearing ID] [--json]", Summary: "list records", Run: runList, Help: helpList},
	&command{Name: "search", Args: "[--json] [--limit N] QUERY...", Summary: "search notes, names and cases", Run: runSearch, Help: helpSearch},
	&command{Name: "history", Args: "[--json] ID | --hash SHA256", Summary: "show every version of a record (--hash: the record with that version hash)", Run: runHistory},
	&command{Name: "hq add", Args: "[--name N] [--default] [--replace] PROFILE-FILE|-", Summary: "install the HQ profile that HQ gave you", Run: runHQAdd, Help: helpHQAdd},
	&command{Name: "case purge", Args: "--case ID on|off", Summary: "delete a case's observations from this laptop once HQ confirms them", Run: runCasePurge, Help: helpCasePurge},
	&command{Name: "hq list", Args: "[--json]", Summary: "list the installed HQ profiles", Run: runHQList},
	&command{Name: "export", Args: "[--to DIR]", Summary: "seal what is new into a bundle for HQ (--to DIR: also onto a USB stick)", Run: runExport, Help: helpExport},
	&command{Name: "sync", Summary: "seal what is new and send every unconfirmed bundle to HQ now", Run: runSync, Help: helpSync},
	&command{Name: "outbox", Args: "[--json]", Summary: "list the bundles and whether HQ confirmed them", Run: runOutbox, Help: helpOutbox},
	reportCheckCommand, reportCommand, demoCommand, // report.go; report check before report
	wipeCommand, duressSetCommand, duressOffCommand, lockoutCommand, // wipe.go
	cmdline.VersionCommand(func(c *cli, cmd *command) (*flag.FlagSet, io.Writer) { return c.flagSet(cmd), c.stdout }),
)

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
	return explain(cmdline.Run(program, commands, c, c.stdout, args))
}
