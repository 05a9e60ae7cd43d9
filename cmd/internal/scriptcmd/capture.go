// Package scriptcmd holds the testscript commands that the script tests of
// the courtwatch commands share.
package scriptcmd

import (
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// Capture is the script command
//
//	capture NAME [REGEXP]
//
// which sets the environment variable NAME from the standard output of the
// previous command, so that later commands can use $NAME. Without REGEXP
// that output must be exactly one line (as the add commands print an id
// alone); with REGEXP, NAME is the first parenthesised group of its first
// match.
func Capture(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! capture")
	}
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: capture NAME [REGEXP]")
	}
	out := ts.ReadFile("stdout")
	if len(args) == 1 {
		v := strings.TrimSuffix(out, "\n")
		if v == "" || strings.Contains(v, "\n") {
			ts.Fatalf("capture %s: want one line of output, got %q", args[0], out)
		}
		ts.Setenv(args[0], v)
		return
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(out)
	if len(m) < 2 {
		ts.Fatalf("capture %s: no match for %s in %q", args[0], args[1], out)
	}
	ts.Setenv(args[0], m[1])
}
