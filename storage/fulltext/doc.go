// Package fulltext turns notes, names and aliases into search-index terms,
// and checks search queries against the text of a record.
//
// It does no I/O and holds no state. The vault stores the terms as keys
// inside its encrypted store, so terms are plain strings.
//
// # Folding
//
// Text and queries are compared in a folded form, computed by [Fold]:
// compatibility-decomposed (NFKD), case-folded, with Latin, Greek and
// Cyrillic diacritics removed, invisible characters (zero-width space, ZWNJ,
// ZWJ, soft hyphen, byte order mark, bidi controls, variation selectors)
// removed, control characters turned into spaces, and finally recomposed
// (NFC). "Muñoz" folds to "munoz" and "Nguyễn" to "nguyen".
//
// Only the combining marks of the general diacritics blocks (U+0300–U+036F
// and friends) are removed. Khmer dependent vowels, coeng and signs are
// combining marks too, but they are letters of the word: "សុខា" folds to
// itself, rune for rune.
//
// # Terms
//
// Folded text is split into two kinds of run. A Khmer run is a maximal
// sequence of runes from U+1780–U+17FF and U+19E0–U+19FF, except the Khmer
// punctuation U+17D4–U+17DA (។ ៕ …), which separates runs. A word is a
// maximal sequence of other letters, digits and marks, in any script.
// Everything else separates.
//
// Each term is one kind byte followed by folded text:
//
//	'w' + word   each word, cut to at most 64 bytes at a rune boundary
//	'k' + gram   each code-point n-gram of each Khmer run
//
// Khmer is written without spaces between words (writers sometimes put
// invisible zero-width spaces there, which folding removes), so there is no
// reliable word to index: a name is usually just a stretch in the middle of a
// longer run, as in "លោកសមរង្ស៊ីបានមក". Khmer is therefore searched by
// substring. Every position of a run starts exactly one gram: a trigram, or
// near the end of the run the shorter tail (bigram, then unigram). A query
// run of three runes or more is found by its trigrams, each probed exactly;
// a query run of one or two runes is found by a prefix probe, which the tail
// grams make complete.
//
// Latin-script query words match word prefixes ("rains" finds "Rainsy"),
// so they are probed by prefix.
//
// A Khmer query run must lie inside one Khmer run of the text, and spaces
// and Khmer punctuation end runs. So the query "សម រង្ស៊ី" (two parts) finds
// both "សម រង្ស៊ី" and "សមរង្ស៊ី", but the query "សមរង្ស៊ី" finds only
// the second. Zero-width spaces do not matter either way.
//
// # Queries
//
// [ParseQuery] splits a query the same way. Every part must match.
// [Query.Lookups] lists the index probes whose posting sets, intersected,
// give the candidate records. The index narrows the search but it is not the
// truth: n-grams can all be present without the query being a substring, a
// word cut at 64 bytes loses its tail, and an index can be stale or have been
// tampered with. [Query.Match] therefore re-checks each candidate against
// its full text, and only records that pass are results.
package fulltext
