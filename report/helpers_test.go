package report_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/demo"
	"courtwatch/internal/testtool"
	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// The demo vault is built once and shared by the tests, read-only.
var (
	demoVault *storage.Vault
	demoSum   *demo.Summary
)

// fixedNow is the generation time of test reports.
var fixedNow = time.Date(2024, 5, 2, 9, 30, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "courtwatch-report-test-")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		demoVault, err = storage.Create(dir, []byte("report test"), storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "demo laptop"})
		if err != nil {
			panic(err)
		}
		defer demoVault.Close()
		if demoSum, err = demo.Build(demoVault, 1); err != nil {
			panic(err)
		}
		return m.Run()
	}())
}

func newVault(t testing.TB, device string) *storage.Vault {
	t.Helper()
	v, err := storage.Create(t.TempDir(), []byte("pass"), storage.CreateOptions{KDF: storage.TestKDF, DeviceName: device})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func build(t testing.TB, v *storage.Vault, s report.Subject, id uuid.UUID) *report.Doc {
	t.Helper()
	doc, err := report.Build(v, s, id, report.Options{Now: fixedNow})
	if err != nil {
		t.Fatalf("build %s report: %v", s, err)
	}
	return doc
}

// tableAfter returns the first table after the heading with this text.
func tableAfter(t testing.TB, doc *report.Doc, heading string) *report.Table {
	t.Helper()
	found := false
	for _, b := range doc.Blocks {
		if b.Heading != nil {
			found = b.Heading.Text == heading
		}
		if found && b.Table != nil {
			return b.Table
		}
	}
	t.Fatalf("no table under heading %q", heading)
	return nil
}

// column returns the texts of a table's column by name.
func column(t testing.TB, tb *report.Table, name string) []string {
	t.Helper()
	for i, c := range tb.Columns {
		if c == name {
			var out []string
			for _, r := range tb.Rows {
				out = append(out, r[i].Text)
			}
			return out
		}
	}
	t.Fatalf("no column %q in %v", name, tb.Columns)
	return nil
}

// pdfText renders doc as PDF and returns pdftotext's text of it. A missing
// pdftotext skips the test, or fails it under make test (testtool.Need).
func pdfText(t testing.TB, doc *report.Doc) string {
	t.Helper()
	testtool.Need(t, "pdftotext", "poppler-utils")
	path := filepath.Join(t.TempDir(), "report.pdf")
	writePDF(t, doc, path)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func writePDF(t testing.TB, doc *report.Doc, path string) {
	t.Helper()
	var b strings.Builder
	if err := doc.WritePDF(&b); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustContain(t testing.TB, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}
