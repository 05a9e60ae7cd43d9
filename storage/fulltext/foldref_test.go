package fulltext

import (
	mrand "math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldRef is Fold without its fast path for ASCII and Khmer text: the
// reference TestFoldASCIIKhmer and FuzzFoldSameAsBefore hold Fold to.
func foldRef(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFKD.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case IsInvisible(r), isLatinDiacritic(r):
			continue
		case unicode.IsControl(r):
			r = ' '
		default:
			r = foldCase(r)
		}
		if m := latinLetter(r); m != "" {
			b.WriteString(m)
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// The fast path of Fold for ASCII and Khmer text gives what the general
// path gives: its precondition holds for every rune it accepts (no
// decomposition, no composition of any two, COENG the only non-starter),
// and on generated text and the property corpus the results are equal.
func TestFoldASCIIKhmer(t *testing.T) {
	var alphabet []rune
	for r := rune(0); r <= 0x1FFFF; r++ {
		if isASCIIKhmer(string(r)) {
			alphabet = append(alphabet, r)
		}
	}
	if len(alphabet) < 128+150 {
		t.Fatalf("only %d runes take the fast path", len(alphabet))
	}
	for _, r := range alphabet {
		s := string(r)
		if d := norm.NFKD.String(s); d != s {
			t.Errorf("NFKD(%U) = %q: it decomposes", r, d)
		}
		if ccc := norm.NFC.PropertiesString(s).CCC(); ccc != 0 && r != coeng {
			t.Errorf("%U has combining class %d", r, ccc)
		}
	}
	for _, a := range alphabet {
		for _, b := range alphabet {
			if s := string(a) + string(b); norm.NFC.String(s) != s {
				t.Errorf("NFC(%U %U) = %q: they compose or reorder", a, b, norm.NFC.String(s))
			}
		}
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	texts := append([]string{}, propertyCorpus...)
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(40) {
			switch rng.IntN(4) {
			case 0:
				sb.WriteString(hitPieces[rng.IntN(len(hitPieces))])
			default:
				sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
		}
		texts = append(texts, sb.String())
	}
	for _, s := range texts {
		if got, want := Fold(s), foldRef(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzFoldSameAsBefore(f *testing.F) {
	for _, s := range propertyCorpus {
		f.Add(s)
	}
	f.Add("Defendant\n\x7fកឹម\u200bសុខា\u17b4\u17dd\u17d2ក\u17d2\u17ddក")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldRef(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}
