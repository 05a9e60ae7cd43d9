package main

import (
	"courtwatch/cmd/internal/records"
	"courtwatch/storage"
)

const helpSearch = `Finds notes, persons (names and aliases), cases, events and attachments
from every device containing every word of QUERY, newest first. Latin
words match the start of words, ignoring case and accents (sochua finds
Sochua); Khmer matches anywhere in Khmer text.
`

const helpHistory = `Prints every version of a record that the HQ vault holds, oldest first,
with the device and monitor that wrote each: an edit made on a monitor's
device arrives as a new version, and the old ones stay.
`

func runSearch(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	limit := fs.Int("limit", 50, "show at most `N` hits")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	query, err := records.SearchQuery(pos, *limit, cmd.UsageError)
	if err != nil {
		return err
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		mons, err := loadMonitors(dir, v)
		if err != nil {
			return err
		}
		p := &records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch-hq", JSON: *jsonOut}
		p.Monitor = mons.name
		return p.Search(v, query, *limit)
	})
}

func runHistory(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	id, err := records.HistoryID(pos, cmd.UsageError, cmd.ID)
	if err != nil {
		return err
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		mons, err := loadMonitors(dir, v)
		if err != nil {
			return err
		}
		p := &records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch-hq", JSON: *jsonOut}
		p.Monitor = mons.name
		vers, err := v.History(id)
		if err != nil {
			return notFound("record", id, err)
		}
		return p.History(id, vers)
	})
}
