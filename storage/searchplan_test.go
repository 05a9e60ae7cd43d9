package storage

import (
	"bytes"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"courtwatch/storage/fulltext"

	"github.com/google/uuid"
)

// searchByIntersection is Search as it was before the rarest-first plan:
// intersect every lookup's whole posting set, newest first, confirm each
// candidate against its record, stop at limit. The reference for
// TestSearchRarestFirstSameResults.
func searchByIntersection(t *testing.T, v *Vault, query string, limit int) []uuid.UUID {
	t.Helper()
	q := fulltext.ParseQuery(query)
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	var out []uuid.UUID
	err := v.View(func(tx *Tx) error {
		var cand map[uuid.UUID]bool
		for _, l := range q.Lookups() {
			ids, err := tx.postings(l, cand)
			if err != nil {
				return err
			}
			cand = ids
		}
		var ids []uuid.UUID
		for id := range cand {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(b[:], a[:]) })
		for _, id := range ids {
			ver, err := tx.Current(id)
			if err != nil {
				continue
			}
			r, _ := newRecord(ver.Type)
			if decodeInto(ver, r) != nil {
				continue
			}
			if s, ok := r.(searchable); ok && q.Match(s.searchText()) {
				out = append(out, id)
				if len(out) == limit {
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The rarest-first plan (searchplan.go) finds the same hits in the same
// order as intersecting every posting set: rare and common words, prefixes
// that cover many terms (scanned, not probed), Khmer runs, limits that stop
// early, and records edited or deleted after they were indexed.
func TestSearchRarestFirstSameResults(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	rng := mrand.New(mrand.NewPCG(7, 13))
	// "alpha…" words give the prefix "a" more than probeMaxTerms terms.
	var vocab []string
	for i := range 30 {
		vocab = append(vocab, fmt.Sprintf("alpha%c", 'a'+i%26)+strings.Repeat("x", i/26))
	}
	vocab = append(vocab, "defendant", "defendants", "defence", "judge", "quarantined", "summons", "ចៅក្រម", "សុខា")
	var notes []*Note
	for i := range 400 {
		var words []string
		for range 3 + rng.IntN(6) {
			w := vocab[rng.IntN(len(vocab))]
			if w == "quarantined" && rng.IntN(4) != 0 {
				w = "judge" // keep it rare
			}
			words = append(words, w)
		}
		if i%3 == 0 {
			words = append(words, "defendant")
		}
		notes = append(notes, &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Second), Text: strings.Join(words, " ")})
	}
	for i := 0; i < len(notes); i += 50 {
		var rs []Record
		for _, n := range notes[i : i+50] {
			rs = append(rs, n)
		}
		mustPut(t, v, rs...)
	}
	// Edits and deletions after indexing: postings change, and a stale
	// posting must not become a hit.
	for i := 0; i < len(notes); i += 7 {
		notes[i].Text = "quarantined defendant alphaz " + notes[i].Text
		mustPut(t, v, notes[i])
	}
	for i := 3; i < len(notes); i += 11 {
		if err := v.Update(func(tx *Tx) error { return tx.Delete(notes[i].ID) }); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{
		"defendant quarantined", "quarantined defendant", "def quar", "a quarantined", "a d",
		"alphab defendants", "judge", "summons judge defence", "alphaz quarantined judge",
		"ចៅក្រម", "សុខា defendant", "nothingmatches defendant", "d", "defendant",
	}
	for _, q := range queries {
		for _, limit := range []int{1, 3, 50, 1000} {
			want := searchByIntersection(t, v, q, limit)
			hits, err := v.Search(q, limit)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			var got []uuid.UUID
			for _, h := range hits {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q, %d): %d hits %v, want %d %v", q, limit, len(got), got, len(want), want)
			}
		}
	}
	if n := len(searchByIntersection(t, v, "defendant quarantined", 1000)); n < 10 {
		t.Fatalf("the fixture has only %d hits for two words; the test would show little", n)
	}
}

// newest yields the ids of its ascending runs as sorting them newest
// first and dropping repeats would: few runs and many, repeats within and
// across runs, empty input.
func TestNewestSameAsSort(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(3, 5))
	for round := range 300 {
		var s postingScan
		runs := rng.IntN(2 * newestMaxRuns)
		for range runs {
			// A run: ascending ids drawn from a small space, so that runs
			// share ids.
			var run []uuid.UUID
			for range rng.IntN(20) {
				var id uuid.UUID
				id[15] = byte(rng.IntN(64))
				id[0] = byte(rng.IntN(2))
				run = append(run, id)
			}
			slices.SortFunc(run, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
			for _, id := range run {
				s.add(id)
			}
		}
		want := slices.Clone(s.ids)
		slices.SortFunc(want, func(a, b uuid.UUID) int { return bytes.Compare(b[:], a[:]) })
		want = slices.Compact(want)
		o := newNewest(slices.Clone(s.ids), s.runs)
		if o.len() < len(want) {
			t.Fatalf("round %d: len %d, below the %d ids to yield", round, o.len(), len(want))
		}
		var got []uuid.UUID
		if round%2 == 0 {
			got = o.all()
		} else {
			for id, ok := o.next(); ok; id, ok = o.next() {
				got = append(got, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d (%d runs): got %d ids, want %d", round, len(s.runs), len(got), len(want))
		}
	}
}
