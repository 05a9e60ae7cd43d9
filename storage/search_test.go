package storage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Search runs over the encrypted index: notes, names and aliases, Latin by
// word prefix ignoring case and diacritics, Khmer by substring.

type searchFixture struct {
	v       *Vault
	dir     string
	hearing *Hearing
	rainsy  *Person // "Sam Rainsy", "សម រង្ស៊ី"
	sokha   *Person // "Kem Sokha", alias "Lok Prothean"
	nguyen  *Person // "Nguyễn Văn An"
	absent  *Note   // Khmer sentence with Rainsy's name inside, no spaces
	shout   *Note   // "SOKHA" in capitals
	edited  *Note
	deleted *Note
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	v, dir := newTestVault(t)
	c, h := seedHearing(t, v)
	f := &searchFixture{v: v, dir: dir, hearing: h}
	f.rainsy = &Person{Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី"}
	f.sokha = &Person{Name: "Kem Sokha", NameLocal: "កឹម សុខា", Aliases: []string{"Lok Prothean"}}
	f.nguyen = &Person{Name: "Nguyễn Văn An"}
	mustPut(t, v, f.rainsy, f.sokha, f.nguyen)
	note := func(text string, tags ...string) *Note {
		return &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Minute), Text: text, Tags: tags}
	}
	f.absent = note("លោកសមរង្ស៊ីមិនបានមកតុលាការទេ")
	f.shout = note("The clerk calls KEM SOKHA twice.", "attendance")
	f.edited = note("The prosecutor reads the indictment slowly.")
	f.deleted = note("Typo note about the interpreter.")
	mustPut(t, v, f.absent, f.shout, f.edited, f.deleted)
	mustPut(t, v, &Event{HearingID: h.ID, Time: h.Scheduled, Type: "public_denied_entry", Comment: "guards at the gate"})
	mustPut(t, v, &Case{Title: "Incitement case", Number: "C-77", Judges: []string{"Ya Narin"}})
	_ = c

	f.edited.Text = "The prosecutor summarises the indictment quickly."
	mustPut(t, v, f.edited)
	if err := v.Update(func(tx *Tx) error { return tx.Delete(f.deleted.ID) }); err != nil {
		t.Fatal(err)
	}
	return f
}

func searchHitIDs(t *testing.T, v *Vault, q string) []uuid.UUID {
	t.Helper()
	hits, err := v.Search(q, 0)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var ids []uuid.UUID
	for _, h := range hits {
		if slices.Contains(ids, h.ID) {
			t.Errorf("Search(%q) returned %s twice", q, h.ID)
		}
		ids = append(ids, h.ID)
	}
	return ids
}

// wantSearchHits checks that q finds exactly want (in any order).
func wantSearchHits(t *testing.T, v *Vault, q string, want ...uuid.UUID) {
	t.Helper()
	got := searchHitIDs(t, v, q)
	slices.SortFunc(got, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	slices.SortFunc(want, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	if !slices.Equal(got, want) {
		t.Errorf("Search(%q) = %v, want %v", q, got, want)
	}
}

func (f *searchFixture) checkAll(t *testing.T) {
	t.Helper()
	v := f.v
	// Latin: case and diacritics do not matter, in either direction.
	wantSearchHits(t, v, "sokha", f.sokha.ID, f.shout.ID)
	wantSearchHits(t, v, "SOKHA", f.sokha.ID, f.shout.ID)
	wantSearchHits(t, v, "nguyen", f.nguyen.ID)
	wantSearchHits(t, v, "NGUYỄN", f.nguyen.ID)
	wantSearchHits(t, v, "van an", f.nguyen.ID)
	// Latin words match word prefixes, and only prefixes.
	wantSearchHits(t, v, "rains", f.rainsy.ID)
	wantSearchHits(t, v, "Rainsy", f.rainsy.ID)
	wantSearchHits(t, v, "ainsy")
	wantSearchHits(t, v, "rainsyx")
	// Every word of the query must match.
	wantSearchHits(t, v, "kem clerk", f.shout.ID)
	wantSearchHits(t, v, "kem interpreter")
	// Khmer: a name is found inside a longer run with no spaces.
	wantSearchHits(t, v, "រង្ស៊ី", f.rainsy.ID, f.absent.ID)
	wantSearchHits(t, v, "សមរង្ស៊ី", f.absent.ID) // the person's name has a space
	wantSearchHits(t, v, "សម រង្ស៊ី", f.rainsy.ID, f.absent.ID)
	wantSearchHits(t, v, "តុលាការ", f.absent.ID)
	wantSearchHits(t, v, "សុខា", f.sokha.ID)
	wantSearchHits(t, v, "ស៊ី", f.rainsy.ID, f.absent.ID) // two runes: prefix probe
	wantSearchHits(t, v, "តុលាការក")                      // not a substring
	// Aliases, tags, events and cases are searched too.
	wantSearchHits(t, v, "prothean", f.sokha.ID)
	wantSearchHits(t, v, "lok proth", f.sokha.ID)
	wantSearchHits(t, v, "attendance", f.shout.ID)
	if len(searchHitIDs(t, v, "denied entry")) != 1 {
		t.Errorf("the event is not found by its type")
	}
	if len(searchHitIDs(t, v, "narin")) != 1 {
		t.Errorf("the case is not found by its judge")
	}
	// An edit replaces the words; a delete removes them.
	wantSearchHits(t, v, "slowly")
	wantSearchHits(t, v, "quickly", f.edited.ID)
	wantSearchHits(t, v, "indictment", f.edited.ID)
	wantSearchHits(t, v, "interpreter")
	wantSearchHits(t, v, "typo")
}

func TestSearch(t *testing.T) {
	f := newSearchFixture(t)
	f.checkAll(t)

	// Results survive closing and reopening.
	f.v.Close()
	v, err := Open(f.dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	f.v = v
	f.checkAll(t)

	// A deleted note comes back (as a new version) and is found again.
	f.deleted.Text = "Restored note about the interpreter."
	mustPut(t, v, f.deleted)
	wantSearchHits(t, v, "interpreter", f.deleted.ID)
	wantSearchHits(t, v, "typo")
}

func TestSearchHits(t *testing.T) {
	f := newSearchFixture(t)
	hits, err := f.v.Search("rains", 0)
	if err != nil || len(hits) != 1 {
		t.Fatalf("%v %v", hits, err)
	}
	p, ok := hits[0].Record.(*Person)
	if !ok || hits[0].Kind != KindPerson || p.ID != f.rainsy.ID || p.Name != "Sam Rainsy" || p.Version != 1 {
		t.Fatalf("hit = %+v", hits[0])
	}
	if !strings.Contains(hits[0].Snippet, "Rainsy") {
		t.Errorf("snippet %q does not show the match", hits[0].Snippet)
	}
	hits, err = f.v.Search("រង្ស៊ី", 0)
	if err != nil || len(hits) != 2 {
		t.Fatalf("%v %v", hits, err)
	}
	for _, h := range hits {
		if !strings.Contains(h.Snippet, "រង្ស៊ី") {
			t.Errorf("snippet %q does not show the Khmer match", h.Snippet)
		}
	}
	for _, q := range []string{"", "   ", "…, ។"} {
		if _, err := f.v.Search(q, 0); err == nil {
			t.Errorf("Search(%q): no error for a query with no words", q)
		}
	}

	// Newest first, and the limit holds.
	var ids []uuid.UUID
	for i := range 12 {
		n := &Note{HearingID: f.hearing.ID, Time: f.hearing.Scheduled, Text: fmt.Sprintf("recess number %d", i)}
		mustPut(t, f.v, n)
		ids = append(ids, n.ID)
	}
	slices.Reverse(ids)
	hits, err = f.v.Search("recess", 5)
	if err != nil || len(hits) != 5 {
		t.Fatalf("limit 5: %d hits, %v", len(hits), err)
	}
	for i, h := range hits {
		if h.ID != ids[i] {
			t.Fatalf("hit %d is %s, want the newest first (%s)", i, h.ID, ids[i])
		}
	}
	if got := searchHitIDs(t, f.v, "recess"); len(got) != 12 {
		t.Fatalf("limit 0: %d hits, want 12", len(got))
	}
}

// The index is not the truth: a posting that points at a record without
// the word is not a hit. Postings live in Badger keys; an attacker who can
// write them (or a stale index) must not make a record match.
func TestSearchIgnoresForgedPostings(t *testing.T) {
	f := newSearchFixture(t)
	v := f.v
	forge := func(term string, id uuid.UUID) {
		badgerSetRaw(t, v, searchKey(term, id), []byte{})
	}
	forge("wconfessed", f.shout.ID)   // a live note without the word
	forge("wconfessed", f.hearing.ID) // a record that is not searchable
	forge("wconfessed", f.deleted.ID) // a deleted note
	forge("wconfessed", uuid.Must(uuid.NewV7()))
	forge("wslowly", f.edited.ID) // the word of an earlier version
	for _, g := range []string{"kត្រ", "kរក", "kក"} {
		forge(g, f.absent.ID) // Khmer grams of a word the note lacks
	}
	wantSearchHits(t, v, "confessed")
	wantSearchHits(t, v, "confess")
	wantSearchHits(t, v, "slowly")
	wantSearchHits(t, v, "ត្រក")
	// A real hit next to a forged one is still found.
	forge("wclerk", f.sokha.ID)
	wantSearchHits(t, v, "clerk", f.shout.ID)
	// A tampered t/ list (the record's own terms) fails closed.
	badgerSetRaw(t, v, termsKey(f.shout.ID), []byte("not sealed"))
	f.shout.Text += " (edited)"
	err := v.Put(f.shout)
	if err == nil || !errors.Is(err, ErrTampered) {
		t.Errorf("Put over a tampered terms list: %v, want an error matching ErrTampered", err)
	}
}

// Locking the vault (Close) while searches, reads and saves are running
// must make them fail with ErrLocked, not crash the application.
func TestSearchWhileLocking(t *testing.T) {
	for round := range 8 {
		f := newSearchFixture(t)
		v := f.v
		// Many matches, so that each search holds its snapshot for a while
		// and opens an iterator per candidate.
		var batch []Record
		for i := range 150 {
			batch = append(batch, &Note{HearingID: f.hearing.ID, Time: f.hearing.Scheduled, Text: fmt.Sprintf("Sokha, line %d", i)})
		}
		mustPut(t, v, batch...)
		var wg sync.WaitGroup
		var mu sync.Mutex
		panics := map[string]int{}
		other := map[string]int{}
		for g := range 4 {
			wg.Go(func() {
				// Run until the vault is seen locked a few times in a row.
				for i, locked := 0, 0; locked < 20; i++ {
					func() {
						defer func() {
							if p := recover(); p != nil {
								mu.Lock()
								panics[fmt.Sprint(p)]++
								mu.Unlock()
							}
						}()
						var err error
						switch (g + i) % 4 {
						case 0:
							_, err = v.Search("sokha", 0)
						case 1:
							_, err = Load[Note](v, f.shout.ID)
						case 2:
							_, err = v.History(f.edited.ID)
						case 3:
							err = v.Put(&Note{HearingID: f.hearing.ID, Time: f.hearing.Scheduled, Text: "late note"})
						}
						if errors.Is(err, ErrLocked) {
							locked++
						} else {
							locked = 0
						}
						if err != nil && !errors.Is(err, ErrLocked) {
							mu.Lock()
							other[err.Error()]++
							mu.Unlock()
						}
					}()
				}
			})
		}
		time.Sleep(time.Duration(1+round%10) * time.Millisecond)
		v.Close()
		wg.Wait()
		if len(panics) > 0 {
			t.Fatalf("round %d: operations racing Close panicked: %v", round, panics)
		}
		for msg, n := range other {
			t.Errorf("round %d: %d operations racing Close failed with %q, want ErrLocked", round, n, msg)
		}
	}
}
