package main

import (
	"courtwatch/cmd/internal/records"
	"courtwatch/storage"

	"github.com/google/uuid"
)

const helpList = records.ListKinds + `
With --json the output is a JSON array of the records' fields plus "id",
"version" (1 for the first) and "saved" (when that version was written).
`

func runList(c *cli, cmd *command, args []string) error {
	return records.List(cmd, c.flagSet(cmd), args, c.recordSource())
}

// recordSource is where list, search and history read: this vault.
func (c *cli) recordSource() records.Source {
	return records.Source{
		Printer:  records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch"},
		NotFound: notFound,
		HashHint: "the hash may be of a record on another device: check the report at HQ with courtwatch-hq",
		Open: func(fn func(*storage.Vault, func(uuid.UUID) string) error) error {
			return c.withVault(func(v *storage.Vault) error { return fn(v, nil) })
		},
	}
}
