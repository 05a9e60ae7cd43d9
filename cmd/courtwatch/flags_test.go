package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"runtime"
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
		{errors.New("plain"), "courtwatch: plain\n", 1},
		{&hintError{Msg: "bad file", Lines: []string{"line 1: x", "line 2: y"}, Advice: "fix it"},
			"courtwatch: bad file\n  line 1: x\n  line 2: y\ncourtwatch: hint: fix it\n", 1},
		{fmt.Errorf("wrapped: %w", &hintError{Msg: "inner", Advice: "do this"}), "courtwatch: wrapped: inner\ncourtwatch: hint: do this\n", 1},
		{&usageError{Msg: "list: say what", Advice: "see: courtwatch list -h"}, "courtwatch: list: say what\ncourtwatch: hint: see: courtwatch list -h\n", 2},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		code := report(&b, tt.err)
		if b.String() != tt.want || code != tt.wantCode {
			t.Errorf("report(%v) = %d %q, want %d %q", tt.err, code, b.String(), tt.wantCode, tt.want)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args     []string
		wantPos  []string
		wantJSON bool
		wantTags []string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, false, nil},
		{[]string{"--json", "a"}, []string{"a"}, true, nil},
		{[]string{"a", "--json", "b"}, []string{"a", "b"}, true, nil},
		{[]string{"a", "--tag", "x", "b", "--tag=y"}, []string{"a", "b"}, false, []string{"x", "y"}},
		{[]string{"a", "--", "--json", "-5"}, []string{"a", "--json", "-5"}, false, nil},
		{[]string{"-"}, []string{"-"}, false, nil},
		{nil, nil, false, nil},
	}
	for _, tt := range tests {
		c := &cli{stdout: io.Discard, getenv: func(string) string { return "" }}
		cmd := &command{Name: "test"}
		fs := c.flagSet(cmd)
		jsonOut := fs.Bool("json", false, "")
		var tags stringList
		fs.Var(&tags, "tag", "")
		pos, err := cmd.Parse(c.stdout, fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(pos, tt.wantPos) || *jsonOut != tt.wantJSON || !reflect.DeepEqual([]string(tags), tt.wantTags) {
			t.Errorf("%q: got %q json=%v tags=%q, want %q json=%v tags=%q", tt.args, pos, *jsonOut, tags, tt.wantPos, tt.wantJSON, tt.wantTags)
		}
	}
}

func TestGlobalFlags(t *testing.T) {
	tests := []struct {
		args      []string
		wantRest  []string
		wantVault string
	}{
		{[]string{"list", "cases"}, []string{"list", "cases"}, ""},
		{[]string{"--vault", "/v", "list"}, []string{"list"}, "/v"},
		{[]string{"-vault=/v", "list"}, []string{"list"}, "/v"},
		{[]string{"--vault", "/v"}, []string{}, "/v"},
		{[]string{"-h"}, []string{"help"}, ""},
	}
	for _, tt := range tests {
		c := &cli{}
		rest, err := c.globalFlags(tt.args)
		if err != nil || !reflect.DeepEqual(rest, tt.wantRest) || c.vault != tt.wantVault {
			t.Errorf("%q: got %q vault %q err %v, want %q vault %q", tt.args, rest, c.vault, err, tt.wantRest, tt.wantVault)
		}
	}
	if _, err := (&cli{}).globalFlags([]string{"--vault"}); err == nil {
		t.Error("--vault without a folder: no error")
	}
}

func TestVaultDir(t *testing.T) {
	env := map[string]string{}
	c := &cli{getenv: func(k string) string { return env[k] }}
	env["XDG_DATA_HOME"] = "/data"
	def, err := c.vaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("/data", "courtwatch", "vault"); runtime.GOOS == "linux" && def != want {
		t.Errorf("default: got %q, want %q", def, want)
	}
	env["COURTWATCH_VAULT"] = "/from/env"
	if got, _ := c.vaultDir(); got != "/from/env" {
		t.Errorf("env: got %q", got)
	}
	c.vault = "/from/flag"
	if got, _ := c.vaultDir(); got != "/from/flag" {
		t.Errorf("flag: got %q", got)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, cmd := range commands {
		var out bytes.Buffer
		c := &cli{stdout: &out, stderr: io.Discard, getenv: func(string) string { return "" }}
		err := cmd.Run(c, cmd, []string{"-h"})
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s -h: got %v, want flag.ErrHelp", cmd.Name, err)
		}
		if !strings.HasPrefix(out.String(), "usage: courtwatch "+cmd.Name) {
			t.Errorf("%s -h printed %q", cmd.Name, out.String())
		}
	}
}
