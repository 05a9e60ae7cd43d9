package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		args    []string
		wantOut string // prefix of what run writes
		wantErr string // whole error message, always a usageError (exit status 2); "" for success
	}{
		{args: []string{"help"}, wantOut: "courtwatch-hq: the Courtwatch headquarters tool\n"},
		{args: []string{"--help"}, wantOut: "courtwatch-hq: the Courtwatch headquarters tool\n"},
		{args: []string{"version"}, wantOut: "courtwatch-hq devel\n"},
		{
			args:    nil,
			wantErr: "courtwatch-hq: no command given; try: courtwatch-hq help",
		},
		{
			args:    []string{"serve", "--addr", ":8443"},
			wantErr: "courtwatch-hq: command serve is not available yet; the HQ receiver and importer come with the delivery issue",
		},
		{
			args:    []string{"bogus"},
			wantErr: "courtwatch-hq: command bogus is not available yet; the HQ receiver and importer come with the delivery issue",
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			saved := stdout
			stdout = &out
			t.Cleanup(func() { stdout = saved })

			err := run(tt.args)

			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("run(%q) = %v, want nil", tt.args, err)
				}
				if !strings.HasPrefix(out.String(), tt.wantOut) {
					t.Errorf("run(%q) wrote %q, want it to start with %q", tt.args, out.String(), tt.wantOut)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("run(%q) = %v, want %q", tt.args, err, tt.wantErr)
			}
			if !errors.As(err, new(usageError)) {
				t.Errorf("run(%q) = %T, want a usageError so that main exits with status 2", tt.args, err)
			}
			if out.Len() != 0 {
				t.Errorf("run(%q) wrote %q on error, want nothing", tt.args, out.String())
			}
		})
	}
}
