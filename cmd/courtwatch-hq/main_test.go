package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Setenv("COURTWATCH_HQ_DIR", "")
	tests := []struct {
		args    []string
		wantOut string // prefix of what run writes
		wantErr string // the error message; "" for success
		usage   bool   // the error is a usageError (exit status 2)
	}{
		{args: []string{"help"}, wantOut: "courtwatch-hq: the Courtwatch headquarters tool\n"},
		{args: []string{"--help"}, wantOut: "courtwatch-hq: the Courtwatch headquarters tool\n"},
		{args: []string{"help", "serve"}, wantOut: "usage: courtwatch-hq serve --addr HOST:PORT"},
		{args: []string{"enroll", "-h"}, wantOut: "usage: courtwatch-hq enroll [--store s3://BUCKET/PREFIX] DEVICE-FILE|-"},
		{args: []string{"version"}, wantOut: "courtwatch-hq devel\n"},
		{args: []string{"--version"}, wantOut: "courtwatch-hq devel\n"},
		{args: nil, wantErr: "no command given", usage: true},
		{args: []string{"bogus"}, wantErr: `unknown command "bogus"`, usage: true},
		{args: []string{"devices"}, wantErr: "no HQ folder given", usage: true},
		{args: []string{"--dir"}, wantErr: "--dir needs a folder", usage: true},
		{args: []string{"profile", "--dir", "x"}, wantErr: "profile: --url is required", usage: true},
		{args: []string{"serve", "--dir", "x"}, wantErr: "serve: --addr is required", usage: true},
		{args: []string{"enroll", "--dir", "x"}, wantErr: "enroll: DEVICE-FILE is required", usage: true},
		{args: []string{"revoke", "--dir", "x", "a", "b"}, wantErr: `revoke: unexpected argument "b"`, usage: true},
		{args: []string{"devices", "--dir", t.TempDir()}, wantErr: "not an HQ folder"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(tt.args, strings.NewReader(""), &out, &errOut)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("run(%q) = %v, want nil", tt.args, err)
				}
				if !strings.HasPrefix(out.String(), tt.wantOut) {
					t.Errorf("run(%q) wrote %q, want it to start with %q", tt.args, out.String(), tt.wantOut)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("run(%q) = %v, want %q", tt.args, err, tt.wantErr)
			}
			if got := errors.As(err, new(*usageError)); got != tt.usage {
				t.Errorf("run(%q) = %T, usage error %v, want %v", tt.args, err, got, tt.usage)
			}
			if out.Len() != 0 {
				t.Errorf("run(%q) wrote %q on error, want nothing", tt.args, out.String())
			}
			var printed bytes.Buffer
			if code, want := report(&printed, err), map[bool]int{true: 2, false: 1}[tt.usage]; code != want {
				t.Errorf("exit status %d, want %d", code, want)
			}
			if !strings.HasPrefix(printed.String(), "courtwatch-hq: ") || !strings.Contains(printed.String(), "courtwatch-hq: hint: ") {
				t.Errorf("report printed %q, want the program name and a hint", printed.String())
			}
		})
	}
}
