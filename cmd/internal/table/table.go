// Package table writes the output of the courtwatch commands: aligned text
// tables, and the --json form of stored records.
package table

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"courtwatch/internal/escape"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// metaJSON is what --json output adds to a stored record's own fields.
type metaJSON struct {
	ID      uuid.UUID `json:"id"`
	Version uint64    `json:"version"`
	Saved   time.Time `json:"saved"`
}

// Record is a stored record as --json prints it: id, version and saved
// first, then the record's own fields (its storage JSON), then the fields
// of each extra value. The field names must not collide.
func Record(m *storage.Meta, r any, extra ...any) (json.RawMessage, error) {
	parts := []any{metaJSON{ID: m.ID, Version: m.Version, Saved: m.Saved()}, r}
	var out []byte
	for _, p := range append(parts, extra...) {
		b, err := Marshal(p)
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

// Marshal encodes v as JSON without escaping <, > and &, which notes use.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// PrintJSON writes v indented, as the --json output of a command.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Writer writes aligned columns. Put columns in Khmer script last: the
// alignment counts characters, and Khmer vowel signs take no column.
type Writer struct{ tw *tabwriter.Writer }

// New starts a table on w with the header row.
func New(w io.Writer, header ...string) *Writer {
	t := &Writer{tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.Row(header...)
	return t
}

// Row adds a row; on a nil Writer it does nothing.
func (t *Writer) Row(cells ...string) {
	if t == nil {
		return
	}
	for i, c := range cells {
		cells[i] = Cell(c)
	}
	io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

// Flush writes the table out.
func (t *Writer) Flush() error { return t.tw.Flush() }

// Cell makes s fit on one table line, its control characters escaped
// (package escape); an empty cell shows as "-".
func Cell(s string) string {
	s = escape.String(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return "-"
	}
	return s
}

// LocalTime formats t in the local time zone, or is empty for a zero time.
func LocalTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(time.Local).Format(layout)
}

// Plural says "1 note" or "2 notes".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
