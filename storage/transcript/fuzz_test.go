package transcript

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// holds: at least one note, each with text, in file order, times never going
// backwards; and that whatever it rejects comes back as an *Error with line
// numbers and no notes.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"09:02 Judge enters\n09:05:30 - Prosecutor reads charges\nDefence objects\n",
		"\ufeff09:00 First\r\n\r\n09:01 Second\r\nThird",
		"10:05 a\nb\n10:05 c\n",
		"09:15 កឹម សុខា ត្រូវបាននាំចូល\n០៩:២០ ចៅក្រមចូល\nមេធាវីជំទាស់\n",
		`{"time":"09:10","text":"Recess","tags":["procedure"],"source":"seen"}` + "\n" + `{"text":"told","source":"reported"}`,
		`{"time":"2024-05-02T09:15:00+07:00","text":"x"}` + "\n" + `{"time":"2024-05-01T09:15:00Z","text":"y"}`,
		"25:61 bad\n10:30am bad\n10:00 a\n09:00 b\n09:00\n",
		"{\"text\": 5}\n{\"txt\":\"x\"}\n{\n{\"text\":\"x\"} trailing\n",
		"caf\xe9\n",
		"\u200b\n \t\n",
		"1:2 3:45:6 12:00:\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := Parse(bytes.NewReader(data), day, ict)
		if err != nil {
			if lines != nil {
				t.Fatalf("%d lines returned with error %v", len(lines), err)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if len(perr.Problems) == 0 || len(perr.Problems) > maxProblems {
				t.Fatalf("%d problems", len(perr.Problems))
			}
			prev := 0
			for _, p := range perr.Problems {
				if p.Line < 0 || (p.Line > 0 && p.Line <= prev) {
					t.Fatalf("problem line %d after line %d", p.Line, prev)
				}
				if p.Line > 0 {
					prev = p.Line
				}
				if !utf8.ValidString(p.Reason) {
					t.Fatalf("problem %q is not valid UTF-8", p.Reason)
				}
			}
			return
		}
		if len(lines) == 0 {
			t.Fatal("no lines and no error")
		}
		for i, l := range lines {
			if strings.TrimSpace(l.Text) == "" || !utf8.ValidString(l.Text) {
				t.Fatalf("line %d: text %q", l.Line, l.Text)
			}
			if l.Time.IsZero() {
				t.Fatalf("line %d: zero time", l.Line)
			}
			if i > 0 {
				p := lines[i-1]
				if l.Line <= p.Line {
					t.Fatalf("line %d after line %d", l.Line, p.Line)
				}
				if l.Time.Before(p.Time) {
					t.Fatalf("line %d at %v is before line %d at %v", l.Line, l.Time, p.Line, p.Time)
				}
			}
		}
	})
}
