package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"courtwatch/assets"
)

// TestTranslationKeys checks that every string the screens pass to lang.L
// has an entry in en.json, so translators see all of them.
func TestTranslationKeys(t *testing.T) {
	raw, err := assets.I18n.ReadFile("i18n/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]string
	if err := json.Unmarshal(raw, &en); err != nil {
		t.Fatal(err)
	}
	for _, e := range defaultEvents {
		if _, ok := en[e.Label]; !ok {
			t.Errorf("event label %q missing from en.json", e.Label)
		}
	}
	re := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			key, err := strconv.Unquote(`"` + string(m[1]) + `"`)
			if err != nil {
				t.Fatalf("%s: %s: %v", f, m[1], err)
			}
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q missing from assets/i18n/en.json", f, m[1])
			}
		}
	}
}
