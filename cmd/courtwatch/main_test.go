package main

import (
	"testing"
	_ "time/tzdata" // scripts set TZ=Asia/Phnom_Penh, also where the system has no zoneinfo

	"courtwatch/cmd/internal/scriptcmd"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the real command: testscript.Main puts a
// "courtwatch" on the scripts' PATH that re-executes this test binary, which
// then calls main, so "exec courtwatch ..." goes through run() and report()
// in a separate process with its own exit status.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"courtwatch": main, "courtwatch-test-hq": testHQ})
}

// TestScript runs testdata/script/*.txtar. Besides testscript's own
// commands, the scripts have:
//
//	capture NAME [REGEXP]
//
// which sets the environment variable NAME from the standard output of the
// previous command, so that later commands can use $NAME. Without REGEXP
// that output must be exactly one line (as the add commands print an id
// alone); with REGEXP, NAME is the first parenthesised group of its first
// match, e.g.
//
//	exec courtwatch case add --tz Asia/Phnom_Penh --title 'CNRP leaders'
//	capture CASE
//	exec courtwatch list defendants --case $CASE --json
//	capture PERSON '"person": "([0-9a-f-]+)"'
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"capture": scriptcmd.Capture},
	})
}
