package fulltext

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Lookup is one index probe: the postings of Term (exact) or of every term
// that begins with Term (Prefix).
type Lookup struct {
	Term   string
	Prefix bool
}

// Query is a parsed search query. Every part must match (AND).
//
// The zero Query is empty.
type Query struct {
	// parts are the folded query words and Khmer runs, each prefixed by its
	// kind byte like a term, deduplicated, in query order.
	parts []string
}

// ParseQuery parses a search query. The query is folded like indexed text
// and split the same way, into words, each of which must be a prefix of a
// word of the text, and Khmer runs, each of which must be a substring of a
// Khmer run of the text. Punctuation and spaces only separate parts.
func ParseQuery(q string) Query {
	var out Query
	for kind, s := range segments(Fold(q)) {
		p := string(kind) + s
		if !slices.Contains(out.parts, p) {
			out.parts = append(out.parts, p)
		}
	}
	return out
}

// Empty reports whether the query has nothing to search for, for example
// because it is blank or only punctuation.
func (q Query) Empty() bool {
	return len(q.parts) == 0
}

// Lookups returns the probes whose posting sets are intersected to find
// candidates, deduplicated, in query order:
//
//   - for each query word w, Lookup{'w'+w, Prefix: true}, with w cut to
//     64 bytes like indexed words;
//   - for each Khmer query run of three runes or more, one exact Lookup
//     per code-point trigram;
//   - for each Khmer query run of one or two runes, Lookup{'k'+run,
//     Prefix: true}.
//
// Lookups returns nil for an empty query. Candidates must be confirmed
// with [Query.Match].
func (q Query) Lookups() []Lookup {
	var out []Lookup
	add := func(l Lookup) {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	for _, p := range q.parts {
		kind, s := p[0], p[1:]
		switch {
		case kind == kindWord:
			add(Lookup{Term: string(kindWord) + truncate(s, maxWordBytes), Prefix: true})
		case utf8.RuneCountInString(s) < gramRunes:
			add(Lookup{Term: p, Prefix: true})
		default:
			for g := range trigrams(s) {
				add(Lookup{Term: string(kindKhmer) + g})
			}
		}
	}
	return out
}

// Match reports whether text satisfies the query, checking the full text of
// a record rather than the index, which can be stale or tampered with.
// Every query word must be a prefix of some word of Fold(text), split as by
// [Terms], and every Khmer query run must be a substring of some Khmer run
// of Fold(text).
//
// An empty query matches nothing.
func (q Query) Match(text string) bool {
	return !q.Empty() && q.matchFolded(Fold(text))
}

// Hit reports whether text satisfies the query, as [Query.Match] does, and
// if so returns the snippet [Query.Snippet] would: the text is folded once
// for the match, and the snippet folds no ASCII chunk of it, nor, when
// the query has no Khmer, any Khmer chunk.
func (q Query) Hit(text string) (string, bool) {
	if !q.Match(text) {
		return "", false
	}
	return q.Snippet(text), true
}

// matchFolded is Match for text that is already folded.
//
// A Khmer part consists of Khmer-run runes only, so any occurrence of it in
// f lies inside one Khmer run, and a plain substring search will do. Word
// parts are checked against the words of f in one pass, in time linear in
// len(f) for a given query.
func (q Query) matchFolded(f string) bool {
	words := 0
	for _, p := range q.parts {
		if p[0] == kindWord {
			words++
		} else if !strings.Contains(f, p[1:]) {
			return false
		}
	}
	if words == 0 {
		return true
	}
	var small [8]bool // found, without an allocation for most queries
	found := small[:]
	if len(q.parts) > len(small) {
		found = make([]bool, len(q.parts))
	}
	for kind, w := range segments(f) {
		if kind != kindWord {
			continue
		}
		for i, p := range q.parts {
			if !found[i] && p[0] == kindWord && strings.HasPrefix(w, p[1:]) {
				found[i] = true
				if words--; words == 0 {
					return true
				}
			}
		}
	}
	return false
}

// anyIn returns a part of q that matches folded text f, if any.
func (q Query) anyIn(f string) (string, bool) {
	words := false
	for _, p := range q.parts {
		if p[0] == kindWord {
			words = true
		} else if strings.Contains(f, p[1:]) {
			return p, true
		}
	}
	if !words {
		return "", false
	}
	for kind, w := range segments(f) {
		if kind != kindWord {
			continue
		}
		for _, p := range q.parts {
			if p[0] == kindWord && strings.HasPrefix(w, p[1:]) {
				return p, true
			}
		}
	}
	return "", false
}
