package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/report"
)

// TestExportLanguage: the export preview offers the report in English or
// Khmer, starting with the interface's language; choosing the other
// shows the report again in it, names the file for it, and saves the PDF
// in it (pdftotext gives the Khmer headings back). CSV tables stay in
// English, so the choice is off for CSV.
func TestExportLanguage(t *testing.T) {
	resetLanguage(t)
	if err := setLanguage(langKhmer); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	_, hid := exportVault(t, u)
	p, err := newExportPreview(u, report.SubjectHearing, hid)
	if err != nil {
		t.Fatal(err)
	}
	if p.language.Selected != "ខ្មែរ (Khmer)" || p.opt.Lang != report.LangKhmer {
		t.Fatalf("in the Khmer interface the report language is %q (%q)", p.language.Selected, p.opt.Lang)
	}
	for _, want := range []string{"របាយការណ៍សវនាការ", "វត្តមាន", "កំណត់ហេតុ", "ថ្ងៃពុធ ៤ មីនា ២០២៦", "កឹម សុខា"} {
		if _, ok := previewHas(p, want); !ok {
			t.Errorf("Khmer preview does not hold %q", want)
		}
	}
	if _, ok := previewHas(p, "Hearing report"); ok {
		t.Error("Khmer preview says Hearing report")
	}
	if name := p.fileName(p.choice()); name != "hearing-2026-03-04-km.pdf" {
		t.Errorf("Khmer PDF named %q", name)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out := filepath.Join(t.TempDir(), "r.pdf")
		if err := p.save(out, "pdf", ""); err != nil {
			t.Fatal(err)
		}
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, text)
		}
		for _, want := range []string{"របាយការណ៍សវនាការ", "លទ្ធផលបញ្ជីត្រួតពិនិត្យសវនាការដោយយុត្តិធម៌", "ឯកសារភ្ជាប់"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("the saved Khmer PDF lacks %q", want)
			}
		}
	} else {
		t.Log("pdftotext not found: the saved PDF's text is not checked")
	}

	p.language.SetSelectedIndex(0)
	if p.opt.Lang != report.LangEnglish {
		t.Fatalf("English chosen, language %q", p.opt.Lang)
	}
	for _, want := range []string{"Hearing report", "Attendance", "Wed 4 Mar 2026"} {
		if _, ok := previewHas(p, want); !ok {
			t.Errorf("English preview does not hold %q", want)
		}
	}
	if _, ok := previewHas(p, "របាយការណ៍សវនាការ"); ok {
		t.Error("the English preview still shows the Khmer report")
	}
	if name := p.fileName(p.choice()); name != "hearing-2026-03-04.pdf" {
		t.Errorf("English PDF named %q", name)
	}
	out := filepath.Join(t.TempDir(), "r.html")
	if err := p.save(out, "html", ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `<html lang="en">`) || strings.Contains(string(b), "របាយការណ៍សវនាការ") {
		t.Error("the English HTML is not in English")
	}

	p.format.SetSelectedIndex(2) // CSV
	if !p.language.Disabled() || p.table.Disabled() {
		t.Error("for CSV the language choice should be off and the table on")
	}
	p.format.SetSelectedIndex(0)
	if p.language.Disabled() {
		t.Error("for PDF the language choice is off")
	}
}

// In the English interface the report starts in English.
func TestExportLanguageFollowsInterface(t *testing.T) {
	resetLanguage(t)
	if err := setLanguage(langEnglish); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	_, hid := exportVault(t, u)
	p, err := newExportPreview(u, report.SubjectHearing, hid)
	if err != nil {
		t.Fatal(err)
	}
	if p.language.Selected != "English" || p.doc.Kind != "Hearing report" {
		t.Errorf("in the English interface: %q, %q", p.language.Selected, p.doc.Kind)
	}
}
