package fulltext

import (
	"iter"
	"unicode"
	"unicode/utf8"
)

// Term kinds: the first byte of every term and of every query part.
const (
	kindWord  = 'w'
	kindKhmer = 'k'
	kindSep   = 0 // separators; never appears in a term
)

// maxWordBytes is the longest word kept in a term. Longer words are cut at
// the last rune boundary that fits; Match still sees the whole word.
const maxWordBytes = 64

// gramRunes is the length, in code points, of Khmer n-grams.
const gramRunes = 3

// coeng is U+17D2 KHMER SIGN COENG, which makes the next consonant a
// subscript of the previous one.
const coeng = '\u17D2'

// classify returns the kind of run r belongs to in folded text.
func classify(r rune) byte {
	switch {
	case r < utf8.RuneSelf:
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' {
			return kindWord
		}
		return kindSep
	case 0x1780 <= r && r <= 0x17FF:
		if 0x17D4 <= r && r <= 0x17DA { // Khmer punctuation: ។ ៕ ៗ …
			return kindSep
		}
		return kindKhmer
	case 0x19E0 <= r && r <= 0x19FF: // Khmer symbols (lunar dates)
		return kindKhmer
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.M, r):
		return kindWord
	}
	return kindSep
}

// segments yields the words and Khmer runs of folded text f, in order.
func segments(f string) iter.Seq2[byte, string] {
	return func(yield func(byte, string) bool) {
		start, cur := 0, byte(kindSep)
		for i, r := range f {
			k := classify(r)
			if k == cur {
				continue
			}
			if cur != kindSep && !yield(cur, f[start:i]) {
				return
			}
			start, cur = i, k
		}
		if cur != kindSep {
			yield(cur, f[start:])
		}
	}
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// grams yields, for every rune position of the Khmer run s, the gram that
// starts there: gramRunes runes, or fewer where the run ends sooner. So a
// run "abcd" yields "abc", "bcd", "cd", "d".
func grams(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < len(s); {
			_, n := utf8.DecodeRuneInString(s[i:])
			end := i + n
			for k := 1; k < gramRunes && end < len(s); k++ {
				_, n := utf8.DecodeRuneInString(s[end:])
				end += n
			}
			if !yield(s[i:end]) {
				return
			}
			i += n
		}
	}
}

// trigrams yields the complete gramRunes-long grams of s, which must have
// at least gramRunes runes.
func trigrams(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for g := range grams(s) {
			if utf8.RuneCountInString(g) < gramRunes || !yield(g) {
				return
			}
		}
	}
}

// Terms returns the deduplicated index terms of text, in first-seen order.
// Each term is one kind byte followed by folded text:
//
//	'w' + word  for each word outside Khmer (cut to 64 bytes at a rune boundary)
//	'k' + gram  for each gram of each Khmer run: the code-point trigram
//	            starting at every position, or at the last two positions the
//	            tail bigram and unigram, so that every position of the run
//	            starts exactly one gram
//
// Terms never contain NUL and are valid UTF-8 after the kind byte.
func Terms(text string) []string {
	var (
		terms []string
		seen  = make(map[string]struct{})
		buf   []byte
	)
	add := func(kind byte, s string) {
		buf = append(append(buf[:0], kind), s...)
		if _, ok := seen[string(buf)]; ok {
			return
		}
		t := string(buf)
		seen[t] = struct{}{}
		terms = append(terms, t)
	}
	for kind, s := range segments(Fold(text)) {
		if kind == kindWord {
			add(kindWord, truncate(s, maxWordBytes))
			continue
		}
		for g := range grams(s) {
			add(kindKhmer, g)
		}
	}
	return terms
}
