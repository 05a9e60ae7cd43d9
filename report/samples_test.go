package report_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"courtwatch/demo"
	"courtwatch/report"

	"github.com/google/uuid"
)

var samples = flag.String("samples", "", "write sample reports made from the demo vault into this `folder`")

// TestSamples writes the sample reports of docs/samples:
//
//	go test ./report -run TestSamples -samples ../docs/samples
func TestSamples(t *testing.T) {
	if *samples == "" {
		t.Skip("give -samples FOLDER to write the sample reports")
	}
	for _, s := range []struct {
		file    string
		subject report.Subject
		id      uuid.UUID
		format  string
	}{
		{"case-report.pdf", report.SubjectCase, demoSum.Cases[0], "pdf"},
		{"case-report.html", report.SubjectCase, demoSum.Cases[0], "html"},
		{"hearing-report.html", report.SubjectHearing, demoSum.Hearings[0], "html"},
		{"hearing-report.pdf", report.SubjectHearing, demoSum.Hearings[0], "pdf"},
		{"defendant-report.html", report.SubjectDefendant, demoSum.SamRainsy, "html"},
		{"defendant-report.pdf", report.SubjectDefendant, demoSum.SamRainsy, "pdf"},
		{"case-matrix.csv", report.SubjectCase, demoSum.Cases[0], "csv"},
	} {
		data, err := report.Render(demoVault, s.subject, s.id, s.format, string(report.CSVMatrix), report.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := report.WriteFile(filepath.Join(*samples, s.file), data); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(*samples, s.file), 0o644) // samples are public
	}
	// A case after "case purge" and a sync whose receipts verified.
	v := newVault(t, "demo laptop")
	sum, err := demo.Build(v, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, n := deliverAndPurge(t, v, sum.Cases[0]); n == 0 {
		t.Fatal("nothing purged")
	}
	for _, format := range []string{"html", "pdf"} {
		data, err := report.Render(v, report.SubjectCase, sum.Cases[0], format, "", report.Options{})
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(*samples, "case-report-after-purge."+format)
		if err := report.WriteFile(name, data); err != nil {
			t.Fatal(err)
		}
		os.Chmod(name, 0o644)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
		filepath.Join(*samples, "case-report.pdf"), filepath.Join(*samples, "case-report-p1")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
}
