package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// This file follows cmd/courtwatch/output.go, so that the HQ's lists read
// like the monitor's.

// metaJSON is what --json output adds to a stored record's own fields.
type metaJSON struct {
	ID      uuid.UUID `json:"id"`
	Version uint64    `json:"version"`
	Saved   time.Time `json:"saved"`
}

// deviceJSON names the device that wrote a record's current version.
type deviceJSON struct {
	Device  uuid.UUID `json:"device"`
	Monitor string    `json:"monitor"`
}

// recordJSON is a stored record as --json prints it: id, version and saved
// first, then the record's own fields (its storage JSON), then the fields
// of each extra value. The field names must not collide.
func recordJSON(m *storage.Meta, r any, extra ...any) (json.RawMessage, error) {
	parts := []any{metaJSON{ID: m.ID, Version: m.Version, Saved: m.Saved()}, r}
	var out []byte
	for _, p := range append(parts, extra...) {
		b, err := marshal(p)
		if err != nil {
			return nil, err
		}
		inner := bytes.TrimSpace(b[1 : len(b)-1]) // an object's fields
		if len(inner) == 0 {
			continue
		}
		if out == nil {
			out = append([]byte("{"), inner...)
		} else {
			out = append(append(out, ','), inner...)
		}
	}
	return append(out, '}'), nil
}

// marshal encodes v as JSON without escaping <, > and &, which notes use.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// printJSON writes v indented, as the --json output of a command.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table writes aligned columns. Put columns in Khmer script last: the
// alignment counts characters, and Khmer vowel signs take no column.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, header ...string) *table {
	t := &table{tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.row(header...)
	return t
}

// row adds a row; on a nil table it does nothing.
func (t *table) row(cells ...string) {
	if t == nil {
		return
	}
	for i, c := range cells {
		cells[i] = cell(c)
	}
	io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

func (t *table) flush() error { return t.tw.Flush() }

// cell makes s fit on one table line; an empty cell shows as "-".
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return s
}

// shortDevice is the column that names a device in a table: the last 8
// hex digits of its id (the first ones are a timestamp, shared by devices
// made in the same minute). The list's legend maps it to the monitor.
func shortDevice(id uuid.UUID) string {
	s := id.String()
	return s[len(s)-8:]
}

// caseLabel names a case in a table: its number, else its title.
func caseLabel(k *storage.Case) string {
	if k.Number != "" {
		return k.Number
	}
	return k.Title
}

func localTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(time.Local).Format(layout)
}

// plural says "1 note" or "2 notes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
