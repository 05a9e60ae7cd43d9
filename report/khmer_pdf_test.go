package report_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"courtwatch/internal/testtool"
	"courtwatch/report"
	"courtwatch/storage"
)

// TestKhmerNamesPDFText: pdftotext gives back every "Latin (Khmer)" name
// of the demo exactly, wherever reports print it: a title or heading
// (bold), a paragraph, and table cells as narrow as the matrices' name
// column; and in the case reports of every demo case. A missing
// pdftotext fails the test under make test, which installs poppler-utils.
func TestKhmerNamesPDFText(t *testing.T) {
	testtool.Need(t, "pdftotext", "poppler-utils")
	var names []string
	demoVault.View(func(tx *storage.Tx) error {
		ps, err := tx.Persons()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Name != "" && p.NameLocal != "" {
				names = append(names, p.DisplayName())
			}
		}
		return nil
	})
	if len(names) < 40 {
		t.Fatalf("only %d demo persons with both names", len(names))
	}
	doc := &report.Doc{Kind: "Names", Title: names[0]}
	tb := &report.Table{Columns: []string{"Defendant", "Cases", "A", "B", "C", "D", "E"}, Widths: []float64{2.6, 0.6, 1, 1, 1, 1, 1}}
	for _, n := range names {
		doc.Blocks = append(doc.Blocks, report.Block{Heading: &report.Heading{Level: 3, Text: n}}, report.Block{Para: &report.Para{Text: n}})
		tb.Rows = append(tb.Rows, []report.Cell{{Text: n}, {Text: "1"}, {Text: "453"}, {}, {}, {}, {}})
	}
	doc.Blocks = append(doc.Blocks, report.Block{Table: tb})
	text := flatten(pdfText(t, doc))
	for _, n := range names {
		if want := 2 + 1; strings.Count(text, n) < want {
			t.Errorf("pdftotext gives %q %d times, want at least %d (heading, paragraph, cell); near it: %q",
				n, strings.Count(text, n), want, near(text, n))
		}
	}
	for i, c := range demoSum.Cases {
		d := build(t, demoVault, report.SubjectCase, c)
		path := filepath.Join(t.TempDir(), "case.pdf")
		writePDF(t, d, path)
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		text := flatten(string(out))
		for _, row := range tableAfter(t, d, "Cross-case matrix").Rows {
			if !strings.Contains(text, row[0].Text) {
				t.Errorf("case %d: pdftotext lacks %q; near it: %q", i+1, row[0].Text, near(text, strings.SplitN(row[0].Text, " (", 2)[0]))
			}
		}
	}
}

var spaces = regexp.MustCompile(`\s+`)

// flatten joins lines, as a name may wrap in a narrow cell.
func flatten(s string) string { return spaces.ReplaceAllString(s, " ") }

func near(text, name string) string {
	latin := strings.SplitN(name, " (", 2)[0]
	i := strings.Index(text, latin)
	if i < 0 {
		return ""
	}
	return text[i:min(len(text), i+len(name)+10)]
}
