package records

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"courtwatch/cmd/internal/table"
	"courtwatch/internal/escape"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// Printer prints search hits and version histories.
type Printer struct {
	Out  io.Writer
	Err  io.Writer // for "nothing found"
	Prog string    // the program name, for messages on Err
	JSON bool      // print a JSON array instead of text
	// Monitor, if set, names the monitor of a device; the output then
	// names the device and monitor that wrote each record or version.
	Monitor func(device uuid.UUID) string
}

// hitJSON is one search hit in --json output.
type hitJSON struct {
	Type    string    `json:"type"`
	ID      uuid.UUID `json:"id"`
	Hearing uuid.UUID `json:"hearing,omitzero"`
	Snippet string    `json:"snippet"`
}

// hitDeviceJSON is a search hit with the device that wrote its record.
type hitDeviceJSON struct {
	hitJSON
	DeviceJSON
}

// Search prints the hits in v for query, at most limit of them.
func (p *Printer) Search(v *storage.Vault, query string, limit int) error {
	hits, err := v.Search(query, limit)
	if err != nil {
		return err
	}
	out := make([]hitDeviceJSON, 0, len(hits))
	for _, h := range hits {
		j := hitJSON{Type: h.Kind, ID: h.ID, Snippet: h.Snippet}
		switch r := h.Record.(type) {
		case *storage.Note:
			j.Hearing = r.HearingID
		case *storage.Event:
			j.Hearing = r.HearingID
		}
		out = append(out, hitDeviceJSON{hitJSON: j})
	}
	if p.Monitor != nil {
		err = v.View(func(tx *storage.Tx) error {
			for i := range out {
				ver, err := tx.Current(out[i].ID)
				if err != nil {
					return err
				}
				out[i].Device, out[i].Monitor = ver.Device, p.Monitor(ver.Device)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if p.JSON {
		if p.Monitor != nil {
			return table.PrintJSON(p.Out, out)
		}
		plain := make([]hitJSON, len(out))
		for i, h := range out {
			plain[i] = h.hitJSON
		}
		return table.PrintJSON(p.Out, plain)
	}
	if len(out) == 0 {
		_, err := fmt.Fprintf(p.Err, "%s: nothing found for %q\n", p.Prog, query)
		return err
	}
	header := []string{"TYPE", "ID", "HEARING", "SNIPPET"}
	if p.Monitor != nil {
		header = []string{"TYPE", "ID", "HEARING", "DEVICE", "SNIPPET"}
	}
	t := table.New(p.Out, header...)
	for _, h := range out {
		hearing := ""
		if h.Hearing != uuid.Nil {
			hearing = h.Hearing.String()
		}
		if p.Monitor != nil {
			t.Row(h.Type, h.ID.String(), hearing, ShortDevice(h.Device), h.Snippet)
		} else {
			t.Row(h.Type, h.ID.String(), hearing, h.Snippet)
		}
	}
	return t.Flush()
}

// versionJSON is one version in history --json output. Monitor is nil
// when the output does not name monitors.
type versionJSON struct {
	Version uint64          `json:"version"`
	Saved   time.Time       `json:"saved"`
	Device  uuid.UUID       `json:"device"`
	Monitor *string         `json:"monitor,omitempty"`
	Hash    string          `json:"hash"`
	Deleted bool            `json:"deleted"`
	Type    string          `json:"type"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// History prints the versions of the record id, oldest first; vers must
// not be empty.
func (p *Printer) History(id uuid.UUID, vers []*storage.Version) error {
	if p.JSON {
		out := make([]versionJSON, len(vers))
		for i, ver := range vers {
			out[i] = versionJSON{ver.Version, ver.Saved(), ver.Device, nil, ver.Hash, ver.Deleted, ver.Type, ver.Data}
			if p.Monitor != nil {
				name := p.Monitor(ver.Device)
				out[i].Monitor = &name
			}
		}
		return table.PrintJSON(p.Out, out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s\n", vers[0].Type, id, table.Plural(len(vers), "version"))
	for _, ver := range vers {
		fmt.Fprintf(&b, "\nversion %d  saved %s  device %s  hash %s", ver.Version,
			table.LocalTime(ver.Saved(), "2006-01-02 15:04:05 MST"), ver.Device, ver.Hash[:12])
		if p.Monitor != nil {
			if name := p.Monitor(ver.Device); name != "" {
				fmt.Fprintf(&b, "  monitor %s", escape.String(name))
			}
		}
		if ver.Deleted {
			b.WriteString("  deleted\n")
			continue
		}
		fmt.Fprintf(&b, "\n  %s\n", escape.String(string(ver.Data)))
	}
	_, err := fmt.Fprint(p.Out, b.String())
	return err
}

// SearchQuery checks the search command's arguments pos and --limit, and
// returns the query. usage makes the command's usage errors.
func SearchQuery(pos []string, limit int, usage func(format string, a ...any) error) (string, error) {
	query := strings.Join(pos, " ")
	if strings.TrimSpace(query) == "" {
		return "", usage("give the words to look for")
	}
	if limit < 1 {
		return "", usage("--limit must be at least 1")
	}
	return query, nil
}

// HistoryID checks the history command's arguments pos and returns the
// record id. usage makes the command's usage errors; id reads an id.
func HistoryID(pos []string, usage func(format string, a ...any) error,
	id func(what, s string) (uuid.UUID, error)) (uuid.UUID, error) {
	if len(pos) != 1 {
		return uuid.Nil, usage("give one record ID")
	}
	return id("ID", pos[0])
}
