package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The stated limits hold: a 100,000-line transcript and a 10,000-row roster
// each import in one all-or-nothing step (before UpdateLarge, note import
// failed at about 1,500 lines and roster import at about 900 rows with
// Badger's "Txn is too big").
func TestNoteImport100kLines(t *testing.T) {
	n := 100_000
	if raceEnabled {
		n = 10_000 // the race detector makes Badger several times slower; make torture imports 100,000 lines
	}
	v := newCLIVault(t)
	h := v.hearing()
	start := time.Now()
	out, err := v.run(longTranscript(n), "note", "import", "--hearing", h, "-")
	if err != nil {
		t.Fatalf("note import of %d lines: %v", n, err)
	}
	t.Logf("note import of %d lines (open, parse, store, index, close): %v", n, time.Since(start))
	if want := fmt.Sprintf("imported %d notes\n", n); out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	if got := v.noteCount(h); got != n {
		t.Fatalf("stored %d notes, want %d", got, n)
	}
	last := fmt.Sprintf("exhibit %d", n-2) // a Latin line whether n is 20,000 or 100,000
	if out := v.must("search", last); !strings.Contains(out, last) {
		t.Errorf("search for the last Latin line found %q", out)
	}
	if out := v.must("verify"); !strings.HasPrefix(out, fmt.Sprintf("chain ok: %d versions\n", n+2)) {
		t.Errorf("verify: %q", out)
	}
}

// longTranscript has n lines: a timed first line, then untimed ones (a
// second apart), in Latin and Khmer script.
func longTranscript(n int) string {
	var b strings.Builder
	b.WriteString("08:00 Court is in session\n")
	for i := 1; i < n; i++ {
		if i%3 == 1 {
			fmt.Fprintf(&b, "កឹម សុខា ត្រូវបាននាំចូល %d\n", i)
		} else {
			fmt.Fprintf(&b, "Counsel objects to exhibit %d\n", i)
		}
	}
	return b.String()
}

func rosterOf(n int) string {
	var b strings.Builder
	b.WriteString("name,name_local,status,charges\n")
	for i := range n {
		fmt.Fprintf(&b, "Defendant Number %d,,detained,453 Plotting\n", i)
	}
	return b.String()
}

func TestRosterImport10kRows(t *testing.T) {
	v := newCLIVault(t)
	c := strings.TrimSpace(v.must("case", "add", "--title", "Mass trial", "--tz", "Asia/Phnom_Penh"))
	start := time.Now()
	out, err := v.run(rosterOf(10_000), "roster", "import", "--case", c, "-")
	if err != nil {
		t.Fatalf("roster import of 10,000 rows: %v", err)
	}
	t.Logf("roster import of 10,000 rows: %v", time.Since(start))
	if want := "persons: 10000 created, 0 linked\ndefendants: 10000 added, 0 updated, 0 unchanged\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	if got := strings.Count(v.must("list", "defendants", "--case", c, "--json"), `"person":`); got != 10_000 {
		t.Errorf("listed %d defendants, want 10000", got)
	}
	// Importing it again links every row and changes nothing.
	out, err = v.run(rosterOf(10_000), "roster", "import", "--case", c, "-")
	if want := "persons: 0 created, 10000 linked\ndefendants: 0 added, 0 updated, 10000 unchanged\n"; err != nil || out != want {
		t.Errorf("second import: %q, %v; want %q", out, err, want)
	}
}

// hearing add refuses dates outside 1900..2199 before the vault is opened.
func TestHearingDateOutOfRange(t *testing.T) {
	v := newCLIVault(t)
	c := strings.TrimSpace(v.must("case", "add", "--title", "CNRP leaders", "--tz", "Asia/Phnom_Penh"))
	for _, d := range []string{"0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"} {
		_, err := v.run("", "hearing", "add", "--case", c, "--date", d)
		want := "--date " + d + " is outside the years 1900 to 2199"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--date %s: %v, want %q", d, err, want)
		}
	}
}

// When damaged storage has dropped records, every command says so on
// standard error and verify fails, saying how many and since when.
func TestVerifyReportsLostRecords(t *testing.T) {
	v := newCLIVault(t)
	h := v.hearing()
	v.must("note", "add", "--hearing", h, "kept")
	snap := filepath.Join(t.TempDir(), "db")
	if err := os.CopyFS(snap, os.DirFS(filepath.Join(v.dir, "db"))); err != nil {
		t.Fatal(err)
	}
	v.must("note", "add", "--hearing", h, "lost one")
	v.must("note", "add", "--hearing", h, "lost two")
	if err := os.RemoveAll(filepath.Join(v.dir, "db")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(v.dir, "db"), os.DirFS(snap)); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run([]string{"verify"}, strings.NewReader(""), &out, &errOut)
	if err == nil {
		t.Fatalf("verify passed: %s", out.String())
	}
	var msg bytes.Buffer
	report(&msg, err)
	for _, want := range []string{"the vault has lost records", "2 records written since ", "(versions 4 to 5,"} {
		if !strings.Contains(msg.String(), want) {
			t.Errorf("verify said\n%s\nwant %q", msg.String(), want)
		}
	}
	if !strings.Contains(errOut.String(), "courtwatch: 2 records written since ") {
		t.Errorf("standard error %q does not report the loss", errOut.String())
	}
}
