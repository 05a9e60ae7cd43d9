package ui

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"courtwatch/assets"
)

// kmComplete makes TestKhmerTranslation fail on keys of en.json missing
// from km.json; python3 tools/i18n/missing.py lists them.
const kmComplete = true

var (
	placeholderRE = regexp.MustCompile(`\{\{[^}]*\}\}`)
	shortcutRE    = regexp.MustCompile(`Ctrl\+(?:Shift\+)?[A-Za-z0-9,]`)
)

// readTranslation reads assets/i18n/<code>.json.
func readTranslation(t *testing.T, code string) map[string]string {
	t.Helper()
	raw, err := assets.I18n.ReadFile("i18n/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// TestKhmerTranslation checks km.json against en.json: only known keys,
// the same {{.X}} placeholders and the same shortcuts as the English.
func TestKhmerTranslation(t *testing.T) {
	en, km := readTranslation(t, "en"), readTranslation(t, "km")
	for key, text := range km {
		if _, ok := en[key]; !ok {
			t.Errorf("km.json has %q, which en.json does not", key)
			continue
		}
		if text == "" {
			t.Errorf("km.json: %q is translated as nothing", key)
		}
		want, got := placeholderRE.FindAllString(key, -1), placeholderRE.FindAllString(text, -1)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("km.json: %q has placeholders %v, want %v", text, got, want)
		}
		for _, sc := range shortcutRE.FindAllString(key, -1) {
			if !strings.Contains(text, sc) {
				t.Errorf("km.json: %q lacks the shortcut %s", text, sc)
			}
		}
	}
	var missing int
	for key := range en {
		if _, ok := km[key]; !ok {
			missing++
			if kmComplete {
				t.Errorf("km.json lacks %q", key)
			}
		}
	}
	if missing > 0 && !kmComplete {
		t.Logf("km.json lacks %d of %d keys (python3 tools/i18n/missing.py)", missing, len(en))
	}
	// go-i18n, which lang.L uses, must accept the file.
	t.Cleanup(func() { _ = setLanguage(langSystem) })
	if err := setLanguage(langKhmer); err != nil {
		t.Fatal(err)
	}
}
