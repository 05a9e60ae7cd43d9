package ui

import (
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"courtwatch/report"
	"courtwatch/storage"
)

// In Khmer the checklist tab shows the Khmer question texts and section
// titles, and answers are stored under the same ids and version.
func TestChecklistKhmer(t *testing.T) {
	resetLanguage(t)
	if err := setLanguage(langKhmer); err != nil {
		t.Fatal(err)
	}
	tr, err := report.LoadChecklistTranslation(checklistVersion, langKhmer)
	if err != nil {
		t.Fatal(err)
	}
	f := newChecklistFixture(t)
	p := f.panel()
	content := f.u.win.Canvas().Content()

	want := tr.Questions["PRE-01"]
	if !hasLabel(content, want) || !hasLabel(content, tr.Sections["PRE"]) {
		t.Errorf("the list does not show PRE-01 and its section in Khmer: %q", labelTexts(p.list))
	}
	if hasLabel(content, "Was the accused informed promptly") {
		t.Error("the list still shows PRE-01 in English")
	}
	p.selectQuestion("PRE-01")
	if p.form.text.Text != want || p.form.title.Text != "PRE-01 · "+tr.Sections["PRE"]+" · ICCPR 9(2)" {
		t.Errorf("form shows %q / %q", p.form.title.Text, p.form.text.Text)
	}
	for i := range p.rows { // wrapped Khmer rows are higher: none is cut off
		p.list.ScrollTo(i)
		assertRowsFit(t, p)
	}

	f.answer("PRE-01", '1', "")
	for _, d := range f.persons {
		a := f.stored(t)[answerKey{"PRE-01", d.ID}]
		if a == nil || a.Answer != storage.AnswerYes || a.ChecklistVersion != checklistVersion {
			t.Errorf("%s: stored %+v, want yes to PRE-01 under version 1", d.Name, a)
		}
	}
}

// In English the tab shows the English texts.
func TestChecklistEnglish(t *testing.T) {
	resetLanguage(t)
	if err := setLanguage(langEnglish); err != nil {
		t.Fatal(err)
	}
	f := newChecklistFixture(t)
	p := f.panel()
	const want = "Was the accused informed promptly of the reasons for arrest?"
	if !hasLabel(f.u.win.Canvas().Content(), want) || !hasLabel(p.list, "Pre-trial") {
		t.Errorf("the list does not show PRE-01 in English: %q", labelTexts(p.list))
	}
	p.selectQuestion("PRE-01")
	if p.form.text.Text != want {
		t.Errorf("form shows %q", p.form.text.Text)
	}
}

// currentLanguage follows setLanguage, and the system without a choice.
func TestCurrentLanguage(t *testing.T) {
	resetLanguage(t)
	for _, code := range []string{langKhmer, langEnglish} {
		if err := setLanguage(code); err != nil {
			t.Fatal(err)
		}
		if got := currentLanguage(); got != code {
			t.Errorf("after setLanguage(%q) currentLanguage() = %q", code, got)
		}
	}
	if err := setLanguage(langSystem); err != nil {
		t.Fatal(err)
	}
	if got, want := currentLanguage(), lang.SystemLocale().LanguageString(); got != want {
		t.Errorf("following the system, currentLanguage() = %q, want %q", got, want)
	}
}

// assertRowsFit fails if a shown row of the list is lower than its content
// needs, e.g. a wrapped question text that is cut off.
func assertRowsFit(t *testing.T, p *checklistPanel) {
	t.Helper()
	rows := 0
	for _, o := range test.LaidOutObjects(p.list) {
		v, ok := o.(*checkRowView)
		if !ok || !v.Visible() || v.Size().Height == 0 {
			continue
		}
		rows++
		if need, have := v.MinSize().Height, v.Size().Height; need > have {
			t.Errorf("row %q / %q is %.0f high, needs %.0f", v.id.Text, v.header.Text, have, need)
		}
		l := v.header
		if v.item.Visible() {
			l = v.text
		}
		if l.MinSize().Height > l.Size().Height {
			t.Errorf("label %q is %.0f high, needs %.0f", l.Text, l.Size().Height, l.MinSize().Height)
		}
	}
	if rows < 3 {
		t.Errorf("only %d rows shown", rows)
	}
}
