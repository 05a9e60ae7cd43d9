//go:build linux

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

	"courtwatch/internal/testtool"
	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/wire/hqprofile"
)

// TestImportStoppedReport imports into an HQ vault on a small disk that
// fills during the import. Import stops with the full disk's error, and
// still prints what it imported until then, which is in the HQ vault: an
// analyst sees what is done before freeing space and importing again.
func TestImportStoppedReport(t *testing.T) {
	mnt := testtool.SmallDisk(t, 40<<20)
	dir := filepath.Join(mnt, "hq")
	t.Setenv("COURTWATCH_HQ_DIR", dir)
	t.Setenv("COURTWATCH_TEST_KDF", "1")
	t.Setenv("COURTWATCH_PASSPHRASE", "correct horse battery staple")
	hqRun(t, "init")
	profile := filepath.Join(t.TempDir(), "profile.json")
	hqRun(t, "profile", "--url", "http://127.0.0.1:8443", "--out", profile)
	b, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := hqprofile.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := p.AgeRecipients()
	if err != nil {
		t.Fatal(err)
	}

	// Three monitors, two bundles of 3,000 notes each.
	from := t.TempDir()
	text := strings.Repeat("The judge refuses the defence's request to call witnesses. ", 12)
	for m := range 3 {
		v, err := storage.Create(filepath.Join(t.TempDir(), "monitor"), []byte("monitor pass"), storage.CreateOptions{KDF: storage.TestKDF, DeviceName: fmt.Sprintf("Monitor %d", m)})
		if err != nil {
			t.Fatal(err)
		}
		d := v.Device()
		dev, s, err := deviceFile(v)
		if err != nil {
			t.Fatal(err)
		}
		devFile := filepath.Join(t.TempDir(), "device.json")
		if err := os.WriteFile(devFile, dev, 0o600); err != nil {
			t.Fatal(err)
		}
		hqRun(t, "enroll", devFile)
		k := &storage.Case{Title: "CNRP leaders"}
		if err := v.Put(k); err != nil {
			t.Fatal(err)
		}
		h := &storage.Hearing{CaseID: k.ID, Scheduled: time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)}
		if err := v.Put(h); err != nil {
			t.Fatal(err)
		}
		var chain uint64
		prev := ""
		for seq := uint64(1); seq <= 2; seq++ {
			for range 3000 / 500 {
				var notes []storage.Record
				for range 500 {
					notes = append(notes, &storage.Note{HearingID: h.ID, Time: h.Scheduled, Text: text, Source: storage.SourceSeen})
				}
				if err := v.Put(notes...); err != nil {
					t.Fatal(err)
				}
			}
			in := bundle.Input{Device: d.ID.String(), Monitor: d.Name, Seq: seq, Prev: prev, Created: time.Now()}
			err := v.ChainSince(chain, func(ver *storage.Version) error {
				in.Records = append(in.Records, bytes.Clone(ver.Raw))
				chain = ver.Seq
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			data, sig, err := bundle.Seal(in, rs, s)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(from, fmt.Sprintf("%s-%d.cwb", d.ID, seq))
			if err := os.WriteFile(name, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name+".minisig", sig, 0o600); err != nil {
				t.Fatal(err)
			}
			prev = bundle.Hash(data)
		}
		v.Close()
	}

	var out, errOut bytes.Buffer
	err = run([]string{"import", "--from", from}, strings.NewReader(""), &out, &errOut)
	if !errors.Is(err, storage.ErrDiskFull) {
		t.Fatalf("import on a disk that fills: %v; want the full disk's error\n%s", err, out.String())
	}
	got := out.String()
	if !strings.HasPrefix(got, "import stopped before it was done (the error below says why); until then:\n") ||
		!strings.Contains(got, " new versions added\n") || !strings.HasSuffix(got, "  the import stopped at this device's bundles\n") || strings.Contains(got, "nothing new") {
		t.Fatalf("import stopped, printed:\n%s", got)
	}
	t.Logf("printed before the error:\n%s", got)
}

// hqRun runs courtwatch-hq with args, failing the test if it fails.
func hqRun(t *testing.T, args ...string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(args, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("courtwatch-hq %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
}
