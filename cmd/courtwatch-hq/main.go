package main

import (
	"flag"
	"io"
	"os"
	_ "time/tzdata" // court time zones where the OS has no zone database (Windows)

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

// command is one subcommand, such as "enroll".
type command = cmdline.Command[*cli]

// program names this program in its help, usage texts and errors.
var program = &cmdline.Program{
	Name: "courtwatch-hq", Version: version,
	Intro: `courtwatch-hq: the Courtwatch headquarters tool

Usage:
  courtwatch-hq [--dir D] COMMAND [ARGS...]
`,
	Outro: `Environment:
  COURTWATCH_HQ_DIR           the HQ folder, unless --dir is given
  COURTWATCH_PASSPHRASE_FILE  read the HQ vault's passphrase from the first line of this file
  COURTWATCH_PASSPHRASE       the passphrase itself (other programs may see it)
  COURTWATCH_TEST_KDF=1       test builds only (-tags ci; ignored by a shipped build):
                              init makes an HQ vault whose passphrase is fast to
                              check, and so fast to guess

Without these the passphrase is asked for on the terminal.
`,
	DirFlag: "dir", DirExample: "courtwatch-hq --dir /srv/courtwatch-hq devices",
	IDsFrom: "the list and search commands",
}

// commands lists every subcommand in the order "help" shows them. A new
// command is one more line here and its run function, in a file of its
// own. Commands that open the HQ vault take its passphrase with
// c.passphrase, as the monitor's do (see withVault).
var commands = cmdline.Commands(program,
	&command{Name: "init", Args: "[--name N] [--host H]...", Summary: "create the HQ folder: keys, TLS certificate and HQ vault", Run: runInit, Help: helpInit},
	&command{Name: "profile", Args: "--url U [--recipient age1…]... [--proxy P] [--no-pin] [--out FILE]", Summary: "write the HQ profile that monitors install", Run: runProfile, Help: helpProfile},
	&command{Name: "enroll", Args: "[--store s3://BUCKET/PREFIX] DEVICE-FILE|-", Summary: "enroll a monitor's device from its device file", Run: runEnroll, Help: helpEnroll + "\n" + helpBucket},
	&command{Name: "devices", Args: "[--json]", Summary: "list the enrolled devices", Run: runDevices},
	&command{Name: "revoke", Args: "[--store s3://BUCKET/PREFIX] ID", Summary: "revoke a device: the receiver refuses its uploads from now on", Run: runRevoke, Help: helpBucket},
	&command{Name: "serve", Args: "--addr HOST:PORT [--store DIR|s3://BUCKET/PREFIX] [--max-body-mib N] [--plain-http] [--max-conns-per-addr N]", Summary: "run the receiver that stores uploaded bundles", Run: runServe, Help: helpServe},
	&command{Name: "import", Args: "[--from DIR|s3://BUCKET/PREFIX] [--json]", Summary: "import received bundles into the HQ vault", Run: runImport, Help: helpImport},
	&command{Name: "verify", Args: "[--json] BUNDLE", Summary: "explain what is right or wrong with one bundle", Run: runVerify, Help: helpVerify},
	&command{Name: "list", Args: "cases|defendants|hearings|notes [--case ID] [--hearing ID] [--json]", Summary: "list the records of every device", Run: runList, Help: helpList},
	&command{Name: "history", Args: "[--json] ID", Summary: "show every version of a record", Run: runHistory, Help: helpHistory},
	reportCheckCommand, reportCommand, // report.go; report check before report
	&command{Name: "search", Args: "[--json] [--limit N] QUERY...", Summary: "search the notes, names and cases of every device", Run: runSearch, Help: helpSearch},
	cmdline.VersionCommand(func(c *cli, cmd *command) (*flag.FlagSet, io.Writer) { return c.flagSet(cmd), c.stdout }),
)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	args, err := program.GlobalFlags(args, &c.dir)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return &usageError{Msg: "no command given", Advice: "see the commands with: courtwatch-hq help"}
	}
	return explain(cmdline.Run(program, commands, c, c.stdout, args))
}
