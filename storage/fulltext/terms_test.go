package fulltext

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTerms(t *testing.T) {
	long := strings.Repeat("a", 70)
	// 40 two-byte runes (80 bytes): the term keeps the first 32 (64 bytes).
	longAccented := strings.Repeat("ж", 40)
	// 63 ASCII bytes then a two-byte rune: the cut must drop the whole rune.
	straddle := strings.Repeat("b", 63) + "жz"

	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"only separators", " .,;()—។ ", nil},
		{"latin", "Kem Sokha was absent", []string{"wkem", "wsokha", "wwas", "wabsent"}},
		{"dedup case-insensitive", "Sokha SOKHA sokha", []string{"wsokha"}},
		{"diacritics", "Nguyễn Văn An", []string{"wnguyen", "wvan", "wan"}},
		{"digits and punctuation", "Case 002/2019, art. 4", []string{"wcase", "w002", "w2019", "wart", "w4"}},
		{"apostrophe splits", "O'Brien", []string{"wo", "wbrien"}},
		{"nul is a separator", "a\x00b", []string{"wa", "wb"}},
		{"one khmer rune", "ក", []string{"kក"}},
		{"two khmer runes", "សម", []string{"kសម", "kម"}},
		{"three khmer runes", "កឹម", []string{"kកឹម", "kឹម", "kម"}},
		{"sam rainsy", samRainsy, []string{
			"kសម", "kម",
			"kរង្", "kង្ស", "k្ស៊", "kស៊ី", "k៊ី", "kី"}},
		{"kem sokha", kemSokha, []string{
			"kកឹម", "kឹម", "kម",
			"kសុខ", "kុខា", "kខា", "kា"}},
		{"mu sochua dedups the repeated tail", muSochua, []string{
			"kមូរ", "kូរ", "kរ",
			"kសុខ", "kុខហ", "kខហួ", "kហួរ", "kួរ"}},
		{"zwsp joins khmer words", "សម\u200bរង", []string{"kសមរ", "kមរង", "kរង", "kង"}},
		{"khmer punctuation separates", "សម។រង", []string{"kសម", "kម", "kរង", "kង"}},
		{"mixed", "Kem Sokha (កឹម) absent", []string{
			"wkem", "wsokha", "kកឹម", "kឹម", "kម", "wabsent"}},
		{"latin glued to khmer", "abcកឹម", []string{"wabc", "kកឹម", "kឹម", "kម"}},
		{"khmer digits are khmer", "១២៣", []string{"k១២៣", "k២៣", "k៣"}},
		{"long word cut", long, []string{"w" + long[:64]}},
		{"long word cut at rune boundary", longAccented, []string{"w" + strings.Repeat("ж", 32)}},
		{"straddling rune dropped", straddle, []string{"w" + strings.Repeat("b", 63)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Terms(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// Every rune position of a Khmer run starts exactly one gram.
func TestTermsKhmerGramCoverage(t *testing.T) {
	for _, run := range []string{"ក", "សម", "កឹម", "សុខា", "សមរង្ស៊ីបានមកដល់តុលាការ"} {
		var got []string
		for g := range grams(run) {
			got = append(got, g)
		}
		rs := []rune(run)
		if len(got) != len(rs) {
			t.Fatalf("grams(%q) gave %d grams, want one per rune (%d)", run, len(got), len(rs))
		}
		for i, g := range got {
			want := string(rs[i:min(i+gramRunes, len(rs))])
			if g != want {
				t.Errorf("grams(%q)[%d] = %q, want %q", run, i, g, want)
			}
		}
	}
}

func TestTermsWellFormed(t *testing.T) {
	text := "Kem Sokha (កឹម សុខា)\x00\xff\u200b" + rainsySentence + strings.Repeat("é", 50)
	for _, term := range Terms(text) {
		if len(term) < 2 || (term[0] != kindWord && term[0] != kindKhmer) {
			t.Errorf("malformed term %q", term)
		}
		if strings.IndexByte(term, 0) >= 0 {
			t.Errorf("term %q contains NUL", term)
		}
		if !utf8.ValidString(term[1:]) {
			t.Errorf("term %q is not valid UTF-8", term)
		}
		if term[0] == kindWord && len(term)-1 > maxWordBytes {
			t.Errorf("word term %q is longer than %d bytes", term, maxWordBytes)
		}
	}
}
