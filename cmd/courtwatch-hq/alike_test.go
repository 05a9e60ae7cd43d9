package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgramsAlike runs the two programs, built as they ship (with -tags
// ci), with the same command lines, and checks that they answer alike:
// the same exit status and the same output once each program's name reads
// PROG. Their help lists other commands; its common part must match.
func TestProgramsAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both programs")
	}
	bin := t.TempDir()
	monitor := buildProgram(t, bin, "courtwatch")
	hq := buildProgram(t, bin, "courtwatch-hq")
	home := t.TempDir()
	runBoth := func(args ...string) (a, b result) {
		return runProgram(t, monitor, home, args), runProgram(t, hq, home, args)
	}
	for _, args := range [][]string{
		{"--version"}, {"-version"}, {"version"}, {"version", "extra"},
		{"frobnicate"}, {"help", "frobnicate"}, {"help", "list", "cases"},
		{"--bogus", "list"}, {"list", "--bogus"}, {"list"}, {"search", "--limit", "0", "x"},
		{"report", "check"}, {"report", "check", "a", "b"},
	} {
		a, b := runBoth(args...)
		if a != b {
			t.Errorf("%q: the programs differ:\ncourtwatch    %+v\ncourtwatch-hq %+v", args, a, b)
		}
		if strings.HasPrefix(args[0], "-") && strings.HasSuffix(args[0], "version") || args[0] == "version" && len(args) == 1 {
			if want := "PROG devel\n"; a.stdout != want || a.code != 0 {
				t.Errorf("%q: %+v, want exit 0 and %q", args, a, want)
			}
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"help", "-h"}} {
		a, b := runBoth(args...)
		if a.code != 0 || b.code != 0 || a.stderr != "" || b.stderr != "" {
			t.Errorf("%q: %+v and %+v, want exit 0 and nothing on stderr", args, a, b)
		}
		if ca, cb := helpCommon(a.stdout), helpCommon(b.stdout); ca == "" || ca != cb {
			t.Errorf("%q: the common part of the help differs:\n%s\n---\n%s", args, ca, cb)
		}
	}
	for _, args := range [][]string{{"list", "-h"}, {"list", "--help"}, {"help", "list"}, {"search", "-h"}, {"report", "check", "-h"}} {
		a, b := runBoth(args...)
		la, _, _ := strings.Cut(a.stdout, "\n")
		lb, _, _ := strings.Cut(b.stdout, "\n")
		if a.code != 0 || b.code != 0 || a.stderr+b.stderr != "" || !strings.HasPrefix(la, "usage: PROG ") || la != lb {
			t.Errorf("%q: usage %q (exit %d) and %q (exit %d), stderr %q", args, la, a.code, lb, b.code, a.stderr+b.stderr)
		}
	}
}

// result is what a program run gave, its name replaced by PROG.
type result struct {
	code           int
	stdout, stderr string
}

func runProgram(t *testing.T, path, home string, args []string) result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = home
	cmd.Env = []string{"HOME=" + home, "XDG_DATA_HOME=" + home, "PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", path, err)
	}
	prog := strings.NewReplacer(filepath.Base(path), "PROG")
	return result{code, prog.Replace(stdout.String()), prog.Replace(stderr.String())}
}

// helpCommon is the part of the help that both programs share: from the
// line of the help command to the end of the paragraph after it.
func helpCommon(help string) string {
	_, rest, ok := strings.Cut(help, "  help [COMMAND]")
	if !ok {
		return ""
	}
	blocks := strings.SplitN(rest, "\n\n", 3)
	if len(blocks) < 2 {
		return ""
	}
	return blocks[0] + "\n\n" + blocks[1]
}

// buildProgram builds the command courtwatch/cmd/NAME with -tags ci into
// dir and returns its path.
func buildProgram(t *testing.T, dir, name string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the programs with")
	}
	out := filepath.Join(dir, name)
	build := exec.Command(goTool, "build", "-tags", "ci", "-o", out, "courtwatch/cmd/"+name)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, b)
	}
	return out
}
