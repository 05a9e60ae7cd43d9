package main

import (
	"courtwatch/cmd/internal/records"
	reports "courtwatch/report"
	"courtwatch/storage"
)

// The report commands; main.go lists them.
var (
	reportCheckCommand = &command{Name: "report check", Args: "FILE", Summary: "check a report file against the HQ vault: every record it rests on, with its hash",
		Run: runReportCheck, Help: helpReportCheck}
	reportCommand = &command{Name: "report", Args: "hearing|case|defendant ID --out FILE [--format html|pdf|csv] [--table T] [--lang en|km]",
		Summary: "write a report across every monitor", Run: runReport, Help: helpReport}
)

const helpReport = `Writes one report of the HQ vault to FILE, across every monitor whose
bundles were imported; records name the device and monitor that observed
them. The same reports as the monitor's "courtwatch report":

  hearing ID     one hearing: attendance, log, fair-trial checklist findings
  case ID        a case: scorecard, timeline, defendants and charges, the
                 cross-case matrix, then every hearing
  defendant ID   one person across every case they are accused in

Formats: html, pdf or csv (--table notes, attendance, checklist or matrix);
without --format it comes from FILE's extension. The report is made in
memory and written only to FILE (through a temporary file beside it).
`

func runReport(c *cli, cmd *command, args []string) error {
	req, err := records.ParseReport(cmd, c.stdout, c.flagSet(cmd), args)
	if err != nil {
		return err
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		mons, err := loadMonitors(dir, v)
		if err != nil {
			return err
		}
		return records.WriteReport(c.stdout, v, req, reports.Options{DeviceNames: mons, Lang: req.Lang}, notFound)
	})
}

const helpReportCheck = `Checks an HTML or PDF report, made here or by a monitor, against the HQ
vault: every record the report lists must be in the vault with the listed
hash and unchanged since, and the same report made from the HQ vault now
must rest on exactly those records. A monitor's report of records that
other monitors also observed rests on more records at HQ, and says so.
Exits 1 when the report does not match, listing why.

` + records.CheckCSVHelp

func runReportCheck(c *cli, cmd *command, args []string) error {
	name, data, err := records.ReadReport(cmd, c.stdout, c.flagSet(cmd), args, c.stdin) // before asking for the passphrase
	if err != nil {
		return err
	}
	return c.withVault(func(_ string, v *storage.Vault) error {
		return records.CheckReportFile(c.stdout, v, name, data, "the HQ vault", "courtwatch-hq history")
	})
}
