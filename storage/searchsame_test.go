package storage

import (
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

var updateSearchGolden = flag.Bool("update-search-golden", false, "rewrite testdata/search_same.golden from this tree's Search")

// searchSameWords and searchSameKhmer make the notes of
// TestSearchSameAsBefore: Latin words in several cases, with diacritics,
// and Khmer words, some joined by zero-width spaces.
var (
	searchSameWords = strings.Fields(`defendant Defendant DEFENDANTS defence quarantined Quarantine
		judge Judge prosecutor counsel witness summons indictment court hearing absent present bail
		Nguyễn Văn Đức Muñoz Éva Straße interpreter 09:42 002/02 (objection) gallery; police, guards.`)
	searchSameKhmer = []string{"តុលាការ", "ចៅក្រម", "មេធាវី", "ព្រះរាជអាជ្ញា", "ជនជាប់ចោទ", "សាក្សី",
		"សវនាការ", "កឹម\u200bសុខា", "លោក", "ស្រ្តី", "។"}
)

func searchSameText(rng *mrand.Rand) string {
	var sb strings.Builder
	for range 3 + rng.IntN(40) {
		switch r := rng.IntN(100); {
		case r < 20:
			sb.WriteString(searchSameKhmer[rng.IntN(len(searchSameKhmer))])
			if rng.IntN(2) == 0 {
				sb.WriteString(searchSameKhmer[rng.IntN(len(searchSameKhmer))])
			}
		default:
			sb.WriteString(searchSameWords[rng.IntN(len(searchSameWords))])
		}
		sb.WriteString([]string{" ", " ", " ", "  ", "\n", "\u200b", ". "}[rng.IntN(7)])
	}
	return sb.String()
}

// Search's hits, their order and their snippets are what they were before
// the fold-once and chunk fast paths (testdata/search_same.golden, written
// by the tree before them with -update-search-golden): on 300 generated
// Latin, Khmer and mixed notes, persons and events, with edits and
// deletions, for Latin, Khmer and mixed queries and several limits.
func TestSearchSameAsBefore(t *testing.T) {
	v, _ := newTestVault(t)
	c, h := seedHearing(t, v)
	label := map[uuid.UUID]string{c.ID: "case", h.ID: "hearing"}
	rng := mrand.New(mrand.NewPCG(11, 17))
	var notes []*Note
	for i := range 300 {
		n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Second), Text: searchSameText(rng)}
		if rng.IntN(4) == 0 {
			n.Tags = []string{[]string{"procedure", "Défense", "ចៅក្រម"}[rng.IntN(3)]}
		}
		notes = append(notes, n)
	}
	for i := 0; i < len(notes); i += 30 {
		p := &Person{Name: "Kem Sokha " + fmt.Sprint(i), NameLocal: "កឹម សុខា", Aliases: []string{"Lok Défendant"}}
		e := &Event{HearingID: h.ID, Time: h.Scheduled, Type: "public_denied_entry", Comment: searchSameText(rng)}
		rs := []Record{p, e}
		for _, n := range notes[i : i+30] {
			rs = append(rs, n)
		}
		mustPut(t, v, rs...)
		label[p.ID], label[e.ID] = fmt.Sprint("person ", i), fmt.Sprint("event ", i)
	}
	for i, n := range notes {
		label[n.ID] = fmt.Sprint("note ", i)
	}
	for i := 0; i < len(notes); i += 9 {
		notes[i].Text = "quarantined defendant " + searchSameText(rng)
		mustPut(t, v, notes[i])
	}
	for i := 4; i < len(notes); i += 13 {
		if err := v.Update(func(tx *Tx) error { return tx.Delete(notes[i].ID) }); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{
		"defendant quarantined", "quarantined defendant", "DEFENDANT", "def quar", "d", "defendants",
		"nguyen duc", "munoz", "strasse", "eva", "09", "002", "objection", "judge court",
		"ចៅក្រម", "កឹមសុខា", "សុខា", "ក", "ស្រ", "ចោទ defendant", "លោក judge", "sokha", "défense",
		"public entry", "nothing", "defendant nothing",
	}
	var b strings.Builder
	for _, q := range queries {
		for _, limit := range []int{1, 7, 50} {
			hits, err := v.Search(q, limit)
			if err != nil {
				t.Fatalf("Search(%q, %d): %v", q, limit, err)
			}
			fmt.Fprintf(&b, "%q %d: %d hits\n", q, limit, len(hits))
			for _, hit := range hits {
				if label[hit.ID] == "" {
					t.Fatalf("Search(%q) found %s, which the test did not save", q, hit.ID)
				}
				fmt.Fprintf(&b, "\t%s %s %q\n", label[hit.ID], hit.Kind, hit.Snippet)
			}
		}
	}
	got := b.String()
	golden := filepath.Join("testdata", "search_same.golden")
	if *updateSearchGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Fatalf("results differ from %s at line %d:\n got %s\nwant %s", golden, i+1, g[i], w[i])
		}
	}
	t.Fatalf("results differ from %s: %d lines, want %d", golden, len(g), len(w))
}
