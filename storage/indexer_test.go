package storage

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Search postings are written by the vault's background indexer after
// Update returns. These tests check that no caller can tell: a search sees
// every save that returned before it, Close loses nothing, and a purge or
// delete is never undone by an indexing of an older version.

// indexLeft returns how many search postings, terms lists and pending
// markers the vault holds for id, once the indexer is idle.
func indexLeft(t *testing.T, v *Vault, id uuid.UUID) (postings, terms, pending int) {
	t.Helper()
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	err := v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			switch {
			case bytes.HasPrefix(k, prefixSearch) && bytes.HasSuffix(k, id[:]):
				postings++
			case bytes.Equal(k, termsKey(id)):
				terms++
			case bytes.HasPrefix(k, cat(prefixPending, id[:])):
				pending++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return postings, terms, pending
}

func TestSearchRightAfterSave(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	for i := range 40 {
		word := fmt.Sprintf("zq%dword", i)
		n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "ចៅក្រម " + word}
		mustPut(t, v, n)
		wantSearchHits(t, v, word, n.ID)

		n.Text = fmt.Sprintf("ចៅក្រម zq%dedited", i)
		mustPut(t, v, n)
		wantSearchHits(t, v, word)
		wantSearchHits(t, v, fmt.Sprintf("zq%dedited", i), n.ID)

		if i%2 == 0 {
			if err := v.Update(func(tx *Tx) error { return tx.Delete(n.ID) }); err != nil {
				t.Fatal(err)
			}
		} else if err := v.Update(func(tx *Tx) error { return tx.Purge(n.ID) }); err != nil {
			t.Fatal(err)
		}
		wantSearchHits(t, v, fmt.Sprintf("zq%dedited", i))
		if p, tl, pe := indexLeft(t, v, n.ID); p+tl+pe != 0 {
			t.Fatalf("note %d: after delete or purge: %d postings, %d terms lists, %d markers left", i, p, tl, pe)
		}
	}
}

func TestCloseRightAfterSaves(t *testing.T) {
	for round := range 3 {
		v, dir := newTestVault(t)
		_, h := seedHearing(t, v)
		// Single saves and batches of two and three, as fast as they go,
		// then Close at once: the indexer is still behind.
		for i := range 150 {
			var batch []Record
			for j := range 1 + i%3 {
				w := fmt.Sprintf("cl%dx%dx%d", round, i, j)
				batch = append(batch, &Note{HearingID: h.ID, Time: h.Scheduled, Text: "សាក្សី " + w})
			}
			mustPut(t, v, batch...)
		}
		ix := v.ix
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ix.done:
		default:
			t.Fatalf("the indexer goroutine is still running after Close")
		}
		if _, err := v.Search("សាក្សី", 0); !errors.Is(err, ErrLocked) {
			t.Fatalf("search after Close: %v, want ErrLocked", err)
		}
		v2, err := Open(dir, testPass)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 150 {
			for j := range 1 + i%3 {
				w := fmt.Sprintf("cl%dx%dx%d", round, i, j)
				if hits := searchHitIDs(t, v2, w); len(hits) != 1 {
					t.Fatalf("round %d: %q found %d times after reopen, want once", round, w, len(hits))
				}
			}
		}
		v2.Close()
	}
}

// TestSaveSearchPurgeConcurrently runs saves, edits, deletes, purges and
// searches at once (run it with -race). A search must find every note whose
// save returned before it started, and nothing may be left in the index of
// a deleted or purged note.
func TestSaveSearchPurgeConcurrently(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	type saved struct {
		id   uuid.UUID
		word string
	}
	var mu sync.Mutex
	var live []saved
	var gone []uuid.UUID
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	const writers, ops = 2, 120
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Add(1)
		wg.Go(func() {
			defer writersWG.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range ops {
				// No word is a prefix of another: Latin words match prefixes.
				word := fmt.Sprintf("cc%dn%dz", w, i)
				n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "មេធាវី " + word}
				if err := v.Put(n); err != nil {
					fail(err)
					return
				}
				switch rng.IntN(4) {
				case 0: // edit right away: the old word must go
					old := word
					word = fmt.Sprintf("ed%dn%dz", w, i)
					n.Text = "មេធាវី " + word
					if err := v.Put(n); err != nil {
						fail(err)
						return
					}
					if hits, err := v.Search(old, 0); err != nil || len(hits) != 0 {
						fail(fmt.Errorf("search %q right after the edit that removed it: %d hits, %v", old, len(hits), err))
					}
				case 1: // delete or purge right away, racing its indexing
					err := v.Update(func(tx *Tx) error {
						if rng.IntN(2) == 0 {
							return tx.Delete(n.ID)
						}
						return tx.Purge(n.ID)
					})
					if err != nil {
						fail(err)
						return
					}
					mu.Lock()
					gone = append(gone, n.ID)
					mu.Unlock()
					if hits, err := v.Search(word, 0); err != nil || len(hits) != 0 {
						fail(fmt.Errorf("search %q right after its note went: %d hits, %v", word, len(hits), err))
					}
					continue
				}
				mu.Lock()
				live = append(live, saved{n.ID, word})
				mu.Unlock()
			}
		})
	}
	for s := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), 9))
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				var pick saved
				if len(live) > 0 {
					pick = live[rng.IntN(len(live))]
				}
				mu.Unlock()
				if pick.word == "" {
					time.Sleep(time.Millisecond)
					continue
				}
				hits, err := v.Search(pick.word, 0)
				if err != nil || len(hits) != 1 || hits[0].ID != pick.id {
					fail(fmt.Errorf("search %q: %d hits, %v; want note %s", pick.word, len(hits), err, pick.id))
				}
			}
		})
	}
	writersWG.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, id := range gone {
		if p, tl, pe := indexLeft(t, v, id); p+tl+pe != 0 {
			t.Errorf("deleted or purged note %s: %d postings, %d terms lists, %d markers left", id, p, tl, pe)
		}
	}
	for _, s := range live {
		if p, tl, pe := indexLeft(t, v, s.id); p == 0 || tl != 1 || pe != 0 {
			t.Errorf("note %s: %d postings, %d terms lists, %d markers, want some, 1 and 0", s.id, p, tl, pe)
		}
	}
}

// A purge that commits while the indexer is indexing an older version of
// the record makes the indexer's commit conflict; it redoes the batch and
// leaves nothing of the purged note in the index.
func TestPurgeDuringIndexing(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "ព្រះរាជអាជ្ញា purgedmidway"}
	var once sync.Once
	purged := make(chan error, 1)
	v.testHookIndexCommit = func() {
		once.Do(func() {
			purged <- v.Update(func(tx *Tx) error { return tx.Purge(n.ID) })
		})
	}
	mustPut(t, v, n)
	wantSearchHits(t, v, "purgedmidway")
	if err := <-purged; err != nil {
		t.Fatal(err)
	}
	if p, tl, pe := indexLeft(t, v, n.ID); p+tl+pe != 0 {
		t.Fatalf("purged during its indexing: %d postings, %d terms lists, %d markers left", p, tl, pe)
	}
}

// TestIndexEachRecordOnce saves more notes at once than one indexer
// transaction holds: the indexer computes each note's postings once (it
// stops a transaction short of Badger's limits instead of filling it in
// vain and redoing it smaller; only the note that did not fit is computed
// again in the next) from the version the save left newest, without
// reading it back from the store.
func TestIndexEachRecordOnce(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	var mu sync.Mutex
	computed := map[uuid.UUID]int{}
	readBack, commits := 0, 0
	v.testHookIndexCommit = func() {
		mu.Lock()
		defer mu.Unlock()
		commits++
	}
	v.testHookPostings = func(id uuid.UUID, fromStore bool) {
		mu.Lock()
		defer mu.Unlock()
		computed[id]++
		if fromStore {
			readBack++
		}
	}
	var words []string
	for i := range 40 {
		words = append(words, fmt.Sprintf("w%dx", i))
	}
	text := strings.Join(words, " ")
	var notes []*Note
	for range 4 {
		err := v.Update(func(tx *Tx) error {
			for range 500 {
				n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: text}
				if err := tx.Put(n); err != nil {
					return err
				}
				notes = append(notes, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	twice := 0
	for _, n := range notes {
		switch computed[n.ID] {
		case 0:
			t.Fatalf("note %s was never indexed", n.ID)
		case 1:
		default:
			twice++
		}
	}
	if twice >= commits || readBack > 0 {
		t.Errorf("of %d notes, in %d indexer commits: %d indexed more than once, %d read back from the store; want under %d and 0", len(notes), commits, twice, readBack, commits)
	}
	if hits := searchHitIDs(t, v, "w39x"); len(hits) != 50 {
		t.Errorf("search: %d hits, want 50 (the limit)", len(hits))
	}
}
