package main

import (
	"fmt"

	"courtwatch/cmd/internal/records"
	"courtwatch/demo"
	reports "courtwatch/report" // main has a func report
	"courtwatch/storage"
)

// The report and demo commands; main.go lists them.
var (
	reportCheckCommand = &command{Name: "report check", Args: "FILE", Summary: "check a report file against this vault: every record it rests on, with its hash",
		Run: runReportCheck, Help: helpReportCheck}
	reportCommand = &command{Name: "report", Args: "hearing|case|defendant ID --out FILE [--format html|pdf|csv] [--table T] [--lang en|km]",
		Summary: "write a hearing, case or defendant report", Run: runReport, Help: helpReport}
	demoCommand = &command{Name: "demo", Args: "[--force] [--seed N]",
		Summary: "fill the vault with a demo mass trial (150 persons, 6 cases)", Run: runDemo, Help: helpDemo}
)

const helpReport = `Writes one report to FILE, and nothing anywhere else: the report is made
in memory, written to a temporary file in FILE's folder and renamed to
FILE. Reports hold what the vault protects; keep them where you would keep
the vault.

  hearing ID     one hearing: attendance, log, fair-trial checklist findings
  case ID        a case: scorecard, timeline, defendants and charges, the
                 cross-case matrix, then every hearing
  defendant ID   one person (ids from "list defendants") across every case
                 they are accused in

Formats: html (one self-contained file, printable), pdf (A4), or csv: one
table, chosen with --table: notes, attendance, checklist or matrix (the
cross-case matrix of defendants and cases). Without --format the format
comes from FILE's extension.
`

const helpDemo = `Adds a made-up mass trial for trying Courtwatch out and for sample
reports: 150 persons (a third with Khmer names), 6 cases before the Phnom
Penh Municipal Court, 20 persons accused in several cases, exiles tried in
absentia, 10 hearings with attendance, notes, events and checklist
answers. Public figures' names are used for illustration; everything
recorded about them is invented. The same seed gives the same data.

It refuses a vault that already holds cases or persons, unless --force.
`

func runReport(c *cli, cmd *command, args []string) error {
	req, err := records.ParseReport(cmd, c.stdout, c.flagSet(cmd), args)
	if err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		return records.WriteReport(c.stdout, v, req, reports.Options{Lang: req.Lang}, notFound)
	})
}

const helpReportCheck = `Checks an HTML or PDF report against this vault. Every report carries
the list of records it rests on (also printed in its appendix "Records
this report rests on"), each with the version shown and its sha256 hash.
The check passes when every listed record is in this vault with that
hash and has not changed since, and when the same report made from this
vault now rests on exactly those records: nothing added, nothing left out.
A record removed from this device after delivery to HQ passes when its
hash is still in this device's chain. Exits 1 when the report does not
match, listing why.

` + records.CheckCSVHelp

func runReportCheck(c *cli, cmd *command, args []string) error {
	name, data, err := records.ReadReport(cmd, c.stdout, c.flagSet(cmd), args, c.stdin) // before asking for the passphrase
	if err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		return records.CheckReportFile(c.stdout, v, name, data, "this vault", "courtwatch history")
	})
}

func runDemo(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	force := fs.Bool("force", false, "add the demo data even though the vault already holds cases or persons")
	seed := fs.Int64("seed", 1, "the `seed` the data is made from")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		var cases, persons int
		err := v.View(func(tx *storage.Tx) error {
			cs, err := tx.Cases()
			if err != nil {
				return err
			}
			ps, err := tx.Persons()
			cases, persons = len(cs), len(ps)
			return err
		})
		if err != nil {
			return err
		}
		if (cases > 0 || persons > 0) && !*force {
			return &hintError{Msg: fmt.Sprintf("the vault already holds %d cases and %d persons", cases, persons),
				Advice: "the demo is for an empty vault: make one with courtwatch --vault NEW-FOLDER init, or add the demo beside your data with --force"}
		}
		s, err := demo.Build(v, *seed)
		if err != nil {
			return err
		}
		n := s.Counts
		_, err = fmt.Fprintf(c.stdout, "added %d persons, %d cases (%d defendants), %d hearings, %d attendance records, %d notes, %d events, %d checklist answers, %d attachment\nfirst case  %s\nfirst hearing  %s\nSam Rainsy  %s\n",
			n.Persons, n.Cases, n.Defendants, n.Hearings, n.Attendance, n.Notes, n.Events, n.Answers, n.Attachments,
			s.Cases[0], s.Hearings[0], s.SamRainsy)
		return err
	})
}
