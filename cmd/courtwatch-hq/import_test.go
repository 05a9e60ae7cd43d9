package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/hq/setup"
)

// TestReadCommands checks how import, verify, list, history and search
// are called, before they need an HQ vault.
func TestReadCommands(t *testing.T) {
	t.Setenv("COURTWATCH_HQ_DIR", "")
	notHQ := t.TempDir()
	tests := []struct {
		args    []string
		wantOut string // prefix of what run writes
		wantErr string
		usage   bool
	}{
		{args: []string{"help", "import"}, wantOut: "usage: courtwatch-hq import [--from DIR|s3://BUCKET/PREFIX] [--json]"},
		{args: []string{"verify", "-h"}, wantOut: "usage: courtwatch-hq verify [--json] BUNDLE"},
		{args: []string{"list", "-h"}, wantOut: "usage: courtwatch-hq list cases|defendants|hearings|notes"},
		{args: []string{"import"}, wantErr: "no HQ folder given", usage: true},
		{args: []string{"import", "--dir", "x", "extra"}, wantErr: `import: unexpected argument "extra"`, usage: true},
		{args: []string{"verify", "--dir", "x"}, wantErr: "verify: BUNDLE is required", usage: true},
		{args: []string{"verify", "--dir", "x", "s3://b/hq/d/000000000001.cwb"}, wantErr: "verify: s3://b/hq/d/000000000001.cwb is in a bucket", usage: true},
		{args: []string{"list", "--dir", "x"}, wantErr: "list: say what to list", usage: true},
		{args: []string{"list", "--dir", "x", "judges"}, wantErr: `list: cannot list "judges"`, usage: true},
		{args: []string{"list", "--dir", "x", "notes"}, wantErr: "list: --hearing is required", usage: true},
		{args: []string{"list", "--dir", "x", "cases", "--hearing", "h"}, wantErr: "list: --hearing goes with notes", usage: true},
		{args: []string{"list", "--dir", "x", "notes", "--hearing", "h"}, wantErr: `--hearing: "h" is not an id`},
		{args: []string{"history", "--dir", "x"}, wantErr: "history: give one record ID", usage: true},
		{args: []string{"search", "--dir", "x"}, wantErr: "search: give the words to look for", usage: true},
		{args: []string{"import", "--dir", notHQ}, wantErr: "not an HQ folder"},
		{args: []string{"list", "cases", "--dir", notHQ}, wantErr: "not an HQ folder"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(tt.args, strings.NewReader(""), &out, &errOut)
			if tt.wantErr == "" {
				if err != nil || !strings.HasPrefix(out.String(), tt.wantOut) {
					t.Fatalf("run(%q) = %v, wrote %q; want %q", tt.args, err, out.String(), tt.wantOut)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("run(%q) = %v, want %q", tt.args, err, tt.wantErr)
			}
			if got := errors.As(err, new(*usageError)); got != tt.usage {
				t.Errorf("run(%q) = %T, usage error %v, want %v", tt.args, err, got, tt.usage)
			}
			var printed bytes.Buffer
			report(&printed, err)
			if !strings.Contains(printed.String(), "courtwatch-hq: hint: ") {
				t.Errorf("report printed %q, want a hint", printed.String())
			}
		})
	}
}

// TestImportVaultInUse: a second import (or any command) while one holds
// the HQ vault is refused at once, saying why and what to do, and the
// first one's vault is unharmed.
func TestImportVaultInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hq")
	pass := "correct horse battery staple"
	if err := setup.Init(dir, setup.InitOptions{Name: "Test HQ", Passphrase: []byte(pass), KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	t.Setenv(passphraseVar, pass)
	t.Setenv(passphraseFileVar, "")
	v, err := setup.OpenVault(dir, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = run([]string{"import", "--dir", dir}, strings.NewReader(""), &out, &errOut)
	var printed bytes.Buffer
	report(&printed, err)
	if !errors.Is(err, storage.ErrVaultInUse) || !strings.Contains(printed.String(), "hint: another courtwatch-hq command is using the HQ vault; wait until it ends") {
		t.Fatalf("import while the vault is open: %v\n%s", err, printed.String())
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	// Free again; a new HQ's receiver has stored nothing yet.
	err = run([]string{"import", "--dir", dir}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "store does not exist yet; serve makes it when it stores the first bundle") {
		t.Fatalf("import once the vault is free, before serve stored a bundle: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "store"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"import", "--dir", dir}, strings.NewReader(""), &out, &errOut); err != nil || !strings.Contains(out.String(), "no bundles in") {
		t.Fatalf("import of an empty store: %v, %q", err, out.String())
	}
	err = run([]string{"import", "--dir", dir, "--from", filepath.Join(dir, "usb")}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "no bundles to read: there is no "+filepath.Join(dir, "usb")) || strings.Contains(err.Error(), "stat ") {
		t.Fatalf("import from a folder that is not there: %v", err)
	}
}

// TestNoteIndexing: import says, before closing the HQ vault, when the
// search index has many versions to take in (the close waits for them),
// and nothing when it has caught up.
func TestNoteIndexing(t *testing.T) {
	defer func(n int) { indexNotice = n }(indexNotice)
	indexNotice = 100
	dir := filepath.Join(t.TempDir(), "vault")
	v, err := storage.Create(dir, []byte("pass"), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	k := &storage.Case{Title: "CNRP leaders"}
	if err := v.Put(k); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: k.ID, Scheduled: time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	var rs []storage.Record
	for i := range 150 {
		rs = append(rs, &storage.Note{HearingID: h.ID, Time: h.Scheduled, Text: "prosecutor " + strings.Repeat("x", i%7), Source: storage.SourceSeen})
	}
	if _, err := v.Search("prosecutor", 1); err != nil { // the index caught up with the case and hearing
		t.Fatal(err)
	}
	if err := v.Put(rs...); err != nil {
		t.Fatal(err)
	}
	// The indexer waits a quarter of a second for more saves.
	var b bytes.Buffer
	noteIndexing(&b, v)
	if n := v.IndexBacklog(); n < 100 || !strings.Contains(b.String(), "making "+fmt.Sprint(n)+" imported versions searchable before closing the HQ vault") {
		t.Errorf("with %d versions to index: %q", n, b.String())
	}
	if _, err := v.Search("prosecutor", 1); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	noteIndexing(&b, v)
	if b.Len() != 0 {
		t.Errorf("with the index caught up: %q", b.String())
	}
}
