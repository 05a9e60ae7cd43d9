package main

import (
	"courtwatch/cmd/internal/records"
	"courtwatch/storage"
)

const helpList = `  cases                    every case
  defendants               every person, with the cases they are accused in
  defendants --case ID     the case's defendants: names, status, charges, counsel
  hearings [--case ID]     hearings by date: every case's, or one case's
  notes --hearing ID       a hearing's notes by time

With --json the output is a JSON array of the records' fields plus "id",
"version" (1 for the first) and "saved" (when that version was written).
`

func runList(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	flags := records.AddListFlags(fs)
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	l, list, err := records.NewLister(pos, flags, cmd.UsageError, cmd.ID)
	if err != nil {
		return err
	}
	l.Out, l.NotFound = c.stdout, notFound
	return c.withVault(func(v *storage.Vault) error {
		return v.View(func(tx *storage.Tx) error {
			l.Tx = tx
			return list()
		})
	})
}
