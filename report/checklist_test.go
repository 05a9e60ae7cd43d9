package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"courtwatch/assets"
	"courtwatch/report"
)

// The Khmer checklist translates every section and question of version 1,
// names nothing else, and leaves no text empty, English or templated.
func TestChecklistTranslationKhmer(t *testing.T) {
	raw, err := fs.ReadFile(assets.Checklists, "checklists/fair-trial-v1.km.json")
	if err != nil {
		t.Fatal(err)
	}
	// Only the documented fields: no standards or scopes to drift from v1.
	var file report.ChecklistTranslation
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		t.Fatalf("fair-trial-v1.km.json: %v", err)
	}

	cl, err := report.LoadChecklist("1")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := report.LoadChecklistTranslation("1", "km")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Checklist != "fair-trial" || tr.Version != "1" || tr.Language != "km" {
		t.Errorf("header %q %q %q", tr.Checklist, tr.Version, tr.Language)
	}
	var sections, questions []string
	for _, s := range cl.Sections {
		sections = append(sections, s.ID)
		checkKhmer(t, "section "+s.ID, tr.Sections[s.ID])
		for _, q := range s.Questions {
			questions = append(questions, q.ID)
			checkKhmer(t, q.ID, tr.Questions[q.ID])
		}
	}
	if len(tr.Sections) != len(sections) || len(tr.Questions) != len(questions) {
		t.Errorf("translation has %d sections and %d questions, v1 has %d and %d",
			len(tr.Sections), len(tr.Questions), len(sections), len(questions))
	}
	for id := range tr.Sections {
		if !slices.Contains(sections, id) {
			t.Errorf("section %s is not in v1", id)
		}
	}
	for id := range tr.Questions {
		if !slices.Contains(questions, id) {
			t.Errorf("question %s is not in v1", id)
		}
	}
}

var (
	latinWord   = regexp.MustCompile(`[A-Za-z]{3,}`)
	placeholder = regexp.MustCompile(`\{\{|\}\}|%[sdvq]|TODO|FIXME|XXX`)
)

// checkKhmer fails unless text is Khmer: not empty, no placeholders, and
// no English words beyond the brand name "Like" quoted from social media.
func checkKhmer(t *testing.T, what, text string) {
	t.Helper()
	switch {
	case strings.TrimSpace(text) == "":
		t.Errorf("%s: no Khmer text", what)
		return
	case placeholder.MatchString(text):
		t.Errorf("%s: placeholder in %q", what, text)
	case strings.TrimSpace(text) != text || strings.Contains(text, "  "):
		t.Errorf("%s: stray spaces in %q", what, text)
	}
	khmer := 0
	for _, r := range text {
		if unicode.Is(unicode.Khmer, r) {
			khmer++
		}
	}
	if khmer < 5 {
		t.Errorf("%s: %q is not Khmer", what, text)
	}
	for _, w := range latinWord.FindAllString(text, -1) {
		if w != "Like" {
			t.Errorf("%s: English word %q in %q", what, w, text)
		}
	}
}

// Translated keeps ids, scopes, standards and concerns, and changes only
// the texts; the English checklist is left as it was.
func TestChecklistTranslated(t *testing.T) {
	cl, err := report.LoadChecklist("1")
	if err != nil {
		t.Fatal(err)
	}
	enText := cl.Question("PRE-01").Text
	km, err := cl.Translated("km")
	if err != nil {
		t.Fatal(err)
	}
	if km == cl || km.Version != "1" || km.ID != cl.ID || len(km.Sections) != len(cl.Sections) {
		t.Fatalf("Translated(km) = %p version %q, want a copy of version 1", km, km.Version)
	}
	for i, s := range cl.Sections {
		ks := km.Sections[i]
		if ks.ID != s.ID || ks.Title == s.Title || len(ks.Questions) != len(s.Questions) {
			t.Errorf("section %s: %s %q, %d questions", s.ID, ks.ID, ks.Title, len(ks.Questions))
			continue
		}
		for j, q := range s.Questions {
			kq := ks.Questions[j]
			if kq.ID != q.ID || kq.Scope != q.Scope || kq.Standard != q.Standard || kq.Concern != q.Concern {
				t.Errorf("%s: translated %+v", q.ID, kq)
			}
			if kq.Text == q.Text || kq.Section != ks || km.Question(q.ID) != kq {
				t.Errorf("%s: text %q, section %p (want %p)", q.ID, kq.Text, kq.Section, ks)
			}
		}
	}
	if got := km.Question("PRE-01").Text; got != "តើជនជាប់ចោទត្រូវបានជូនដំណឹងភ្លាមៗ អំពីមូលហេតុនៃការចាប់ខ្លួនឬទេ?" {
		t.Errorf("PRE-01 in Khmer: %q", got)
	}
	if got := cl.Question("PRE-01"); got.Text != enText || got.Section.Title != "Pre-trial" {
		t.Errorf("the English checklist changed: %q in %q", got.Text, got.Section.Title)
	}

	// Languages without a translation give the English checklist.
	for _, lang := range []string{"", "en", "fr", "../i18n/km", "km.json"} {
		if got, err := cl.Translated(lang); err != nil || got != cl {
			t.Errorf("Translated(%q) = %p, %v; want the English checklist", lang, got, err)
		}
		if _, err := report.LoadChecklistTranslation("1", lang); !errors.Is(err, report.ErrNoTranslation) {
			t.Errorf("LoadChecklistTranslation(1, %q): %v, want ErrNoTranslation", lang, err)
		}
	}
	if _, err := report.LoadChecklistTranslation("9", "km"); !errors.Is(err, report.ErrUnknownChecklist) {
		t.Errorf("LoadChecklistTranslation(9, km): %v, want ErrUnknownChecklist", err)
	}
}

// Every checklist file loads as its version; a translation file is never
// taken for a version, nor is any other name.
func TestChecklistVersions(t *testing.T) {
	files, err := fs.ReadDir(assets.Checklists, "checklists")
	if err != nil {
		t.Fatal(err)
	}
	versionFile := regexp.MustCompile(`^fair-trial-v([0-9A-Za-z]+)\.json$`)
	translationFile := regexp.MustCompile(`^fair-trial-v([0-9A-Za-z]+)\.([a-z]+)\.json$`)
	var versions []string
	for _, f := range files {
		switch name := f.Name(); {
		case versionFile.MatchString(name):
			v := versionFile.FindStringSubmatch(name)[1]
			cl, err := report.LoadChecklist(v)
			if err != nil || cl.Version != v {
				t.Errorf("%s: %v", name, err)
			}
			versions = append(versions, v)
		case translationFile.MatchString(name):
			m := translationFile.FindStringSubmatch(name)
			if _, err := report.LoadChecklist(m[1] + "." + m[2]); !errors.Is(err, report.ErrUnknownChecklist) {
				t.Errorf("LoadChecklist(%q): %v, want ErrUnknownChecklist", m[1]+"."+m[2], err)
			}
			if _, err := report.LoadChecklistTranslation(m[1], m[2]); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		default:
			t.Errorf("checklists/%s is neither a checklist nor a translation", name)
		}
	}
	if !slices.Equal(versions, []string{"1"}) {
		t.Errorf("versions %q, want [1]", versions)
	}
	for _, v := range []string{"", "1.km", "1/../1", "../checklists/fair-trial-v1", "9"} {
		if _, err := report.LoadChecklist(v); !errors.Is(err, report.ErrUnknownChecklist) {
			t.Errorf("LoadChecklist(%q): %v, want ErrUnknownChecklist", v, err)
		}
	}
}
