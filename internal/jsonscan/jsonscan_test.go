package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, true},
		{` "ចៅក្រម" `, true},
		{`{"a":1,}`, false},
		{`[01]`, false},
		{`"\x"`, false},
		{"\"a\tb\"", false},
		{`tru`, false},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), true},
		{strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2), false}, // valid, but deeper than Value follows
	} {
		if got := valid([]byte(tt.in)); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.in, got, tt.want)
		}
	}
}

// valid reports whether b is one JSON value, as Scanner reads it.
func valid(b []byte) bool {
	s := Scanner{B: b}
	s.Space()
	return s.Value(0) && s.End()
}

// Scanner accepts what encoding/json accepts, except values nested deeper
// than MaxDepth, which it declines.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, `"\ud800"`, "\"\xff\"", `1e`, `-0.0E-0`, `{"a" : { } }`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := valid(b), json.Valid(b)
		if got && !want {
			t.Fatalf("accepted %q, which encoding/json rejects", b)
		}
		if want && !got && strings.Count(string(b), "[")+strings.Count(string(b), "{") <= MaxDepth {
			t.Fatalf("declined %q, which encoding/json accepts", b)
		}
	})
}

// String decodes what it accepts as encoding/json does, and declines only
// invalid strings, invalid UTF-8 and escaped surrogates.
func FuzzString(f *testing.F) {
	for _, s := range []string{`"plain"`, `"ចៅក្រម \"q\" \\ \/ \b\f\n\r\t \u00e9\u2028\u003c"`, `"\ud83d\ude00"`, "\"\xff\"", `"a`, `"\u12"`, `"\q"`, "\"\x01\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := Scanner{B: b}
		s.Space()
		got, ok := s.String()
		var want string
		err := json.Unmarshal(b, &want)
		if !ok {
			if err == nil && utf8.Valid(b) && !strings.Contains(string(b), `\u`) {
				t.Fatalf("declined %q, which encoding/json decodes", b)
			}
			return
		}
		if !s.End() {
			return // a string, then more: json.Unmarshal's answer is for all of b
		}
		if err != nil {
			t.Fatalf("accepted %q, which encoding/json rejects: %v", b, err)
		}
		if got != want {
			t.Fatalf("%q: %q, encoding/json %q", b, got, want)
		}
	})
}
