package main

import (
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
without --format it comes from FILE's extension. The report is made in
memory and written only to FILE (through a temporary file beside it).
`

func runReport(c *cli, cmd *command, args []string) error {
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
		data, err := reports.Render(v, req.Subject, req.ID, req.Format, req.Table, reports.Options{DeviceNames: mons})
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
