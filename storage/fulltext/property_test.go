package fulltext

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// refRun is a word or Khmer run of folded text, found by refRuns.
type refRun struct {
	khmer bool
	s     string
}

// refRuns splits folded text as the package documentation says, written
// independently of classify and segments so that the property tests check
// the implementation against the specification rather than against itself.
func refRuns(f string) []refRun {
	var runs []refRun
	var cur []rune
	curKhmer := false
	flush := func() {
		if len(cur) > 0 {
			runs = append(runs, refRun{curKhmer, string(cur)})
		}
		cur = nil
	}
	for _, r := range f {
		inKhmerBlock := unicode.In(r, unicode.Khmer) || (r >= 0x19E0 && r <= 0x19FF) ||
			(r >= 0x1780 && r <= 0x17FF)
		khmerPunct := r >= 0x17D4 && r <= 0x17DA
		isWord := !inKhmerBlock && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		switch {
		case inKhmerBlock && !khmerPunct:
			if !curKhmer {
				flush()
			}
			curKhmer = true
			cur = append(cur, r)
		case isWord:
			if curKhmer {
				flush()
			}
			curKhmer = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return runs
}

// checkFound asserts that searching for sub finds text through the index
// built by Terms: every exact lookup is a term, every prefix lookup is the
// prefix of a term, and Match confirms. sub must be a prefix of a word of
// Fold(text) or a substring of a Khmer run of Fold(text).
func checkFound(t *testing.T, text string, terms []string, sub string) {
	t.Helper()
	q := ParseQuery(sub)
	if q.Empty() {
		t.Errorf("ParseQuery(%q) is empty", sub)
		return
	}
	for _, l := range q.Lookups() {
		if l.Prefix {
			if !slices.ContainsFunc(terms, func(term string) bool { return strings.HasPrefix(term, l.Term) }) {
				t.Errorf("query %q: no term of %q has prefix %q\nterms: %q", sub, text, l.Term, terms)
			}
		} else if !slices.Contains(terms, l.Term) {
			t.Errorf("query %q: exact lookup %q not in Terms(%q)\nterms: %q", sub, l.Term, text, terms)
		}
	}
	if !q.Match(text) {
		t.Errorf("ParseQuery(%q).Match(%q) = false", sub, text)
	}
}

var propertyCorpus = []string{
	samRainsy, kemSokha, muSochua, rainsySentence,
	"Kem Sokha (" + kemSokha + ") was absent",
	"លោក\u200bកឹម\u200bសុខា\u200bមិន\u200bបាន\u200bមក\u200bទេ។",
	"ព្រះរាជាណាចក្រកម្ពុជា ជាតិ សាសនា ព្រះមហាក្សត្រ",
	"Nguyễn Văn Đức, Muñoz, Éva, Straße, İstanbul",
	"Case 002/02: ខៀវ សំផន (Khieu Samphan) & នួន ជា (Nuon Chea) — ១៧ មេសា ១៩៧៥",
	"ឆ្នាំ២០២៤ការកាត់ក្តី\x00ក្រុង ភ្នំពេញ\u00a0court",
	"abcកឹមdef ហ៊ុន សែន\u17b4",
}

// For every text in the corpus, every Khmer substring of every Khmer run
// and every prefix of every word is found.
func TestLookupProperty(t *testing.T) {
	for _, text := range propertyCorpus {
		terms := Terms(text)
		for _, run := range refRuns(Fold(text)) {
			rs := []rune(run.s)
			if !run.khmer {
				for j := 1; j <= len(rs); j++ {
					checkFound(t, text, terms, string(rs[:j]))
				}
				continue
			}
			for i := range rs {
				for j := i + 1; j <= len(rs); j++ {
					checkFound(t, text, terms, string(rs[i:j]))
				}
			}
		}
	}
}

func TestRefRunsAgreeWithSegments(t *testing.T) {
	for _, text := range propertyCorpus {
		f := Fold(text)
		var got []refRun
		for kind, s := range segments(f) {
			got = append(got, refRun{kind == kindKhmer, s})
		}
		if want := refRuns(f); !slices.Equal(got, want) {
			t.Errorf("segments(%q) = %v, want %v", f, got, want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range propertyCorpus {
		f.Add(s, uint16(0), uint16(0))
		f.Add(s, uint16(3), uint16(0x0102))
	}
	f.Add("", uint16(0), uint16(0))
	f.Add("a\x00b\xff\xfe\u200b\u200dc", uint16(1), uint16(7))
	f.Add("ក្\u17d2្ស"+strings.Repeat("ž", 40), uint16(5), uint16(9))
	f.Add("ᾳ ΐ İ ǅ ẞ Ⓐ ㈜ Ꭰꭰ \u0345", uint16(2), uint16(300))
	f.Fuzz(func(t *testing.T, text string, pick, span uint16) {
		terms := Terms(text)
		if again := Terms(text); !slices.Equal(terms, again) {
			t.Fatalf("Terms(%q) is not deterministic: %q then %q", text, terms, again)
		}
		seen := make(map[string]bool)
		for _, term := range terms {
			switch {
			case len(term) < 2 || (term[0] != kindWord && term[0] != kindKhmer):
				t.Fatalf("malformed term %q", term)
			case strings.IndexByte(term, 0) >= 0:
				t.Fatalf("term %q contains NUL", term)
			case !utf8.ValidString(term[1:]):
				t.Fatalf("term %q is not valid UTF-8 after the kind byte", term)
			case term[0] == kindWord && len(term)-1 > maxWordBytes:
				t.Fatalf("word term %q is longer than %d bytes", term, maxWordBytes)
			case seen[term]:
				t.Fatalf("duplicate term %q", term)
			}
			seen[term] = true
		}

		folded := Fold(text)
		if !utf8.ValidString(folded) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", text, folded)
		}
		if again := Fold(folded); again != folded {
			t.Fatalf("Fold is not idempotent: Fold(%q) = %q, Fold of that = %q", text, folded, again)
		}

		// Pick a run of the folded text and, in it, a Khmer substring or a
		// word prefix: searching for it must find the text.
		runs := refRuns(folded)
		if len(runs) == 0 {
			if len(terms) != 0 {
				t.Fatalf("Terms(%q) = %q, but the text has no words or Khmer runs", text, terms)
			}
			return
		}
		run := runs[int(pick)%len(runs)]
		rs := []rune(run.s)
		i, j := 0, 1+int(span)%len(rs)
		if run.khmer {
			i = int(span>>8) % len(rs)
			j = i + 1 + int(span&0xff)%(len(rs)-i)
		}
		sub := string(rs[i:j])
		checkFound(t, text, terms, sub)

		if s := ParseQuery(sub).Snippet(text); !utf8.ValidString(s) {
			t.Fatalf("Snippet(%q) = %q is not valid UTF-8", text, s)
		}

		// The same for a raw substring of the input, whenever it folds to
		// a Khmer substring of a Khmer run or to a prefix of a word.
		raw := []rune(text)
		a := int(pick) % len(raw)
		b := a + 1 + int(span)%(len(raw)-a)
		if fs := refRuns(Fold(string(raw[a:b]))); len(fs) == 1 {
			for _, run := range runs {
				if fs[0].khmer && run.khmer && strings.Contains(run.s, fs[0].s) ||
					!fs[0].khmer && !run.khmer && strings.HasPrefix(run.s, fs[0].s) {
					checkFound(t, text, terms, string(raw[a:b]))
					break
				}
			}
		}
	})
}
