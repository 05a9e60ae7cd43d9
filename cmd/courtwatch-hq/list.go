package main

import (
	"courtwatch/cmd/internal/records"
	"courtwatch/storage"

	"github.com/google/uuid"
)

const helpList = `Lists what the HQ vault holds from every device, as the monitor's
"courtwatch list" does on one device:

` + records.ListKinds + `
The DEVICE column names the device that wrote each record's current
version by the end of its id; a legend below the table gives the whole id
and the monitor the device is enrolled for. With --json the output is a
JSON array of the records' fields plus "id", "version" (1 for the first),
"saved" (when that version was written), "device" and "monitor".
`

func runList(c *cli, cmd *command, args []string) error {
	return records.List(cmd, c.flagSet(cmd), args, c.recordSource())
}

// recordSource is where list, search and history read: the HQ vault,
// naming the monitor of each device.
func (c *cli) recordSource() records.Source {
	return records.Source{
		Printer:  records.Printer{Out: c.stdout, Err: c.stderr, Prog: "courtwatch-hq"},
		NotFound: notFound,
		Open: func(fn func(*storage.Vault, func(uuid.UUID) string) error) error {
			return c.withVault(func(dir string, v *storage.Vault) error {
				mons, err := loadMonitors(dir, v)
				if err != nil {
					return err
				}
				return fn(v, mons.name)
			})
		},
	}
}
