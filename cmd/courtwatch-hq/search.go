package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
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

// hitJSON is one search hit in --json output.
type hitJSON struct {
	Type    string    `json:"type"`
	ID      uuid.UUID `json:"id"`
	Hearing uuid.UUID `json:"hearing,omitzero"`
	Snippet string    `json:"snippet"`
	deviceJSON
}

func runSearch(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	limit := fs.Int("limit", 50, "show at most `N` hits")
	pos, err := c.parse(fs, cmd, args)
	if err != nil {
		return err
	}
	query := strings.Join(pos, " ")
	if strings.TrimSpace(query) == "" {
		return cmd.usageError("give the words to look for")
	}
	if *limit < 1 {
		return cmd.usageError("--limit must be at least 1")
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		mons, err := loadMonitors(dir, v)
		if err != nil {
			return err
		}
		hits, err := v.Search(query, *limit)
		if err != nil {
			return err
		}
		out := make([]hitJSON, 0, len(hits))
		for _, h := range hits {
			j := hitJSON{Type: h.Kind, ID: h.ID, Snippet: h.Snippet}
			switch r := h.Record.(type) {
			case *storage.Note:
				j.Hearing = r.HearingID
			case *storage.Event:
				j.Hearing = r.HearingID
			}
			out = append(out, j)
		}
		err = v.View(func(tx *storage.Tx) error {
			for i := range out {
				ver, err := tx.Current(out[i].ID)
				if err != nil {
					return err
				}
				out[i].Device, out[i].Monitor = ver.Device, mons.name(ver.Device)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if *jsonOut {
			return printJSON(c.stdout, out)
		}
		if len(out) == 0 {
			_, err := fmt.Fprintf(c.stderr, "courtwatch-hq: nothing found for %q\n", query)
			return err
		}
		t := newTable(c.stdout, "TYPE", "ID", "HEARING", "DEVICE", "SNIPPET")
		for _, h := range out {
			hearing := ""
			if h.Hearing != uuid.Nil {
				hearing = h.Hearing.String()
			}
			t.row(h.Type, h.ID.String(), hearing, shortDevice(h.Device), h.Snippet)
		}
		return t.flush()
	})
}

// versionJSON is one version in history --json output.
type versionJSON struct {
	Version uint64          `json:"version"`
	Saved   time.Time       `json:"saved"`
	Device  uuid.UUID       `json:"device"`
	Monitor string          `json:"monitor"`
	Hash    string          `json:"hash"`
	Deleted bool            `json:"deleted"`
	Type    string          `json:"type"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func runHistory(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	jsonOut := fs.Bool("json", false, "print a JSON array")
	pos, err := c.parse(fs, cmd, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.usageError("give one record ID")
	}
	id, err := cmd.id("ID", pos[0])
	if err != nil {
		return err
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		mons, err := loadMonitors(dir, v)
		if err != nil {
			return err
		}
		vers, err := v.History(id)
		if err != nil {
			return notFound("record", id, err)
		}
		if *jsonOut {
			out := make([]versionJSON, len(vers))
			for i, ver := range vers {
				out[i] = versionJSON{ver.Version, ver.Saved(), ver.Device, mons.name(ver.Device), ver.Hash, ver.Deleted, ver.Type, ver.Data}
			}
			return printJSON(c.stdout, out)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s: %s\n", vers[0].Type, id, plural(len(vers), "version"))
		for _, ver := range vers {
			fmt.Fprintf(&b, "\nversion %d  saved %s  device %s  hash %s", ver.Version,
				localTime(ver.Saved(), "2006-01-02 15:04:05 MST"), ver.Device, ver.Hash[:12])
			if name := mons.name(ver.Device); name != "" {
				fmt.Fprintf(&b, "  monitor %s", name)
			}
			if ver.Deleted {
				b.WriteString("  deleted\n")
				continue
			}
			fmt.Fprintf(&b, "\n  %s\n", ver.Data)
		}
		_, err = fmt.Fprint(c.stdout, b.String())
		return err
	})
}
