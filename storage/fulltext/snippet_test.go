package fulltext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var (
	latinDoc = strings.Repeat("The court heard the prosecution. ", 4) +
		"Sam Rainsy was named in the indictment." +
		strings.Repeat(" The defence objected.", 4)
	khmerDoc = strings.Repeat("តុលាការបានស្តាប់សាក្សី", 4) + rainsySentence +
		strings.Repeat("ព្រះរាជាណាចក្រកម្ពុជា", 4)
)

func TestSnippet(t *testing.T) {
	tests := []struct {
		name, query, text, want string
	}{
		{"empty text", "sokha", "", ""},
		{"short text whole, blanks collapsed", "sokha", "Kem  Sokha\nwas\tabsent ", "Kem Sokha was absent"},
		{"empty query takes the start", "", latinDoc,
			"The court heard the prosecution. The court heard the prosecution. The court…"},
		{"no match takes the start", "chea", latinDoc,
			"The court heard the prosecution. The court heard the prosecution. The court…"},
		{"match in the middle", "rainsy", latinDoc,
			"…the prosecution. Sam Rainsy was named in the indictment. The defence…"},
		{"match in the middle, accents folded", "rainsy", strings.Replace(latinDoc, "Rainsy", "RAÍNSY", 1),
			"…the prosecution. Sam RAÍNSY was named in the indictment. The defence…"},
		{"first of several matches", "objected", latinDoc,
			"…indictment. The defence objected. The defence objected. The defence objected.…"},
		{"match at the start", "court", latinDoc,
			"The court heard the prosecution. The court heard the prosecution. The court…"},
		{"khmer name", "រង្ស៊ី", khmerDoc,
			"…លាការបានស្តាប់សាក្សីលោក សមរង្ស៊ីបានមកដល់តុលាការព្រះរាជាណាចក្រកម្ពុជាព្រះរាជាណាច…"},
		{"khmer short text whole", "សុខា", "លោក កឹម\u200bសុខា", "លោក កឹម\u200bសុខា"},
		{"mixed: earliest part wins", "sokha កឹម", "Kem Sokha (" + kemSokha + ") was absent",
			"Kem Sokha (" + kemSokha + ") was absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseQuery(tt.query).Snippet(tt.text); got != tt.want {
				t.Errorf("Snippet(%q) of %q\n got %q\nwant %q", tt.query, tt.text, got, tt.want)
			}
		})
	}
}

// For many queries, a snippet contains the match, is about 80 runes, is a
// piece of the text, and is cut only where the text may be cut.
func TestSnippetCuts(t *testing.T) {
	docs := []string{latinDoc, khmerDoc,
		strings.Repeat("ក្រុមប្រឹក្សាធម្មនុញ្ញ\u200b", 8) + kemSokha + strings.Repeat("ស្រ្តី", 20),
		strings.Repeat("Nguyễn Văn Đức ", 6) + "Muñoz " + strings.Repeat("e\u0301", 90)}
	for _, doc := range docs {
		rs := []rune(doc)
		// Khmer substrings of length 1 to 4 starting at every other rune,
		// and word prefixes.
		var queries []string
		for _, run := range refRuns(Fold(doc)) {
			r := []rune(run.s)
			for i := 0; i < len(r); i += 2 {
				for j := i + 1; j <= min(len(r), i+4); j++ {
					if run.khmer || i == 0 {
						queries = append(queries, string(r[i:j]))
					}
				}
			}
		}
		for _, query := range queries {
			got := ParseQuery(query).Snippet(doc)
			checkSnippet(t, doc, rs, query, got)
		}
	}
}

func checkSnippet(t *testing.T, doc string, rs []rune, query, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("Snippet(%q) = %q: invalid UTF-8", query, got)
	}
	if !ParseQuery(query).Match(got) {
		t.Errorf("Snippet(%q) = %q does not contain the match", query, got)
	}
	body, lead := strings.CutPrefix(got, "…")
	body, tail := strings.CutSuffix(body, "…")
	if n := utf8.RuneCountInString(body); n > snippetRunes+snippetSlack {
		t.Errorf("Snippet(%q) = %q has %d runes", query, got, n)
	}
	// The text has no blank runs to collapse, so the body is a piece of it.
	start := strings.Index(doc, body)
	if start < 0 {
		t.Fatalf("Snippet(%q) = %q is not a piece of the text", query, got)
	}
	if lead != (start > 0) {
		t.Errorf("Snippet(%q) = %q: leading ellipsis %v, but snippet starts at byte %d", query, got, lead, start)
	}
	if end := start + len(body); tail != (end < len(doc)) {
		t.Errorf("Snippet(%q) = %q: trailing ellipsis %v, but snippet ends at byte %d of %d", query, got, tail, end, len(doc))
	}
	i := utf8.RuneCountInString(doc[:start])
	j := i + utf8.RuneCountInString(body)
	for _, cut := range []int{i, j} {
		if cut == 0 || cut == len(rs) {
			continue
		}
		r, prev := rs[cut], rs[cut-1]
		switch {
		case unicode.IsMark(r):
			t.Errorf("Snippet(%q) = %q: cut before mark %U", query, got, r)
		case prev == coeng:
			t.Errorf("Snippet(%q) = %q: cut after COENG", query, got)
		case unicode.In(r, unicode.Khmer) && !(r >= 0x1780 && r <= 0x17B3):
			t.Errorf("Snippet(%q) = %q: cut before Khmer %U, not a consonant or independent vowel", query, got, r)
		}
	}
}
