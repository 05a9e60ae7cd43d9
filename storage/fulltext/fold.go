package fulltext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the comparable search form of s: NFKD, lower-cased, Latin
// diacritics removed, invisible characters removed, control characters
// turned into spaces, then NFC. Khmer marks are preserved.
//
// Fold is idempotent: Fold(Fold(s)) == Fold(s). Invalid UTF-8 is replaced
// by U+FFFD, so the result is always valid UTF-8 and never contains NUL.
func Fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	if isASCIIKhmer(s) {
		return foldASCIIKhmer(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFKD.String(s)

	var b strings.Builder
	b.Grow(len(s))
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

// FoldName is the loosest form in which two names are compared: Fold with
// every white space removed, so that "Sok Chea", "SOK  CHEA", "Sokchea",
// "Sôk Chea" and "Sok Che\u0301a" meet, and Khmer written with spaces, with
// zero-width spaces or with nothing between the words meets too. The
// Defendants filter compares names in this form, and roster import uses it
// to find a stored person whose name nearly matches a row's.
func FoldName(s string) string {
	return strings.Join(strings.Fields(Fold(s)), "")
}

// foldCase maps r to its lower-case form, going through upper case first so
// that case variants with no direct lower-case mapping meet: "ς" and "Σ"
// both become "σ", Cherokee "ꭰ" and "Ꭰ" both become "ꭰ". Unlike
// golang.org/x/text/cases.Fold, which swaps Cherokee cases, it is
// idempotent for every rune, and it maps NFKD-normalized runes to
// NFKD-normalized runes (see TestFoldCaseTotal).
func foldCase(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is Fold for ASCII input, where NFKD, NFC and case folding
// reduce to lower-casing. It does not allocate if s is already folded.
func foldASCII(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || ('A' <= c && c <= 'Z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c < 0x20 || c == 0x7f:
			b[i] = ' '
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// isASCIIKhmer reports whether s is valid UTF-8 of ASCII, Khmer (without
// U+17DD) and zero-width spaces and joiners only, the usual text of a
// note. For such text NFKD and NFC change nothing: none of these runes
// decomposes or composes with another, and the only one among them that
// is not a starter, COENG (combining class 9), is never reordered, since
// U+17DD (class 230), the only other Khmer non-starter, is left out
// (TestFoldASCIIKhmer). So Fold reduces to foldASCIIKhmer.
func isASCIIKhmer(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && !isKhmerChunkRune(r) || r == 0x17DD {
			return false // utf8.RuneError, for invalid UTF-8, is neither
		}
	}
	return true
}

// foldASCIIKhmer is Fold for text that isASCIIKhmer accepts: ASCII is
// lower-cased and its control characters become spaces, the invisible
// runes (zero-width ones, U+17B4, U+17B5) are removed, and the rest of
// the Khmer is kept.
func foldASCIIKhmer(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r < 0x20 || r == 0x7f {
				r = ' '
			}
			b.WriteByte(byte(foldCase(r)))
		case !IsInvisible(r):
			b.WriteString(s[i : i+utf8.RuneLen(r)])
		}
	}
	return b.String()
}

// isLatinDiacritic reports whether r is a combining mark from one of the
// general-purpose diacritics blocks, used with Latin, Greek and Cyrillic.
// Marks of other blocks, Khmer's among them, are never removed.
func isLatinDiacritic(r rune) bool {
	switch {
	case 0x0300 <= r && r <= 0x036F, // Combining Diacritical Marks
		0x0483 <= r && r <= 0x0489, // Cyrillic combining marks
		0x1AB0 <= r && r <= 0x1AFF, // Combining Diacritical Marks Extended
		0x1DC0 <= r && r <= 0x1DFF, // Combining Diacritical Marks Supplement
		0x20D0 <= r && r <= 0x20FF, // Combining Diacritical Marks for Symbols
		0xFE20 <= r && r <= 0xFE2F: // Combining Half Marks
		return unicode.Is(unicode.M, r)
	}
	return false
}

// IsInvisible reports whether r is a default-ignorable code point: a
// character that is not displayed, such as the zero-width space that Khmer
// writers put between words, joiners, the soft hyphen, the byte order mark,
// bidi controls and variation selectors. The deprecated invisible Khmer
// inherent vowels U+17B4 and U+17B5 are ignorable too.
func IsInvisible(r rune) bool {
	switch {
	case r < 0x00AD:
		return false
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160,
		r == 0x17B4, r == 0x17B5, r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case 0x180B <= r && r <= 0x180F,
		0x200B <= r && r <= 0x200F,
		0x202A <= r && r <= 0x202E,
		0x2060 <= r && r <= 0x206F,
		0xFE00 <= r && r <= 0xFE0F,
		0xFFF0 <= r && r <= 0xFFF8,
		0x1BCA0 <= r && r <= 0x1BCA3,
		0x1D173 <= r && r <= 0x1D17A,
		0xE0000 <= r && r <= 0xE0FFF:
		return true
	}
	return false
}

// latinLetter returns the ASCII spelling of a lower-case Latin letter that
// carries a diacritic or is a ligature but has no Unicode decomposition
// ("đ" in "Đức", "ß" in "Straße"), or "" if r is not one of them.
func latinLetter(r rune) string {
	switch r {
	case 'đ', 'ð':
		return "d"
	case 'ø':
		return "o"
	case 'ł':
		return "l"
	case 'ħ':
		return "h"
	case 'ı':
		return "i"
	case 'ŧ':
		return "t"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'þ':
		return "th"
	case 'ß':
		return "ss"
	}
	return ""
}
