package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // the script sets TZ=Asia/Phnom_Penh, also where the system has no zoneinfo

	"courtwatch/cmd/internal/scriptcmd"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestE2E runs testdata/script/e2e.txtar, the whole way from a monitor's
// notes to HQ's lists, with the real monitor program: it builds
// cmd/courtwatch (headless, -tags ci) and puts it on the script's PATH
// next to courtwatch-hq. TestScript runs the same file without it and
// skips it there. Besides TestScript's commands the script has
//
//	samelist MONITOR.json HQ.json
//
// which checks that two --json lists hold the same records in the same
// order, HQ's with the fields "device" and "monitor" added.
func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the monitor program")
	}
	bin := t.TempDir()
	buildProgram(t, bin, "courtwatch")
	testscript.Run(t, testscript.Params{
		Files: []string{"testdata/script/e2e.txtar", "testdata/script/readme.txtar"},
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("MONITOR_PROGRAM", filepath.Join(bin, "courtwatch"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture": scriptcmd.Capture, "waitserve": scriptcmd.WaitServe, "samelist": samelist,
		},
	})
}

func samelist(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: samelist MONITOR.json HQ.json")
	}
	var monitor, hq []map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &monitor))
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &hq))
	if len(monitor) == 0 {
		ts.Fatalf("%s lists nothing", args[0])
	}
	if len(hq) != len(monitor) {
		ts.Fatalf("HQ lists %d records, the monitor %d", len(hq), len(monitor))
	}
	for i := range hq {
		for _, f := range []string{"device", "monitor"} {
			if _, ok := hq[i][f]; !ok {
				ts.Fatalf("HQ's record %d has no %q", i+1, f)
			}
			delete(hq[i], f)
		}
		if !reflect.DeepEqual(hq[i], monitor[i]) {
			a, _ := json.Marshal(monitor[i])
			b, _ := json.Marshal(hq[i])
			ts.Fatalf("record %d differs:\nmonitor %s\nHQ      %s", i+1, a, b)
		}
	}
	ts.Logf("%d records alike in %s", len(hq), strings.Join(slices.Sorted(maps.Keys(monitor[0])), ", "))
}

// TestREADME: readme.txtar runs README's delivery walk-through exactly as
// README prints it. Each command of the block after the "readme.txtar"
// marker must be an exec line of the script, with $PORT for 8443, $CASE
// and $HEARING for CASE-ID and HEARING-ID, single quotes for double ones
// and &serve& for a trailing &, in the same order.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- readme.txtar")
	if !ok {
		t.Fatal("README.md has no <!-- readme.txtar --> block")
	}
	_, block, _ = strings.Cut(block, "```\n")
	block, _, _ = strings.Cut(block, "```")
	script, err := os.ReadFile("testdata/script/readme.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var execs []string
	for _, l := range strings.Split(string(script), "\n") {
		if c, ok := strings.CutPrefix(l, "exec "); ok {
			execs = append(execs, c)
		}
	}
	r := strings.NewReplacer("8443", "$PORT", "CASE-ID", "$CASE", "HEARING-ID", "$HEARING", `"`, "'")
	i := 0
	for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
		want := r.Replace(strings.TrimSpace(l))
		if b, ok := strings.CutSuffix(want, " &"); ok {
			want = b + " &serve&"
		}
		for i < len(execs) && execs[i] != want {
			i++
		}
		if i == len(execs) {
			t.Errorf("README's command %q is not run by readme.txtar (as %q, in order)", l, want)
			return
		}
	}
}
