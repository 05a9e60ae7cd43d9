package main

import (
	"courtwatch/cmd/internal/records"
	"courtwatch/storage"
	"errors"
)

const helpSearch = `Finds notes, persons (names and aliases), cases, events and attachments
containing every word of QUERY, newest first. Latin words match the start of
words, ignoring case and accents (sochua finds Sochua); Khmer matches
anywhere in Khmer text.
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
	return c.withVault(func(v *storage.Vault) error {
		p := &records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch", JSON: *jsonOut}
		return p.Search(v, query, *limit)
	})
}

func runHistory(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	hash := fs.String("hash", "", "find the record with a version of this sha256 `hash` (as a report lists it; at least its first 12 hex digits)")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	if *hash != "" {
		if len(pos) > 0 {
			return cmd.UsageError("give an ID or --hash, not both")
		}
		return c.withVault(func(v *storage.Vault) error {
			p := &records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch", JSON: *jsonOut}
			err := p.FindHash(v, *hash)
			if errors.Is(err, storage.ErrNotFound) {
				return &hintError{Msg: err.Error(), Err: err, Advice: "the hash may be of a record on another device: check the report at HQ with courtwatch-hq"}
			}
			return err
		})
	}
	id, err := records.HistoryID(pos, cmd.UsageError, cmd.ID)
	if err != nil {
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		p := &records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch", JSON: *jsonOut}
		vers, err := v.History(id)
		if err != nil {
			return notFound("record", id, err)
		}
		return p.History(id, vers)
	})
}
