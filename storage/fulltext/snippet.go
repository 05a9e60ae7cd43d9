package fulltext

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

const (
	// snippetRunes is the usual length of a snippet, without ellipses.
	snippetRunes = 80
	// snippetLead is how much text a snippet shows before the match.
	snippetLead = 25
	// snippetSlack is how far a cut may move to land on a space.
	snippetSlack = 12
)

// runeBufs holds the rune buffers of Snippet, which takes one per call, so
// that a search does not allocate one per hit; a buffer is cleared before
// it goes back, and one longer than maxPooledRunes is dropped.
var runeBufs = sync.Pool{New: func() any { return new([]rune) }}

const maxPooledRunes = 16 << 10

const (
	zwsp = '\u200B'
	zwnj = '\u200C'
	zwj  = '\u200D'
)

// Snippet returns a short excerpt of text, about 80 runes, around the first
// place where a part of the query matches, for result lists.
//
// The excerpt is cut at spaces where one is near, and never inside a rune,
// before a combining mark, or inside a Khmer cluster: in Khmer it is cut
// only before a consonant or independent vowel (or a Khmer digit or date
// symbol) that does not follow COENG (U+17D2). Runs of white space, line
// breaks included, become one space, and "…" marks each end that is not an
// end of text. If no part of the query occurs in text, the excerpt is taken
// from the start of text.
func (q Query) Snippet(text string) string {
	buf := runeBufs.Get().(*[]rune)
	rs := (*buf)[:0]
	for _, r := range text { // as []rune(text): invalid UTF-8 becomes U+FFFD
		rs = append(rs, r)
	}
	defer func() {
		clear(rs) // leave no note text behind in the pool
		if cap(rs) <= maxPooledRunes {
			*buf = rs
			runeBufs.Put(buf)
		}
	}()
	ms, me := 0, 0 // approximate start and end of the match
	if k, p, ok := q.firstMatch(rs); ok {
		me = k
		ms = max(0, k-utf8.RuneCountInString(p[1:]))
		if p[0] == kindWord {
			for ms > 0 && classify(rs[ms-1]) == kindWord {
				ms--
			}
		}
	}

	start := max(0, ms-snippetLead)
	end := min(len(rs), max(start+snippetRunes, me))
	if end == len(rs) {
		start = max(0, min(start, end-snippetRunes))
	}
	start = cutStart(rs, start, ms)
	end = cutEnd(rs, end, me)

	return snippetBody(rs[start:end], start > 0, end < len(rs))
}

// snippetBody returns rs with its runs of white space collapsed to one
// space and trimmed at both ends, marked with "…" before if lead and after
// if tail, or "" if rs is blank: what strings.Join(strings.FieldsFunc(
// string(rs), isBlank), " ") with the ellipses gives, in one allocation.
func snippetBody(rs []rune, lead, tail bool) string {
	var b strings.Builder
	b.Grow(len(rs) + 2*len("…"))
	wrote, space := false, false
	for _, r := range rs {
		if isBlank(r) {
			space = wrote
			continue
		}
		switch {
		case !wrote && lead:
			b.WriteString("…")
		case space:
			b.WriteByte(' ')
		}
		wrote, space = true, false
		b.WriteRune(r)
	}
	if wrote && tail {
		b.WriteString("…")
	}
	return b.String()
}

// firstMatch returns the shortest prefix of rs, as a rune count, in which
// some part of q occurs, and that part.
//
// No part can match across white space, ASCII punctuation or Khmer
// punctuation, which fold to themselves and separate words and Khmer runs,
// so rs is looked at a chunk between two of them at a time. Within the
// first chunk that matches, occurrence is monotonic in the prefix length
// (words and Khmer runs only grow), so a binary search over folded
// prefixes finds the end of the match. Two kinds of chunk need no folding:
// an ASCII chunk is one word, which Fold only lower-cases
// (firstInASCII), and a chunk of Khmer and zero-width characters folds to
// Khmer only (TestFoldKhmerStaysKhmer), which no query word matches.
func (q Query) firstMatch(rs []rune) (int, string, bool) {
	if q.Empty() {
		return 0, "", false
	}
	khmerParts := false
	for _, p := range q.parts {
		khmerParts = khmerParts || p[0] != kindWord
	}
	for a := 0; a < len(rs); a++ {
		b := a
		ascii, khmer := true, true
		for ; b < len(rs) && !isChunkBreak(rs[b]); b++ {
			ascii = ascii && rs[b] < utf8.RuneSelf
			khmer = khmer && isKhmerChunkRune(rs[b])
		}
		if b == a {
			continue
		}
		if ascii {
			if n, p, ok := q.firstInASCII(rs[a:b]); ok {
				return a + n, p, true
			}
			a = b
			continue
		}
		if khmer && !khmerParts {
			a = b
			continue
		}
		if _, ok := q.anyIn(Fold(string(rs[a:b]))); !ok {
			a = b
			continue
		}
		k := a + sort.Search(b-a, func(n int) bool {
			_, ok := q.anyIn(Fold(string(rs[a : a+n])))
			return ok
		})
		p, ok := q.anyIn(Fold(string(rs[a:k])))
		if !ok { // not quite monotonic after all; settle for the chunk
			k = b
			p, _ = q.anyIn(Fold(string(rs[a:b])))
		}
		return k, p, true
	}
	return 0, "", false
}

// firstInASCII is firstMatch within one chunk of ASCII letters and digits:
// Fold lower-cases it and it is one word, so the shortest prefix in which a
// part occurs is the shortest query word that begins the chunk (Khmer
// parts never occur in ASCII). Two query words of one length that both
// begin the chunk would be equal, and parts are distinct.
func (q Query) firstInASCII(chunk []rune) (int, string, bool) {
	best := ""
	for _, p := range q.parts {
		w := p[1:]
		if p[0] != kindWord || len(w) > len(chunk) || best != "" && len(w) >= len(best)-1 {
			continue
		}
		i := 0
		for i < len(w) && rune(w[i]) == foldCase(chunk[i]) {
			i++
		}
		if i == len(w) {
			best = p
		}
	}
	return len(best) - 1, best, best != ""
}

// isKhmerChunkRune reports whether r is in the Khmer blocks or is a zero-width
// space or joiner: a rune that Fold keeps as Khmer or removes.
func isKhmerChunkRune(r rune) bool {
	return 0x1780 <= r && r <= 0x17FF || 0x19E0 <= r && r <= 0x19FF || zwsp <= r && r <= zwj
}

// isChunkBreak reports whether r always separates words and Khmer runs.
func isChunkBreak(r rune) bool {
	if r < utf8.RuneSelf {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	return unicode.IsSpace(r) || 0x17D4 <= r && r <= 0x17DA
}

// cutStart moves a snippet start i (no later than limit) to a place where
// the text may be cut, preferring the start of a word.
func cutStart(rs []rune, i, limit int) int {
	if i <= 0 {
		return 0
	}
	for j := i; j <= min(limit, i+snippetSlack); j++ {
		if isBreak(rs[j-1]) && canCut(rs, j) {
			return j
		}
	}
	for j := i; j > 0; j-- {
		if canCut(rs, j) {
			return j
		}
	}
	return 0
}

// cutEnd moves a snippet end i (no earlier than limit) to a place where the
// text may be cut, preferring the end of a word.
func cutEnd(rs []rune, i, limit int) int {
	if i >= len(rs) {
		return len(rs)
	}
	for j := i; j >= max(limit, i-snippetSlack); j-- {
		if isBreak(rs[j]) && canCut(rs, j) {
			return j
		}
	}
	for j := i; j > limit; j-- {
		if canCut(rs, j) {
			return j
		}
	}
	for j := i + 1; j < len(rs); j++ {
		if canCut(rs, j) {
			return j
		}
	}
	return len(rs)
}

// canCut reports whether text may be cut before rs[i] without separating a
// base from its marks, a joiner from its neighbours, or a Khmer consonant
// from its COENG.
func canCut(rs []rune, i int) bool {
	if i <= 0 || i >= len(rs) {
		return true
	}
	r, prev := rs[i], rs[i-1]
	if prev == coeng || prev == zwj || prev == zwnj || r == zwj || r == zwnj {
		return false
	}
	if 0x1780 <= r && r <= 0x17FF || 0x19E0 <= r && r <= 0x19FF {
		return isKhmerBase(r)
	}
	return !unicode.Is(unicode.M, r)
}

// isKhmerBase reports whether r is a Khmer consonant, independent vowel,
// digit or lunar-date symbol: a rune that starts a cluster.
func isKhmerBase(r rune) bool {
	return 0x1780 <= r && r <= 0x17B3 || // consonants, independent vowels
		0x17E0 <= r && r <= 0x17E9 || // digits
		0x17F0 <= r && r <= 0x17F9 || // numeric symbols for divination lore
		0x19E0 <= r && r <= 0x19FF // lunar date symbols
}

// isBreak reports whether a snippet may end before, or start after, r.
func isBreak(r rune) bool {
	return isBlank(r) || r == zwsp || 0x17D4 <= r && r <= 0x17DA
}

func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}
