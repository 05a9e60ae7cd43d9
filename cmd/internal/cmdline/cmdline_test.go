package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	tests := []struct {
		err      error
		want     string
		wantCode int
	}{
		{nil, "", 0},
		{errors.New("plain"), "p: plain\n", 1},
		{fmt.Errorf("wrapped: %w", &HintError{Msg: "inner", Lines: []string{"a"}, Advice: "do this"}), "p: wrapped: inner\n  a\np: hint: do this\n", 1},
		{&UsageError{Msg: "bad", Advice: "see: p help"}, "p: bad\np: hint: see: p help\n", 2},
	}
	for _, tt := range tests {
		var b strings.Builder
		if code := Report(&b, "p", tt.err); code != tt.wantCode || b.String() != tt.want {
			t.Errorf("Report(%v) = %d %q, want %d %q", tt.err, code, b.String(), tt.wantCode, tt.want)
		}
	}
}

func TestParseAndLookup(t *testing.T) {
	p := &Program{Name: "p"}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	j := fs.Bool("json", false, "")
	pos, err := Parse(fs, []string{"a", "--json", "b", "--", "-c"})
	if err != nil || !*j || !reflect.DeepEqual(pos, []string{"a", "b", "-c"}) {
		t.Errorf("Parse: %q %v %v", pos, *j, err)
	}
	names := []string{"init", "note add", "note edit"}
	if i, rest, err := p.Lookup(names, []string{"note", "edit", "x"}); i != 2 || len(rest) != 1 || err != nil {
		t.Errorf("Lookup: %d %q %v", i, rest, err)
	}
	if _, _, err := p.Lookup(names, []string{"note"}); err == nil || err.Error() != "note needs a command: note add, note edit" {
		t.Errorf("Lookup note: %v", err)
	}
	if Explained(errors.New("x")) || !Explained(p.CommandUsage("init", "bad")) {
		t.Error("Explained")
	}
}
