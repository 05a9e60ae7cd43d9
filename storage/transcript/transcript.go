package transcript

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"courtwatch/internal/problems"
)

const (
	// MaxLineBytes is the longest line Parse accepts, in bytes.
	MaxLineBytes = 64 << 10
	// MaxLines is the most lines a transcript may have, blank ones included.
	MaxLines = 100_000

	// maxProblems caps the problems collected before Parse gives up.
	maxProblems = 100
)

// Line is one note of a transcript.
type Line struct {
	Line    int       // line of the file, from 1
	Time    time.Time // when it happened; see the package doc for untimed lines
	HasTime bool      // the line gave a time (else Time follows the line before)
	Text    string    // never empty
	Tags    []string  // JSON lines only
	Source  string    // "", "seen" or "reported"; JSON lines only
}

// LineError is one problem at one line. Line is 0 for problems with the
// file as a whole.
type LineError struct {
	Line   int
	Reason string
}

func (e LineError) Error() string {
	if e.Line <= 0 {
		return e.Reason
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// Error is returned by Parse when the transcript is not usable. It lists
// every problem found, in file order, up to 100 of them.
type Error struct {
	Problems  []LineError
	Truncated bool // Parse stopped after 100 problems
}

func (e *Error) Error() string {
	return problems.Summary(e.Problems, e.Truncated, maxProblems, "transcript is not usable")
}

type parser struct {
	year     int
	month    time.Month
	day      int
	loc      *time.Location
	lines    []Line
	problems []LineError
	full     bool // maxProblems reached

	any        bool      // a note was read
	last       time.Time // time of the last note
	stated     time.Time // latest time written on a line
	statedLine int       // the line it was written on (0: none yet)
}

// Parse reads a transcript (see the package documentation for the format)
// whose notes happened on the date of day in location loc (nil: day's own
// location). It returns every note in file order, or nil and an *Error
// listing every problem found. A failure to read r is returned as is.
func Parse(r io.Reader, day time.Time, loc *time.Location) ([]Line, error) {
	if loc == nil {
		loc = day.Location()
	}
	p := &parser{loc: loc}
	p.year, p.month, p.day = day.In(loc).Date()

	br := bufio.NewReader(r)
	n := 0
	for !p.full {
		raw, tooLong, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read transcript: %w", err)
		}
		n++
		if n > MaxLines {
			p.add(0, fmt.Sprintf("the transcript has more than %d lines; split it into smaller files", MaxLines))
			break
		}
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
		}
		if tooLong {
			p.add(n, fmt.Sprintf("the line is longer than %d KiB; split it into several notes", MaxLineBytes>>10))
			continue
		}
		p.parseLine(n, raw)
	}
	if len(p.problems) == 0 && len(p.lines) == 0 {
		p.add(0, "the transcript has no notes: every line is blank")
	}
	if len(p.problems) > 0 {
		return nil, &Error{Problems: p.problems, Truncated: p.full}
	}
	return p.lines, nil
}

// readLine returns the next line without its line ending. It reads a line
// of any length but keeps at most MaxLineBytes of it, reporting tooLong.
// At the end of input it returns io.EOF and no line.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) <= MaxLineBytes+2 { // +2: room for "\r\n"
			buf = append(buf, chunk...)
		} else {
			tooLong = true
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			if len(buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
		case err != nil:
			return nil, false, err
		}
		break
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	if len(buf) > MaxLineBytes {
		tooLong = true
	}
	return buf, tooLong, nil
}

func (p *parser) add(line int, reason string) {
	if len(p.problems) == maxProblems {
		p.full = true
		return
	}
	p.problems = append(p.problems, LineError{Line: line, Reason: reason})
}

// trim removes white space and invisible characters (zero-width spaces and
// joiners, stray byte order marks) from both ends of s.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return true
		}
		return unicode.IsSpace(r)
	})
}

func (p *parser) parseLine(n int, raw []byte) {
	if !utf8.Valid(raw) {
		p.add(n, "the line is not valid UTF-8 text; save the file as UTF-8")
		return
	}
	s := trim(string(raw))
	if s == "" {
		return
	}
	var (
		l   Line
		err error
	)
	if s[0] == '{' {
		l, err = p.parseJSON(s)
	} else {
		l, err = p.parsePlain(s)
	}
	if err != nil {
		p.add(n, err.Error())
		return
	}
	l.Line = n
	if err := p.place(&l); err != nil {
		p.add(n, err.Error())
		return
	}
	p.lines = append(p.lines, l)
}

// place fills in the time of an untimed line and keeps times from going
// backwards; see "Order" in the package doc.
func (p *parser) place(l *Line) error {
	switch {
	case !l.HasTime && !p.any:
		l.Time = time.Date(p.year, p.month, p.day, 0, 0, 0, 0, p.loc)
	case !l.HasTime:
		l.Time = p.last.Add(time.Second)
	case p.statedLine > 0 && l.Time.Before(p.stated):
		return fmt.Errorf("%s is earlier than %s on line %d; times must not go backwards (fix the time, or leave it out to keep the note after the line before)",
			p.clock(l.Time), p.clock(p.stated), p.statedLine)
	default:
		p.stated, p.statedLine = l.Time, l.Line
		if p.any && l.Time.Before(p.last) {
			l.Time = p.last.Add(time.Second)
		}
	}
	p.any, p.last = true, l.Time
	return nil
}

// clock formats t for a message: the time of day, or the full time if it is
// on another day than the transcript's.
func (p *parser) clock(t time.Time) string {
	t = t.In(p.loc)
	if y, m, d := t.Date(); y != p.year || m != p.month || d != p.day {
		return t.Format(time.RFC3339)
	}
	if t.Second() == 0 {
		return t.Format("15:04")
	}
	return t.Format("15:04:05")
}

// at is h:m:s on the transcript's day.
func (p *parser) at(h, m, s int) time.Time {
	return time.Date(p.year, p.month, p.day, h, m, s, 0, p.loc)
}
