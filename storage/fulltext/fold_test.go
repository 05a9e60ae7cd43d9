package fulltext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Names used throughout the tests.
const (
	samRainsy = "សម រង្ស៊ី"  // Sam Rainsy
	kemSokha  = "កឹម សុខា"   // Kem Sokha
	muSochua  = "មូរ សុខហួរ" // Mu Sochua
	// "Mr Sam Rainsy arrived at the court", with no space inside the name.
	rainsySentence = "លោក សមរង្ស៊ីបានមកដល់តុលាការ"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii lower", "sokha", "sokha"},
		{"ascii upper", "SOKHA Sokha", "sokha sokha"},
		{"acute", "Éva", "eva"},
		{"tilde", "Muñoz", "munoz"},
		{"vietnamese", "Nguyễn Văn An", "nguyen van an"},
		{"vietnamese d", "Đỗ Đức", "do duc"},
		{"stroke letters", "Łódź Øster Æsir", "lodz oster aesir"},
		{"sharp s", "Straße", "strasse"},
		{"dotted capital I", "İstanbul", "istanbul"},
		{"greek final sigma", "ΣΟΦΟΣ σοφος", "σοφοσ σοφοσ"},
		{"cyrillic", "Йошкар-Ола", "иошкар-ола"},
		{"compatibility", "ﬁle ① Ⓐ ｆｕｌｌ", "file 1 a full"},
		{"nbsp", "a\u00a0b", "a b"},
		{"controls become spaces", "a\x00b\tc\nd\x7fe\u0085f", "a b c d e f"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"invisibles removed", "\ufeffso\u00adkha\u200b\u200c\u200d\u2060!", "sokha!"},
		{"bidi controls removed", "\u202eahk\u202cos", "ahkos"},
		{"khmer unchanged", kemSokha, kemSokha},
		{"khmer zwsp removed", "សម\u200bរង្ស៊ី", "សមរង្ស៊ី"},
		{"khmer zwnj removed", "ស\u200cម", "សម"},
		{"khmer inherent vowel removed", "ក\u17b4ម", "កម"},
		{"latin diacritic on khmer removed", "ក\u0301ម", "កម"},
		{"khmer punctuation kept", "សុខា។", "សុខា។"},
		{"mixed", "Kem SOKHA (កឹម សុខា)", "kem sokha (កឹម សុខា)"},
		{"thai marks kept", "กิน", "กิน"},
		{"devanagari kept", "हिन्दी", "हिन्दी"},
		{"hangul recomposed", "한국", "한국"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Khmer dependent vowels and signs are Unicode marks (Mn, Mc) but letters
// of the word: Fold must keep every one of them.
func TestFoldKeepsKhmerMarks(t *testing.T) {
	for _, s := range []string{"សុខា", samRainsy, kemSokha, muSochua, rainsySentence,
		"ព្រះរាជាណាចក្រកម្ពុជា", "ក៏ ក៌ ក៍ ក៎ ក៏ ក័ កំ កះ កៈ ក៉ ក៊ ក់ ក៑ ក៓ ក៝"} {
		got := Fold(s)
		if got != s {
			t.Errorf("Fold(%q) = %q, want it unchanged", s, got)
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(s) {
			t.Errorf("Fold(%q) has %d runes, want %d", s,
				utf8.RuneCountInString(got), utf8.RuneCountInString(s))
		}
	}
}

func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{"Nguyễn Văn Đức", "ᾳ ΐ İ ǅ ẞ", "Ⓐ ㈜ ﷺ", rainsySentence,
		"e\u0301\u0327 a\u0345", "\u1100\u1161\u11a8", "Ꭰꭰ"} {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func TestFoldASCIIDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("already folded text ", 10)
	if n := testing.AllocsPerRun(100, func() { Fold(s) }); n != 0 {
		t.Errorf("Fold of folded ASCII allocates %v times, want 0", n)
	}
}

// foldCase must be idempotent for every rune, and must not turn a rune that
// NFKD leaves alone into one that NFKD would change: Fold relies on both
// to be idempotent without normalizing twice.
//
// Runes outside unicode.CaseRanges, the table behind unicode.ToUpper and
// unicode.ToLower, map to themselves, so checking those ranges covers all.
func TestFoldCaseTotal(t *testing.T) {
	for _, cr := range unicode.CaseRanges {
		for r := rune(cr.Lo); r <= rune(cr.Hi); r++ {
			checkFoldCase(t, r)
		}
	}
	for r := rune(0); r < utf8.RuneSelf; r++ {
		checkFoldCase(t, r)
	}
}

func checkFoldCase(t *testing.T, r rune) {
	t.Helper()
	f := foldCase(r)
	if g := foldCase(f); g != f {
		t.Errorf("foldCase(%U) = %U, but foldCase(%U) = %U", r, f, f, g)
	}
	if f != r && norm.NFKD.String(string(r)) == string(r) &&
		norm.NFKD.String(string(f)) != string(f) {
		t.Errorf("foldCase(%U) = %U, which NFKD decomposes", r, f)
	}
}
