package fulltext

import (
	"slices"
	"strings"
	"testing"
)

func TestParseQueryLookups(t *testing.T) {
	long := strings.Repeat("x", 70)
	tests := []struct {
		name      string
		q         string
		wantEmpty bool
		want      []Lookup
	}{
		{"blank", "   ", true, nil},
		{"punctuation only", " .,;-។៕ ", true, nil},
		{"invisible only", "\u200b\u200c\ufeff", true, nil},
		{"latin word", "Sokha", false, []Lookup{{"wsokha", true}}},
		{"latin dedup", " Sokha, SOKHA sok ", false, []Lookup{{"wsokha", true}, {"wsok", true}}},
		{"diacritics", "Muñoz Éva", false, []Lookup{{"wmunoz", true}, {"weva", true}}},
		{"long word cut like the index", long, false, []Lookup{{"w" + long[:64], true}}},
		{"khmer one rune", "ស", false, []Lookup{{"kស", true}}},
		{"khmer two runes", "សម", false, []Lookup{{"kសម", true}}},
		{"khmer three runes", "កឹម", false, []Lookup{{"kកឹម", false}}},
		{"khmer trigrams", "រង្ស៊ី", false, []Lookup{
			{"kរង្", false}, {"kង្ស", false}, {"k្ស៊", false}, {"kស៊ី", false}}},
		{"khmer repeated trigrams dedup", "សុសុសុ", false, []Lookup{
			{"kសុស", false}, {"kុសុ", false}}},
		{"khmer zwsp removed", "សម\u200bរង", false, []Lookup{
			{"kសមរ", false}, {"kមរង", false}}},
		{"khmer name with space", samRainsy, false, []Lookup{
			{"kសម", true},
			{"kរង្", false}, {"kង្ស", false}, {"k្ស៊", false}, {"kស៊ី", false}}},
		{"mixed in query order", "sokha កឹម kem", false, []Lookup{
			{"wsokha", true}, {"kកឹម", false}, {"wkem", true}}},
		{"shared trigram across runs dedup", "កឹម កឹមសុខា", false, []Lookup{
			{"kកឹម", false}, {"kឹមស", false}, {"kមសុ", false}, {"kសុខ", false}, {"kុខា", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ParseQuery(tt.q)
			if q.Empty() != tt.wantEmpty {
				t.Errorf("ParseQuery(%q).Empty() = %v, want %v", tt.q, q.Empty(), tt.wantEmpty)
			}
			if got := q.Lookups(); !slices.Equal(got, tt.want) {
				t.Errorf("ParseQuery(%q).Lookups()\n got %v\nwant %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestParseQueryParts(t *testing.T) {
	q := ParseQuery("  Kem\tSOKHA (កឹម\u200b សុខា) kem ")
	want := []string{"wkem", "wsokha", "kកឹម", "kសុខា"}
	if !slices.Equal(q.parts, want) {
		t.Errorf("parts = %q, want %q", q.parts, want)
	}
}

func TestMatch(t *testing.T) {
	mixed := "Kem Sokha (" + kemSokha + ") was absent"
	tests := []struct {
		name, query, text string
		want              bool
	}{
		{"case", "Sokha", "SOKHA", true},
		{"case reverse", "SOKHA", "Kem Sokha", true},
		{"acute", "Éva", "eva", true},
		{"acute reverse", "eva", "Éva Horváth", true},
		{"tilde", "munoz", "Judge Muñoz", true},
		{"vietnamese", "nguyen van", "Nguyễn Văn An", true},
		{"vietnamese d", "duc", "Trần Đức", true},
		{"vietnamese wrong word", "nguyen ann", "Nguyễn Văn An", false},
		{"word prefix", "rains", "Sam Rainsy", true},
		{"whole words", "sam rainsy", "Sam Rainsy", true},
		{"not a word prefix", "ainsy", "Sam Rainsy", false},
		{"all words required", "sam sokha", "Sam Rainsy", false},
		{"word after nul", "b", "a\x00b", true},
		{"sharp s", "strasse", "Straße", true},
		{"digits", "20", "case 2019", true},
		{"latin glued to khmer", "abc", "abcកឹម", true},
		{"latin inside khmer is not a prefix", "bc", "abcកឹម", false},
		{"empty query", "", "anything", false},

		{"khmer name inside sentence", "រង្ស៊ី", rainsySentence, true},
		{"khmer full name without space", "សមរង្ស៊ី", rainsySentence, true},
		{"khmer name with space, text without", samRainsy, rainsySentence, true},
		{"khmer substring inside cluster", "ង្ស", samRainsy, true},
		{"khmer single rune", "ស", kemSokha, true},
		{"khmer absent", "សុខា", muSochua, false},
		{"khmer shared prefix", "សុខ", muSochua, true},
		{"khmer mark is not optional", "កម", kemSokha, false},
		{"khmer across space", "សមរង្ស៊ី", samRainsy, false},
		{"khmer across punctuation", "សមរង", "សម។រង", false},
		{"zwsp in text", "សមរង្ស៊ី", "លោក សម\u200bរង្ស៊ី\u200bបានមក", true},
		{"zwsp in query", "សម\u200bរង្ស៊ី", rainsySentence, true},
		{"zwnj and zwj ignored", "សុ\u200cខា", "កឹម\u200d សុខា", true},
		{"inherent vowel ignored", "សុខា", "សុ\u17b4ខា", true},

		{"mixed", "sokha កឹម", mixed, true},
		{"mixed full names", "kem sokha " + kemSokha, mixed, true},
		{"mixed wrong khmer", "sokha សម", mixed, false},
		{"mixed wrong latin", "rainsy កឹម", mixed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseQuery(tt.query).Match(tt.text); got != tt.want {
				t.Errorf("ParseQuery(%q).Match(%q) = %v, want %v", tt.query, tt.text, got, tt.want)
			}
		})
	}
}

// Match is the truth: it must reject a candidate whose trigrams are all in
// the index but that does not contain the query.
func TestMatchRejectsTrigramFalsePositive(t *testing.T) {
	// "abcab" has trigrams abc, bca, cab; the text "abca xbcab" has all of
	// them in separate runs. Use Khmer consonants for a, b, c.
	const a, b, c = "ក", "ខ", "គ"
	q := ParseQuery(a + b + c + a + b)
	text := a + b + c + a + " " + b + c + a + b
	terms := Terms(text)
	for _, l := range q.Lookups() {
		if !slices.Contains(terms, l.Term) {
			t.Fatalf("lookup %q not in Terms(%q): test is not exercising a false positive", l.Term, text)
		}
	}
	if q.Match(text) {
		t.Errorf("Match(%q) = true for query %q split across runs", text, a+b+c+a+b)
	}
}

// A Query and the package functions are safe for concurrent use (run with
// -race).
func TestConcurrentUse(t *testing.T) {
	q := ParseQuery("sokha កឹម")
	text := "Kem Sokha (" + kemSokha + ") was absent"
	want := Terms(text)
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 50 {
				ok = ok && q.Match(text) && slices.Equal(Terms(text), want) &&
					len(q.Lookups()) == 2 && q.Snippet(text) != ""
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("concurrent use gave a wrong result")
		}
	}
}
