package storage

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// putNotes puts n notes of hearing h in tx, the i-th with a word that only
// it has.
func putNotes(tx *Tx, h uuid.UUID, n int, tag string) error {
	t0 := time.Date(2021, 1, 14, 8, 0, 0, 0, time.UTC)
	for i := range n {
		text := fmt.Sprintf("Line %d of the transcript: counsel for defendant %d objects; word%s%d", i, i%150, tag, i)
		if err := tx.Put(&Note{HearingID: h, Time: t0.Add(time.Duration(i) * time.Second), Text: text, Source: SourceSeen}); err != nil {
			return err
		}
	}
	return nil
}

func stagedKeys(t testing.TB, v *Vault) int {
	t.Helper()
	n := 0
	err := v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixImport})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func noteCount(t testing.TB, v *Vault, h uuid.UUID) int {
	t.Helper()
	var n int
	err := v.View(func(tx *Tx) error {
		notes, err := tx.NotesOfHearing(h)
		n = len(notes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func feedCount(t testing.TB, v *Vault) int {
	t.Helper()
	n := 0
	if err := v.Since(0, func(*Version) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A plain Update of 5,000 notes is too big for Badger (ErrTooBig, as note
// import failed before UpdateLarge); UpdateLarge stores 100,000 in one
// all-or-nothing step, and the chain, the change feed, the hearing's index
// and search all see every one.
func TestUpdateLargeNotes(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	if err := v.Update(func(tx *Tx) error { return putNotes(tx, h.ID, 5000, "x") }); !errors.Is(err, ErrTooBig) {
		t.Fatalf("Update of 5,000 notes: %v, want ErrTooBig", err)
	}
	n := 8_000 // cmd/courtwatch's TestNoteImport100kLines imports the full 100,000 lines
	if os.Getenv("COURTWATCH_TORTURE") == "1" {
		n = 100_000
	}
	start := time.Now()
	if err := v.UpdateLarge(func(tx *Tx) error { return putNotes(tx, h.ID, n, "big") }); err != nil {
		t.Fatalf("UpdateLarge of %d notes: %v", n, err)
	}
	t.Logf("UpdateLarge of %d notes: %v", n, time.Since(start))
	if got := noteCount(t, v, h.ID); got != n {
		t.Errorf("hearing has %d notes, want %d", got, n)
	}
	if got := feedCount(t, v); got != n+2 {
		t.Errorf("change feed has %d versions, want %d", got, n+2)
	}
	if k := stagedKeys(t, v); k != 0 {
		t.Errorf("%d staged keys left after the import", k)
	}
	if seq, err := v.VerifyChain(v.deviceID()); err != nil || seq != uint64(n+2) {
		t.Errorf("VerifyChain: %d, %v; want %d", seq, err, n+2)
	}
	start = time.Now()
	for _, i := range []int{0, n / 2, n - 1} {
		hits, err := v.Search(fmt.Sprintf("wordbig%d", i), 0)
		if err != nil || len(hits) != 1 {
			t.Errorf("search for the word of note %d: %d hits, %v", i, len(hits), err)
		}
	}
	t.Logf("first searches (waiting for the index): %v", time.Since(start))
	// And it all survives a reopen.
	dir := v.Dir()
	v.Close()
	v2, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if got := noteCount(t, v2, h.ID); got != n {
		t.Errorf("after reopening: %d notes, want %d", got, n)
	}
	if notes := v2.Notices(); len(notes) != 0 {
		t.Errorf("notices after a clean import: %q", notes)
	}
}

// A failing fn, after several chunks were staged, stores nothing.
func TestUpdateLargeFailureStoresNothing(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	seq, hash := v.Head()
	boom := errors.New("line 5001: bad")
	err := v.UpdateLarge(func(tx *Tx) error {
		if err := putNotes(tx, h.ID, 5000, "fail"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("UpdateLarge: %v, want the fn's error", err)
	}
	if got := noteCount(t, v, h.ID); got != 0 {
		t.Errorf("%d notes visible after a failed import", got)
	}
	if k := stagedKeys(t, v); k != 0 {
		t.Errorf("%d staged keys left after a failed import", k)
	}
	if s, hh := v.Head(); s != seq || hh != hash {
		t.Errorf("chain head moved: %d %s, want %d %s", s, hh, seq, hash)
	}
	// The next save continues the chain where it was.
	mustPut(t, v, &Note{HearingID: h.ID, Time: time.Now(), Text: "after"})
	if n, err := v.VerifyChain(v.deviceID()); err != nil || n != seq+1 {
		t.Errorf("VerifyChain: %d, %v; want %d", n, err, seq+1)
	}
}

// A small UpdateLarge is one transaction and stages nothing; an edit in
// it replaces the old index entry.
func TestUpdateLargeSmallAndEdits(t *testing.T) {
	v, _ := newTestVault(t)
	c, _ := seedHearing(t, v)
	p := &Person{Name: "Kem Sokha"}
	mustPut(t, v, p)
	err := v.UpdateLarge(func(tx *Tx) error {
		d := &CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: "detained"}
		if err := tx.Put(d); err != nil {
			return err
		}
		d.Status = "bail"
		return tx.Put(d)
	})
	if err != nil {
		t.Fatal(err)
	}
	var defs []*CaseDefendant
	if err := v.View(func(tx *Tx) (err error) { defs, err = tx.DefendantsOfCase(c.ID); return }); err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || defs[0].Status != "bail" || defs[0].Version != 2 {
		t.Fatalf("defendants: %+v", defs)
	}
}

// kill -9 at random moments of a big import leaves none of it or all of
// it, and all of it whenever the import was acknowledged. The writer is
// this test binary in helper mode (TestStagingCrashHelper).
const stagingHelperEnv = "COURTWATCH_STAGING_HELPER"

func TestStagingCrash(t *testing.T) {
	iterations := 4
	if os.Getenv("COURTWATCH_TORTURE") == "1" {
		iterations = 40
	}
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	v.Close()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	const batch = 4000
	want := 0
	var committed, rolledBack int
	for it := range iterations {
		cmd := helperCommand("TestStagingCrashHelper", stagingHelperEnv+"="+dir, "COURTWATCH_STAGING_HEARING="+h.ID.String(),
			"COURTWATCH_STAGING_N="+strconv.Itoa(batch), "COURTWATCH_STAGING_TAG="+fmt.Sprint("it", it, "x"))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 4)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		if l := <-lines; l != "OPEN" {
			t.Fatalf("helper said %q", l)
		}
		time.Sleep(time.Duration(rng.IntN(2500)) * time.Millisecond)
		cmd.Process.Kill()
		acked := false
		for l := range lines {
			if l == "DONE" {
				acked = true
			}
		}
		cmd.Wait()
		v, err := Open(dir, testPass)
		if err != nil {
			t.Fatalf("iteration %d: open after kill: %v", it, err)
		}
		got := noteCount(t, v, h.ID)
		committedThis := false
		switch {
		case got == want+batch:
			want, committed, committedThis = got, committed+1, true
		case got == want && !acked:
			rolledBack++
		default:
			t.Fatalf("iteration %d: %d notes after the kill; want %d or %d (acknowledged: %v)", it, got, want, want+batch, acked)
		}
		if k := stagedKeys(t, v); k != 0 {
			t.Errorf("iteration %d: %d staged keys left after open", it, k)
		}
		if n, err := v.VerifyChain(v.deviceID()); err != nil || n != uint64(want+2) {
			t.Fatalf("iteration %d: VerifyChain: %d, %v; want %d", it, n, err, want+2)
		}
		if f := feedCount(t, v); f != want+2 {
			t.Fatalf("iteration %d: feed has %d, want %d", it, f, want+2)
		}
		tag := fmt.Sprint("it", it, "x")
		hits := searchHits(t, v, fmt.Sprintf("word%s%d", tag, batch-1))
		if imported := committedThis; (hits == 1) != imported {
			t.Fatalf("iteration %d: search for the import's last note found %d (imported: %v)", it, hits, imported)
		}
		v.Close()
	}
	t.Logf("%d kills: %d imports whole, %d rolled back; 0 partial", iterations, committed, rolledBack)
}

func searchHits(t testing.TB, v *Vault, q string) int {
	t.Helper()
	hits, err := v.Search(q, 0)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return len(hits)
}

func TestStagingCrashHelper(t *testing.T) {
	dir := os.Getenv(stagingHelperEnv)
	if dir == "" {
		t.Skip("helper for TestStagingCrash")
	}
	h, _ := uuid.Parse(os.Getenv("COURTWATCH_STAGING_HEARING"))
	n, _ := strconv.Atoi(os.Getenv("COURTWATCH_STAGING_N"))
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("OPEN")
	if err := v.UpdateLarge(func(tx *Tx) error { return putNotes(tx, h, n, os.Getenv("COURTWATCH_STAGING_TAG")) }); err != nil {
		t.Fatal(err)
	}
	fmt.Println("DONE")
	v.Close()
}
