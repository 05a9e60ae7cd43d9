package fulltext

import (
	mrand "math/rand/v2"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// snippetRef and firstMatchRef are Snippet and firstMatch as they were
// before the fast paths for ASCII and Khmer chunks (folding every chunk,
// then a binary search over folded prefixes of the first that matches):
// the reference that TestHitSameAsBefore and FuzzHitSameAsBefore hold
// Query.Hit and Query.Snippet to.
func snippetRef(q Query, text string) string {
	rs := []rune(text)
	ms, me := 0, 0
	if k, p, ok := firstMatchRef(q, rs); ok {
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
	body := strings.Join(strings.FieldsFunc(string(rs[start:end]), isBlank), " ")
	if start > 0 && body != "" {
		body = "…" + body
	}
	if end < len(rs) && body != "" {
		body += "…"
	}
	return body
}

func firstMatchRef(q Query, rs []rune) (int, string, bool) {
	if q.Empty() {
		return 0, "", false
	}
	for a := 0; a < len(rs); a++ {
		b := a
		for b < len(rs) && !isChunkBreak(rs[b]) {
			b++
		}
		if b == a {
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
		if !ok {
			k = b
			p, _ = q.anyIn(Fold(string(rs[a:b])))
		}
		return k, p, true
	}
	return 0, "", false
}

// checkHitSame holds Hit and Snippet to Match and snippetRef.
func checkHitSame(t *testing.T, query, text string) {
	t.Helper()
	q := ParseQuery(query)
	want := snippetRef(q, text)
	if got := q.Snippet(text); got != want {
		t.Fatalf("Snippet(%q) of %q\n got %q\nwant %q", query, text, got, want)
	}
	snip, ok := q.Hit(text)
	if wantOK := q.Match(text); ok != wantOK {
		t.Fatalf("Hit(%q) of %q: match %v, Match says %v", query, text, ok, wantOK)
	}
	if ok && snip != want {
		t.Fatalf("Hit(%q) of %q: snippet\n got %q\nwant %q", query, text, snip, want)
	}
	if !ok && snip != "" {
		t.Fatalf("Hit(%q) of %q: no match but snippet %q", query, text, snip)
	}
}

// hitPieces are the pieces randomHitText joins: Latin words in several
// cases, with diacritics and ligatures, Khmer words with COENG and marks,
// invisible characters, fullwidth and compatibility forms, punctuation,
// blanks of every kind, and invalid UTF-8.
var hitPieces = []string{
	"defendant", "Defendant", "DEFENDANTS", "quarantined", "Quarantine", "quar", "def",
	"Nguyễn", "Văn", "Đức", "Muñoz", "Straße", "İstanbul", "Éva", "e\u0301", "ﬁne", "Ｄｅｆｅｎｄａｎｔ",
	"កឹម", "សុខា", "លោក", "ចៅក្រម", "ស្រ្តី", "ព្រះរាជាណាចក្រ", "៣", "ᧀ", "\u17b4", "\u17dd\u17d2",
	"\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff",
	" ", "  ", "\n", "\t", "\u00a0", "\u3000", "\x00", "\x7f", ".", ",", "(", ")", "-", "/", ":", "។", "៕",
	"09:42", "002/02", "\xff", "\xe1\x9e", "ᾳ", "Σ", "ς", "ǅ", "Ⓐ", "㈜",
}

func randomHitText(rng *mrand.Rand, n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteString(hitPieces[rng.IntN(len(hitPieces))])
		if rng.IntN(3) == 0 {
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

// Hit and Snippet give the same results as Match and the snippet code they
// replace, on generated Latin, Khmer and mixed texts and queries, and on
// the snippet tests' documents.
func TestHitSameAsBefore(t *testing.T) {
	queries := []string{
		"defendant quarantined", "def", "quar defendant", "DEFENDANT", "nguyen", "van duc", "munoz",
		"strasse", "istanbul", "eva", "fine", "e", "d", "កឹម", "សុខា", "កឹមសុខា", "ក", "ចៅក្រម defendant",
		"ស្រ្តី", "σ", "ǆ", "a", "㈜", "", ".", "nothing here", "defendant ព្រះ",
	}
	rng := mrand.New(mrand.NewPCG(3, 5))
	var texts []string
	texts = append(texts, propertyCorpus...)
	texts = append(texts, latinDoc, khmerDoc, "", " ", strings.Repeat("defendant ", 30)+"quarantined")
	for range 400 {
		texts = append(texts, randomHitText(rng, 1+rng.IntN(60)))
	}
	for _, text := range texts {
		for _, query := range queries {
			checkHitSame(t, query, text)
		}
		// Queries taken from the text itself, so that most of them match.
		rs := []rune(text)
		for range 4 {
			if len(rs) == 0 {
				break
			}
			a := rng.IntN(len(rs))
			b := a + 1 + rng.IntN(min(8, len(rs)-a))
			checkHitSame(t, string(rs[a:b]), text)
			checkHitSame(t, string(rs[a:b])+" defendant", text)
		}
	}
}

func FuzzHitSameAsBefore(f *testing.F) {
	for _, s := range propertyCorpus {
		f.Add("sokha", s)
		f.Add("កឹម", s)
	}
	f.Add("defendant quarantined", "The Defendant was quarantined. លោក\u200bកឹម")
	f.Add("ｄｅｆ", "Ｄｅｆｅｎｄａｎｔ\u00a0x")
	f.Add("e", "e\u0301\u17b4\xff")
	f.Fuzz(func(t *testing.T, query, text string) {
		checkHitSame(t, query, text)
	})
}

// firstMatch skips a chunk of Khmer and zero-width runes (isKhmerChunkRune)
// when the query has no Khmer parts, without folding it, because its fold
// holds Khmer runes only, never a word. That holds for every such chunk if
// no rune of the set decomposes (NFKD then only reorders the runes), Fold
// keeps each Khmer rune and removes each zero-width one, and no two Khmer
// runes compose (NFC then only reorders them back).
func TestFoldKhmerStaysKhmer(t *testing.T) {
	var set, khmer []rune
	for r := rune(0); r <= 0x1FFFF; r++ {
		if isKhmerChunkRune(r) && !isChunkBreak(r) {
			set = append(set, r)
		}
	}
	for _, r := range set {
		s := string(r)
		if d := norm.NFKD.String(s); d != s {
			t.Errorf("NFKD(%U) = %q: it decomposes", r, d)
		}
		switch f := Fold(s); {
		case IsInvisible(r):
			if f != "" {
				t.Errorf("Fold(%U) = %q, want it removed", r, f)
			}
		case f != s:
			t.Errorf("Fold(%U) = %q, want it kept", r, f)
		case classify(r) == kindWord:
			t.Errorf("%U is classified as a word rune", r)
		default:
			khmer = append(khmer, r)
		}
	}
	if len(khmer) < 150 {
		t.Fatalf("only %d Khmer runes kept; the set is wrong", len(khmer))
	}
	for _, a := range khmer {
		for _, b := range khmer {
			if s := string(a) + string(b); norm.NFC.String(s) != s && norm.NFC.String(s) != string(b)+string(a) {
				t.Errorf("NFC(%U %U) = %q: they compose", a, b, norm.NFC.String(s))
			}
		}
	}
}
