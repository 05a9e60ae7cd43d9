package main

import (
	"courtwatch/cmd/internal/table"
	"errors"
	"fmt"

	"courtwatch/cmd/internal/records"
	reports "courtwatch/report"
	"courtwatch/storage"
)

const helpReport = `Writes one report of the HQ vault to FILE, across every monitor whose
bundles were imported; records name the device and monitor that observed
them. The same reports as the monitor's "courtwatch report":

  hearing ID     one hearing: attendance, log, fair-trial checklist findings
  case ID        a case: scorecard, timeline, defendants and charges, the
                 cross-case matrix, then every hearing
  defendant ID   one person across every case they are accused in

Formats: html, pdf or csv (--table notes, attendance, checklist or matrix);
without --format it comes from FILE's extension. --lang km writes html
and pdf in Khmer (English by default); csv is always English. The report is made in
memory and written only to FILE (through a temporary file beside it).
`

func runReport(c *cli, cmd *command, args []string) error {
	if len(args) > 0 && args[0] == "check" {
		return runReportCheck(c, cmd, args[1:])
	}
	fs := c.flagSet(cmd)
	flags := records.AddReportFlags(fs)
	pos, err := c.parse(fs, cmd, args)
	if err != nil {
		return err
	}
	req, err := flags.Request(pos)
	if err != nil {
		return cmd.usageError("%v", err)
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		mons, err := loadMonitors(dir, v)
		if err != nil {
			return err
		}
		data, err := reports.Render(v, req.Subject, req.ID, req.Format, req.Table, reports.Options{DeviceNames: mons, Lang: req.Lang})
		if errors.Is(err, storage.ErrNotFound) {
			return notFound(req.Kind, req.ID, err)
		}
		if err != nil {
			return err
		}
		if err := reports.WriteFile(req.Out, data); err != nil {
			return &hintError{msg: err.Error(), err: err, hint: "check that the folder exists and that you may write there"}
		}
		_, err = fmt.Fprintf(c.stdout, "wrote %s (%s, %d bytes)\n", req.Out, req.Format, len(data))
		return err
	})
}

const helpReportCheck = `Checks an HTML or PDF report, made here or by a monitor, against the HQ
vault: every record the report lists must be in the vault with the listed
hash and unchanged since, and the same report made from the HQ vault now
must rest on exactly those records. A monitor's report of records that
other monitors also observed rests on more records at HQ, and says so.
Exits 1 when the report does not match, listing why.
`

func runReportCheck(c *cli, cmd *command, args []string) error {
	pos, err := c.parse(c.flagSet(cmd), cmd, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.usageError("give one report file, .html or .pdf")
	}
	data, err := c.input(pos[0]) // before asking for the passphrase
	if err != nil {
		return err
	}
	return c.withVault(func(_ string, v *storage.Vault) error {
		problems, err := records.CheckReport(c.stdout, v, data)
		if errors.Is(err, reports.ErrNoManifest) {
			return &hintError{msg: fmt.Sprintf("%s: %v", pos[0], err), err: err, hint: "check an HTML or PDF report that this version of Courtwatch made"}
		}
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintf(c.stdout, "  %s\n", p)
			}
			return &hintError{msg: fmt.Sprintf("%s does not match the HQ vault: %s, listed above", pos[0], table.Plural(len(problems), "problem")),
				hint: "see a record's versions with: courtwatch-hq history ID"}
		}
		return nil
	})
}
