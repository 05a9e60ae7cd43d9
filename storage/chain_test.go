package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The device's hash chain is the chain of custody: every version this
// device wrote, gapless, each naming the hash of the one before.

// chainWorkload stores a mix of records, edits and deletes and returns the
// number of versions written and the notes (live and deleted).
func chainWorkload(t *testing.T, v *Vault, rng *rand.Rand) (versions uint64, notes []*Note) {
	t.Helper()
	c, h := seedHearing(t, v)
	versions = 2
	p := &Person{Name: "Kem Sokha", NameLocal: "កឹម សុខា"}
	mustPut(t, v, p)
	versions++
	mustPut(t, v, &CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: StatusBail})
	versions++
	for i := range 60 {
		switch op := rng.IntN(10); {
		case op < 5 || len(notes) == 0:
			n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Minute), Text: fmt.Sprintf("note %d", i)}
			mustPut(t, v, n)
			notes = append(notes, n)
			versions++
		case op < 7:
			// A batch: two new notes and an edit in one Update.
			a := &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("batch %d a", i)}
			b := &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("batch %d b", i)}
			e := notes[rng.IntN(len(notes))]
			err := v.Update(func(tx *Tx) error {
				if err := tx.Put(a); err != nil {
					return err
				}
				if err := tx.Put(b); err != nil {
					return err
				}
				var cur Note
				if err := tx.Get(e.ID, &cur); errors.Is(err, ErrNotFound) {
					return nil // deleted earlier
				} else if err != nil {
					return err
				}
				cur.Text += " (edited in batch)"
				versions++
				return tx.Put(&cur)
			})
			if err != nil {
				t.Fatal(err)
			}
			notes = append(notes, a, b)
			versions += 2
		case op < 9:
			e := notes[rng.IntN(len(notes))]
			var cur Note
			err := v.Update(func(tx *Tx) error {
				if err := tx.Get(e.ID, &cur); err != nil {
					return err
				}
				cur.Text += " (edited)"
				return tx.Put(&cur)
			})
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			versions++
		default:
			e := notes[rng.IntN(len(notes))]
			err := v.Update(func(tx *Tx) error { return tx.Delete(e.ID) })
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			versions++
		}
	}
	// A failed Update (the second record is invalid) stores nothing and
	// takes no place in the chain.
	if err := v.Put(&Note{HearingID: h.ID, Time: h.Scheduled, Text: "ok"}, &Note{HearingID: h.ID}); err == nil {
		t.Fatal("invalid note was stored")
	}
	return versions, notes
}

func chainAll(t *testing.T, v *Vault, since uint64) []*Version {
	t.Helper()
	var out []*Version
	if err := v.ChainSince(since, func(ver *Version) error { out = append(out, ver); return nil }); err != nil {
		t.Fatalf("ChainSince(%d): %v", since, err)
	}
	return out
}

func TestChainCountsEveryVersion(t *testing.T) {
	v, dir := newTestVault(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	want, _ := chainWorkload(t, v, rand.New(rand.NewPCG(seed, 3)))
	dev := v.deviceID()
	check := func(when string) {
		t.Helper()
		n, err := v.VerifyChain(dev)
		if err != nil || n != want {
			t.Fatalf("%s: VerifyChain = %d, %v; want %d, nil", when, n, err, want)
		}
		if seq, hash := v.Head(); seq != want || hash == "" {
			t.Fatalf("%s: Head = %d %q, want %d", when, seq, hash, want)
		}
		all := chainAll(t, v, 0)
		if uint64(len(all)) != want {
			t.Fatalf("%s: ChainSince(0) gave %d versions, want %d", when, len(all), want)
		}
		prev := ""
		for i, ver := range all {
			if ver.Seq != uint64(i+1) || ver.Chain != prev || ver.Device != dev {
				t.Fatalf("%s: chain entry %d: seq %d chain %q device %s; want seq %d chain %q", when, i, ver.Seq, ver.Chain, ver.Device, i+1, prev)
			}
			prev = ver.Hash
		}
		if _, hash := v.Head(); hash != prev {
			t.Fatalf("%s: head hash %s, newest version %s", when, hash, prev)
		}
	}
	check("open")
	if other, err := v.VerifyChain(uuid.Must(uuid.NewV7())); err != nil || other != 0 {
		t.Fatalf("VerifyChain of an unknown device: %d, %v; want 0, nil", other, err)
	}
	v.Close()
	var err error
	if v, err = Open(dir, testPass); err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	check("reopened")
}

// Writers in many goroutines still make one linear chain.
func TestChainConcurrentWriters(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("writer %d note %d", w, i)}
				if err := v.Put(n); err != nil {
					errs <- err
				}
				if _, err := v.Search("writer", 5); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, err := v.VerifyChain(v.deviceID()); err != nil || n != 2+writers*each {
		t.Fatalf("VerifyChain = %d, %v; want %d", n, err, 2+writers*each)
	}
}

// chainRewrite replaces the version at seq with mutate's change, sealed
// correctly under the same key: only the chain can tell.
func chainRewrite(t *testing.T, v *Vault, seq uint64, mutate func(*Version)) *Version {
	t.Helper()
	vers := chainAll(t, v, seq-1)
	if len(vers) == 0 || vers[0].Seq != seq {
		t.Fatalf("no version %d", seq)
	}
	ver := vers[0]
	mutate(ver)
	raw, err := json.Marshal(ver)
	if err != nil {
		t.Fatal(err)
	}
	k := ver.ref().versionKey()
	sealed, err := v.seal(k, raw)
	if err != nil {
		t.Fatal(err)
	}
	badgerSetRaw(t, v, k, sealed)
	return ver
}

func wantChainBreak(t *testing.T, v *Vault, what string, seq uint64) *ChainBreak {
	t.Helper()
	_, err := v.VerifyChain(v.deviceID())
	var cb *ChainBreak
	if !errors.As(err, &cb) {
		t.Fatalf("%s: VerifyChain = %v, want a *ChainBreak", what, err)
	}
	if !errors.Is(err, ErrTampered) {
		t.Errorf("%s: %v does not match ErrTampered", what, err)
	}
	if cb.Seq != seq || cb.Device != v.deviceID() {
		t.Errorf("%s: break at %d of %s, want %d of %s (%v)", what, cb.Seq, cb.Device, seq, v.deviceID(), err)
	}
	return cb
}

func chainNotes(t *testing.T, v *Vault, n int) []*Note {
	t.Helper()
	_, h := seedHearing(t, v) // versions 1 and 2
	var notes []*Note
	for i := range n {
		nt := &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("note number %d", i)}
		mustPut(t, v, nt) // version 3+i
		notes = append(notes, nt)
	}
	return notes
}

func TestChainDetectsRewrittenChainField(t *testing.T) {
	v, _ := newTestVault(t)
	notes := chainNotes(t, v, 10)
	const k = 7
	orig := chainAll(t, v, k-1)[0]
	chainRewrite(t, v, k, func(ver *Version) { ver.Chain = hashHex([]byte("another past")) })
	// The version itself still reads: its seal is valid.
	if got, err := Load[Note](v, notes[k-3].ID); err != nil || got.Text != notes[k-3].Text {
		t.Fatalf("rewritten version: %v, %v", got, err)
	}
	wantChainBreak(t, v, "chain field rewritten", k)
	// Put back exactly: the chain verifies again.
	badgerSetRaw(t, v, orig.ref().versionKey(), chainSeal(t, v, orig))
	if n, err := v.VerifyChain(v.deviceID()); err != nil || n != 12 {
		t.Fatalf("after restoring: %d, %v", n, err)
	}
}

func chainSeal(t *testing.T, v *Vault, ver *Version) []byte {
	t.Helper()
	s, err := v.seal(ver.ref().versionKey(), ver.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Rewriting what a version says changes its hash, so the next version no
// longer links to it.
func TestChainDetectsRewrittenContent(t *testing.T) {
	v, _ := newTestVault(t)
	chainNotes(t, v, 10)
	const k = 6
	chainRewrite(t, v, k, func(ver *Version) {
		var n Note
		if err := json.Unmarshal(ver.Data, &n); err != nil {
			t.Fatal(err)
		}
		n.Text = "the defendant confessed" // never written
		ver.Data = mustJSON(&n)
	})
	wantChainBreak(t, v, "content of a middle version rewritten", k+1)
}

// The newest version has no successor to name its hash; the chain head
// does. A rewritten newest version must be caught by comparing with it.
func TestChainDetectsRewrittenNewestVersion(t *testing.T) {
	v, _ := newTestVault(t)
	chainNotes(t, v, 5)
	last, _ := v.Head()
	chainRewrite(t, v, last, func(ver *Version) {
		var n Note
		if err := json.Unmarshal(ver.Data, &n); err != nil {
			t.Fatal(err)
		}
		n.Text = "the defendant confessed"
		ver.Data = mustJSON(&n)
	})
	wantChainBreak(t, v, "content of the newest version rewritten", last)
}

func TestChainDetectsGaps(t *testing.T) {
	dev := func(v *Vault) uuid.UUID { return v.deviceID() }
	t.Run("middle entry deleted", func(t *testing.T) {
		v, _ := newTestVault(t)
		chainNotes(t, v, 10)
		badgerSetRaw(t, v, chainKey(dev(v), 5), nil)
		cb := wantChainBreak(t, v, "d/ entry 5 deleted", 5)
		t.Log(cb)
	})
	t.Run("first entry deleted", func(t *testing.T) {
		v, _ := newTestVault(t)
		chainNotes(t, v, 3)
		badgerSetRaw(t, v, chainKey(dev(v), 1), nil)
		wantChainBreak(t, v, "d/ entry 1 deleted", 1)
	})
	t.Run("newest entry deleted", func(t *testing.T) {
		v, _ := newTestVault(t)
		chainNotes(t, v, 3)
		last, _ := v.Head()
		badgerSetRaw(t, v, chainKey(dev(v), last), nil)
		wantChainBreak(t, v, "newest d/ entry deleted", last)
	})
	t.Run("version named by an entry deleted", func(t *testing.T) {
		v, _ := newTestVault(t)
		chainNotes(t, v, 6)
		ver := chainAll(t, v, 3)[0]
		badgerSetRaw(t, v, ver.ref().versionKey(), nil)
		wantChainBreak(t, v, "v/ of version 4 deleted", 4)
	})
	t.Run("entries swapped", func(t *testing.T) {
		v, _ := newTestVault(t)
		chainNotes(t, v, 6)
		a, b := chainKey(dev(v), 4), chainKey(dev(v), 5)
		va, vb := badgerGetRaw(t, v, a), badgerGetRaw(t, v, b)
		badgerSetRaw(t, v, a, vb, b, va)
		wantChainBreak(t, v, "d/ entries 4 and 5 swapped", 4)
	})
}
