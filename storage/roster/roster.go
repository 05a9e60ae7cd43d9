package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// MaxRows is the largest number of defendant rows a roster may have.
	MaxRows = 10000
	// MaxFieldBytes is the largest size of one field, in bytes.
	MaxFieldBytes = 1 << 20

	// maxProblems caps the problems collected before Parse gives up.
	maxProblems = 100
	// maxRecordBytes bounds the raw bytes of one record (every field at its
	// maximum size, each made only of doubled quotes, plus separators and
	// slack for read-ahead), so that a missing closing quote cannot make
	// Parse buffer an arbitrarily large file.
	maxRecordBytes = 7*(2*MaxFieldBytes+3) + 64<<10
)

// Columns lists the known column names in canonical order.
var Columns = []string{"name", "name_local", "aliases", "status", "status_reason", "charges", "counsel"}

// Statuses lists the valid values of the status column ("" means unknown).
var statuses = []string{"detained", "bail", "at_liberty", "in_absentia"}

// Charge is one charge: a Criminal Code article and an optional label.
type Charge struct {
	Article string // e.g. "453", "494-495", "453(1)", "27bis"
	Label   string // e.g. "Plotting"; may be empty
}

// Row is one defendant of the roster.
type Row struct {
	Line         int    // line of the file where the row starts
	Name         string // Latin script
	NameLocal    string // local script, e.g. Khmer
	Aliases      []string
	Status       string // "", "detained", "bail", "at_liberty", "in_absentia"
	StatusReason string
	Charges      []Charge
	Counsel      string
}

var errRecordTooLarge = errors.New("record too large")

// limitReader fails once more than maxPastBase bytes were read past base, the
// end of the last complete record.
type limitReader struct {
	r           io.Reader
	n, base     int64
	maxPastBase int64
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.n-l.base > l.maxPastBase {
		return 0, errRecordTooLarge
	}
	n, err := l.r.Read(b)
	l.n += int64(n)
	return n, err
}

type parser struct {
	cr        *csv.Reader
	lim       *limitReader
	bom       int64
	col       map[string]int // column name -> field index
	problems  []RowError
	truncated bool
	seen      map[string]int // Key of a name -> line of its first row
	lastEnd   int            // last line of the last record read
}

// Parse reads a roster CSV file (see the package documentation for the
// format). It returns either every row, in file order, or nil and an *Error
// listing every problem found (up to 100).
func Parse(r io.Reader) ([]Row, error) {
	lim := &limitReader{r: r, maxPastBase: maxRecordBytes}
	br := bufio.NewReader(lim)
	p := &parser{lim: lim, seen: map[string]int{}}
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
		p.bom = 3
	}
	p.cr = csv.NewReader(br)
	p.cr.FieldsPerRecord = -1 // set from the header below
	p.cr.LazyQuotes = false

	header, err := p.cr.Read()
	if err == io.EOF {
		p.add(0, "", "roster is empty: the first line must be a header such as name,name_local,status,charges")
		return nil, p.err()
	}
	if err != nil {
		p.readError(err)
		return nil, p.err()
	}
	p.parseHeader(header)
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	p.cr.FieldsPerRecord = len(header)

	var rows []Row
	n := 0
	for !p.truncated {
		p.lim.base = p.bom + p.cr.InputOffset()
		rec, err := p.cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		countErr := errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)
		if err != nil && !countErr {
			if !p.readError(err) {
				break
			}
			continue
		}
		p.lastEnd = p.endLine(rec)
		if blank(rec) {
			continue // e.g. ",,,,," lines left by spreadsheets
		}
		line, _ := p.cr.FieldPos(0)
		if n++; n > MaxRows {
			p.add(line, "", fmt.Sprintf("roster has more than %d rows; split it into several files of at most %d rows each", MaxRows, MaxRows))
			break
		}
		if countErr {
			p.add(line, "", fmt.Sprintf("row has %d values but the header has %d columns; check for missing or extra commas, and put any value that contains a comma in double quotes", len(rec), len(header)))
			continue
		}
		if row, ok := p.parseRow(rec, line); ok {
			rows = append(rows, row)
		}
	}
	if n == 0 && len(p.problems) == 0 {
		p.add(0, "", "roster has no rows: add one line per defendant below the header line")
	}
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	return rows, nil
}

func (p *parser) err() error {
	return &Error{Problems: p.problems, truncated: p.truncated}
}

func (p *parser) add(line int, column, reason string) {
	if len(p.problems) >= maxProblems {
		p.truncated = true
		return
	}
	p.problems = append(p.problems, RowError{Line: line, Column: column, Reason: reason})
}

// readError records a read error and reports whether reading can go on.
func (p *parser) readError(err error) bool {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		p.lastEnd = pe.Line
		at := ""
		if pe.Line != pe.StartLine {
			at = fmt.Sprintf(" (problem found at line %d)", pe.Line)
		}
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			p.add(pe.StartLine, "", `a double quote (") appears inside a value that does not start with one`+at+`; put the whole value in double quotes and double every quote inside it, e.g. "Sok ""Tiger"" Chea"`)
		case errors.Is(pe.Err, csv.ErrQuote):
			p.add(pe.StartLine, "", `a quoted value is not closed correctly`+at+`; a value that starts with " must end with " just before the next comma or the end of the line, and every " inside it must be doubled ("")`)
		default:
			p.add(pe.StartLine, "", pe.Err.Error())
		}
		return !p.truncated
	case errors.Is(err, errRecordTooLarge):
		p.add(p.lastEnd+1, "", fmt.Sprintf("the row starting at or after this line is larger than %d MiB, but a value may be at most 1 MiB; check for a missing closing double quote", maxRecordBytes>>20))
	default:
		p.add(0, "", "could not read the roster: "+err.Error())
	}
	return false
}

// endLine returns the last line of rec, the record just read.
func (p *parser) endLine(rec []string) int {
	if len(rec) == 0 {
		return p.lastEnd
	}
	l, _ := p.cr.FieldPos(len(rec) - 1)
	return l + strings.Count(rec[len(rec)-1], "\n")
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// checkField checks the size and encoding of field i of the current record.
func (p *parser) checkField(f string, i int, column string) bool {
	line, _ := p.cr.FieldPos(0)
	if len(f) > MaxFieldBytes {
		p.add(line, column, fmt.Sprintf("value is %.1f MiB but may be at most 1 MiB; shorten it", float64(len(f))/(1<<20)))
		return false
	}
	if bad := invalidUTF8(f); bad >= 0 {
		fl, _ := p.cr.FieldPos(i)
		at := ""
		if l := fl + strings.Count(f[:bad], "\n"); l != line {
			at = fmt.Sprintf(" (at line %d)", l)
		}
		p.add(line, column, "text is not valid UTF-8"+at+`; save the file with UTF-8 encoding (Excel: "CSV UTF-8 (Comma delimited)"; LibreOffice: character set "Unicode (UTF-8)")`)
		return false
	}
	return true
}

// invalidUTF8 returns the index of the first invalid UTF-8 byte of s, or -1.
func invalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

func (p *parser) parseHeader(h []string) {
	line, _ := p.cr.FieldPos(0)
	known := "the known columns are " + strings.Join(Columns, ", ") + " (in any order, upper or lower case)"
	p.col = map[string]int{}
	var unknown, unknownLower, empty []string
	for i, raw := range h {
		if !p.checkField(raw, i, "") {
			continue
		}
		trimmed := strings.TrimSpace(raw)
		name := strings.ToLower(trimmed)
		switch j, dup := p.col[name]; {
		case name == "":
			empty = append(empty, strconv.Itoa(i+1))
		case !isKnown(name):
			if !contains(unknownLower, name) {
				unknown = append(unknown, strconv.Quote(trimmed))
				unknownLower = append(unknownLower, name)
			}
		case dup:
			p.add(line, name, fmt.Sprintf("column %q appears more than once (columns %d and %d); keep only one", name, j+1, i+1))
		default:
			p.col[name] = i
		}
	}
	if len(unknown) > 0 {
		p.add(line, "", fmt.Sprintf("unknown column(s) %s; rename or remove them (the first line must be the header naming the columns); %s", strings.Join(unknown, ", "), known))
	}
	if len(empty) > 0 {
		p.add(line, "", fmt.Sprintf("header column(s) %s have no name; remove the extra comma(s) or name the column(s); %s", strings.Join(empty, ", "), known))
	}
	_, hasName := p.col["name"]
	_, hasLocal := p.col["name_local"]
	if !hasName && !hasLocal {
		p.add(line, "", "the header has neither a name nor a name_local column; add at least one of them (name for the name in Latin script, name_local for the name in local script such as Khmer)")
	}
}

func isKnown(name string) bool { return contains(Columns, name) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// parseRow converts one record; ok is false if it had any problem.
func (p *parser) parseRow(rec []string, line int) (row Row, ok bool) {
	before := len(p.problems)
	valid := true
	get := func(column string) string {
		i, present := p.col[column]
		if !present {
			return ""
		}
		if !p.checkField(rec[i], i, column) {
			valid = false
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	row = Row{Line: line}
	row.Name = norm.NFC.String(get("name"))
	row.NameLocal = norm.NFC.String(get("name_local"))
	namesValid := valid
	row.Aliases = splitList(get("aliases"))
	for i, a := range row.Aliases {
		row.Aliases[i] = norm.NFC.String(a)
	}
	status := get("status")
	row.Status = strings.Join(strings.Fields(strings.ToLower(status)), "_")
	if row.Status != "" && !contains(statuses, row.Status) {
		p.add(line, "status", fmt.Sprintf("%q is not one of %s (a space may replace the underscore; leave the value empty if the status is unknown)", status, strings.Join(statuses, ", ")))
	}
	row.StatusReason = get("status_reason")
	for _, entry := range splitList(get("charges")) {
		article, label := entry, ""
		if i := strings.IndexFunc(entry, unicode.IsSpace); i >= 0 {
			article, label = entry[:i], strings.TrimSpace(entry[i:])
		}
		if article[0] < '0' || article[0] > '9' {
			p.add(line, "charges", fmt.Sprintf(`%q has no article number; write each charge as a Criminal Code article number (digits 0-9 first) followed by an optional label, separated by ";", e.g. "453 Plotting;494 Incitement"`, entry))
			continue
		}
		row.Charges = append(row.Charges, Charge{Article: article, Label: label})
	}
	row.Counsel = get("counsel")

	if namesValid {
		p.checkNames(&row)
	}
	return row, len(p.problems) == before
}

// checkNames reports a row without any name and a row repeating an earlier
// one, and remembers the row's names.
func (p *parser) checkNames(row *Row) {
	type name struct{ column, value, key string }
	names := []name{{"name", row.Name, Key(row.Name)}, {"name_local", row.NameLocal, Key(row.NameLocal)}}
	if names[0].key == "" && names[1].key == "" {
		column := "name"
		if _, ok := p.col["name"]; !ok {
			column = "name_local"
		}
		p.add(row.Line, column, "the row has no name; fill in the name (Latin script) or name_local (local script such as Khmer) column, or both")
		return
	}
	for _, n := range names {
		if first, dup := p.seen[n.key]; dup && n.key != "" && first != row.Line {
			p.add(row.Line, n.column, fmt.Sprintf("repeats line %d: %q is the same name once case, spacing and invisible characters are ignored; merge the two rows, or make the names distinguishable if they are different people", first, n.value))
			return
		}
	}
	for _, n := range names {
		if _, dup := p.seen[n.key]; !dup && n.key != "" {
			p.seen[n.key] = row.Line
		}
	}
}

// splitList splits a ";"-separated list, trimming entries and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
