package report_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

func buildIn(t testing.TB, lang string, v *storage.Vault, s report.Subject, id uuid.UUID) *report.Doc {
	t.Helper()
	doc, err := report.Build(v, s, id, report.Options{Now: fixedNow, Lang: lang})
	if err != nil {
		t.Fatalf("build %s report in %s: %v", s, lang, err)
	}
	return doc
}

// khmerCaseHeadings are headings of a Khmer case report, each with its
// English, which the Khmer report must not contain.
var khmerCaseHeadings = [][2]string{
	{"តារាងពិន្ទុសវនាការដោយយុត្តិធម៌", "Fair-trial scorecard"},
	{"កាលប្បវត្តិនីតិវិធី", "Procedural timeline"},
	{"ជនជាប់ចោទ និងបទចោទ", "Defendants and charges"},
	{"តារាងឆ្លងសំណុំរឿង", "Cross-case matrix"},
	{"វត្តមានតាមសវនាការ", "Attendance by hearing"},
	{"កំណត់ត្រាដែលរបាយការណ៍នេះផ្អែកលើ", "Records this report rests on"},
}

// TestKhmerCaseReport: a case report chosen in Khmer has its headings,
// labels, checklist sections and dates in Khmer, in the Doc, the HTML
// and the PDF, where pdftotext gives them back exactly; it still checks
// against the vault; and the English report is left as it was.
func TestKhmerCaseReport(t *testing.T) {
	id := demoSum.Cases[0]
	km := buildIn(t, report.LangKhmer, demoVault, report.SubjectCase, id)
	en := build(t, demoVault, report.SubjectCase, id)
	if km.Kind != "របាយការណ៍សំណុំរឿង" || en.Kind != "Case report" {
		t.Errorf("kinds %q and %q", km.Kind, en.Kind)
	}
	if km.Language() != "km" || en.Language() != "en" {
		t.Errorf("languages %q and %q", km.Language(), en.Language())
	}
	var headings []string
	for _, b := range km.AllBlocks() {
		if b.Heading != nil {
			headings = append(headings, b.Heading.Text)
		}
	}
	joined := strings.Join(headings, "\n")
	for _, h := range khmerCaseHeadings {
		mustContain(t, "Khmer case report's headings", joined, h[0])
		if strings.Contains(joined, h[1]) {
			t.Errorf("the Khmer case report has the English heading %q", h[1])
		}
	}
	// Field labels, the checklist's section titles and dates.
	var labels []string
	for _, b := range km.Blocks {
		for _, f := range b.Fields {
			labels = append(labels, f.Label)
		}
	}
	mustContain(t, "Khmer case report's fields", strings.Join(labels, "\n"), "តុលាការ", "លេខសំណុំរឿង", "ល្វែងម៉ោង", "ការសង្កេត")
	score := tableAfter(t, km, "តារាងពិន្ទុសវនាការដោយយុត្តិធម៌")
	if got := score.Columns[0]; got != "ផ្នែក" {
		t.Errorf("scorecard's first column %q", got)
	}
	if !strings.ContainsFunc(score.Rows[0][0].Text, func(r rune) bool { return r >= 0x1780 && r <= 0x17FF }) {
		t.Errorf("scorecard's first section %q is not in Khmer", score.Rows[0][0].Text)
	}
	if !strings.Contains(joined, "សវនាការថ្ងៃ") {
		t.Errorf("no Khmer hearing date among the headings:\n%s", joined)
	}

	var html strings.Builder
	if err := km.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "Khmer HTML", html.String(), `<html lang="km">`, "<h2>តារាងពិន្ទុសវនាការដោយយុត្តិធម៌</h2>",
		"<p>ផ្ទៀងផ្ទាត់ឯកសារនេះជាមួយឃ្លាំងទិន្នន័យដោយប្រើ៖")
	for _, h := range khmerCaseHeadings {
		mustContain(t, "Khmer HTML", html.String(), "<h2>"+h[0]+"</h2>")
	}

	text := flatten(pdfText(t, km))
	for _, h := range khmerCaseHeadings {
		mustContain(t, "pdftotext of the Khmer PDF", text, h[0])
	}
	mustContain(t, "pdftotext of the Khmer PDF", text, "របាយការណ៍សំណុំរឿង", "ប្រភព", "ទំព័រ 1 នៃ ")
	for _, w := range []string{"Fair-trial scorecard", "Provenance", "page 1 of"} {
		if strings.Contains(text, w) {
			t.Errorf("the Khmer PDF says %q", w)
		}
	}
	checkSources(t, demoVault, km)

	if got := MissingKhmerAfter(t); len(got) > 0 {
		t.Errorf("texts written in English in a Khmer report: %q", got)
	}
}

// MissingKhmerAfter builds every kind of report in Khmer, from the demo
// and from the messy vault (no zone, edited entries, removed records,
// unknown checklist questions), and returns what was left in English.
func MissingKhmerAfter(t *testing.T) []string {
	t.Helper()
	report.MissingKhmer()
	m := newMessy(t)
	for _, c := range []struct {
		v  *storage.Vault
		s  report.Subject
		id uuid.UUID
	}{
		{demoVault, report.SubjectCase, demoSum.Cases[0]},
		{demoVault, report.SubjectHearing, demoSum.Hearings[0]},
		{demoVault, report.SubjectDefendant, demoSum.SamRainsy},
		{m.v, report.SubjectCase, m.caseA},
		{m.v, report.SubjectCase, m.caseB},
		{m.v, report.SubjectCase, m.caseC},
		{m.v, report.SubjectHearing, m.h1},
		{m.v, report.SubjectHearing, m.h2},
		{m.v, report.SubjectHearing, m.h3},
		{m.v, report.SubjectHearing, m.h4},
		{m.v, report.SubjectDefendant, m.p1},
		{m.v, report.SubjectDefendant, m.p2},
		{m.v, report.SubjectDefendant, m.p3},
	} {
		d := buildIn(t, report.LangKhmer, c.v, c.s, c.id)
		var b strings.Builder
		if err := d.WriteHTML(&b); err != nil {
			t.Fatal(err)
		}
	}
	return report.MissingKhmer()
}

// TestReportLanguage: an unknown language is refused with ErrLanguage;
// "" and "en" give the same English report.
func TestReportLanguage(t *testing.T) {
	_, err := report.Render(demoVault, report.SubjectCase, demoSum.Cases[0], "html", "", report.Options{Lang: "fr"})
	if !errors.Is(err, report.ErrLanguage) {
		t.Errorf("French report: %v, want ErrLanguage", err)
	}
	a, err := report.Render(demoVault, report.SubjectHearing, demoSum.Hearings[0], "html", "", report.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	b, err := report.Render(demoVault, report.SubjectHearing, demoSum.Hearings[0], "html", "", report.Options{Now: fixedNow, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Error(`the report in "" differs from the report in "en"`)
	}
}

// TestSamplesKhmer writes the Khmer sample case report of docs/samples
// and a PNG of its first page:
//
//	go test ./report -run TestSamplesKhmer -samples ../docs/samples
func TestSamplesKhmer(t *testing.T) {
	if *samples == "" {
		t.Skip("give -samples FOLDER to write the sample reports")
	}
	data, err := report.Render(demoVault, report.SubjectCase, demoSum.Cases[0], "pdf", "", report.Options{Lang: report.LangKhmer})
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(*samples, "case-report-km.pdf")
	if err := report.WriteFile(name, data); err != nil {
		t.Fatal(err)
	}
	os.Chmod(name, 0o644) // samples are public
	out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
		name, filepath.Join(*samples, "case-report-km-p1")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
}
