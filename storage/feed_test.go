package storage

// The change feed (Since) and ChainSince, which export relies on.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestChainSince(t *testing.T) {
	v, _ := newTestVault(t)
	want, _ := chainWorkload(t, v, rand.New(rand.NewPCG(11, 12)))
	all := chainAll(t, v, 0)
	if uint64(len(all)) != want {
		t.Fatalf("%d versions, want %d", len(all), want)
	}
	for seq := uint64(0); seq <= want+2; seq++ {
		got := chainAll(t, v, seq)
		wantN := int(want) - int(min(seq, want))
		if len(got) != wantN {
			t.Fatalf("ChainSince(%d): %d versions, want %d", seq, len(got), wantN)
		}
		for i, ver := range got {
			if ver.Seq != seq+uint64(i)+1 || ver.Hash != all[seq+uint64(i)].Hash {
				t.Fatalf("ChainSince(%d)[%d] = seq %d, want %d", seq, i, ver.Seq, seq+uint64(i)+1)
			}
		}
	}
	// fn's error stops the walk and is returned.
	stop := errors.New("stop")
	calls := 0
	if err := v.ChainSince(0, func(*Version) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("ChainSince with a failing fn: %v after %d calls", err, calls)
	}
}

func sinceAllVersions(t *testing.T, v *Vault, cursor uint64) []*Version {
	t.Helper()
	var out []*Version
	if err := v.Since(cursor, func(ver *Version) error { out = append(out, ver); return nil }); err != nil {
		t.Fatalf("Since(%d): %v", cursor, err)
	}
	return out
}

func TestSinceCursor(t *testing.T) {
	v, dir := newTestVault(t)
	want, _ := chainWorkload(t, v, rand.New(rand.NewPCG(5, 6)))
	all := sinceAllVersions(t, v, 0)
	if uint64(len(all)) != want {
		t.Fatalf("Since(0): %d versions, want %d", len(all), want)
	}
	for i := 1; i < len(all); i++ {
		if all[i].HLC <= all[i-1].HLC {
			t.Fatalf("Since is not in HLC order at %d: %d after %d", i, all[i].HLC, all[i-1].HLC)
		}
	}
	for i, ver := range all {
		got := sinceAllVersions(t, v, ver.HLC)
		if len(got) != len(all)-i-1 {
			t.Fatalf("Since(version %d's HLC): %d versions, want %d", i, len(got), len(all)-i-1)
		}
		for j, g := range got {
			if g.HLC <= ver.HLC || g.Hash != all[i+1+j].Hash {
				t.Fatalf("Since(%d)[%d]: HLC %d, want %d", ver.HLC, j, g.HLC, all[i+1+j].HLC)
			}
		}
		if got := sinceAllVersions(t, v, ver.HLC-1); len(got) != len(all)-i || got[0].Hash != ver.Hash {
			t.Fatalf("Since(HLC-1) does not start with that version")
		}
	}
	last := all[len(all)-1].HLC
	if got := sinceAllVersions(t, v, last); len(got) != 0 {
		t.Fatalf("Since(newest) = %d versions, want none", len(got))
	}

	// The clock never goes back, even when the wall clock does, and not
	// across a restart either: a new version is always after the cursor.
	v.Close()
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	v.clock.now = func() time.Time { return time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) }
	_, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "written with the clock set back"}
	mustPut(t, v, n)
	got := sinceAllVersions(t, v, last)
	if len(got) != 3 || got[2].ID != n.ID || got[0].HLC <= last {
		t.Fatalf("after setting the clock back, Since(cursor) = %d versions, want the 3 new ones", len(got))
	}
}

// The cursor is "the HLC of the last version handled"; no version is newer
// than the largest possible cursor.
func TestSinceMaxCursor(t *testing.T) {
	v, _ := newTestVault(t)
	chainNotes(t, v, 3)
	if got := sinceAllVersions(t, v, math.MaxUint64); len(got) != 0 {
		t.Fatalf("Since(MaxUint64) returned %d versions, want none", len(got))
	}
}

func TestHistoryKeepsOriginalText(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	texts := []string{"Judge Ya Narin opens the hearing at 8:35.", "Judge Ya Narin opens the hearing at 8:53.", "ចៅក្រមបើកសវនាការម៉ោង ៨:៥៣"}
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: texts[0]}
	mustPut(t, v, n)
	for _, tx := range texts[1:] {
		n.Text = tx
		mustPut(t, v, n)
	}
	if err := v.Update(func(tx *Tx) error { return tx.Delete(n.ID) }); err != nil {
		t.Fatal(err)
	}
	check := func(v *Vault) {
		t.Helper()
		hist, err := v.History(n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 4 || !hist[3].Deleted {
			t.Fatalf("history has %d versions, want 3 and a tombstone", len(hist))
		}
		for i, ver := range hist[:3] {
			var got Note
			if err := decodeInto(ver, &got); err != nil || got.Text != texts[i] {
				t.Fatalf("version %d: %q, %v; want %q", i+1, got.Text, err, texts[i])
			}
			if ver.Version != uint64(i+1) {
				t.Fatalf("version %d numbered %d", i+1, ver.Version)
			}
			if i > 0 && ver.Prev != hist[i-1].Hash {
				t.Fatalf("version %d does not name the hash of version %d", i+1, i)
			}
		}
		if hist[3].Prev != hist[2].Hash {
			t.Fatalf("the tombstone does not name the last version")
		}
	}
	check(v)
	v.Close()
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	check(v)
}

// VerifyChain while the monitor keeps writing: each check must see a
// consistent chain, never a false alarm.
func TestChainVerifyDuringWrites(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := v.Put(&Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("note %d", i)}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	deadline := time.Now().Add(time.Second)
	checks, falseAlarms := 0, 0
	var first error
	for time.Now().Before(deadline) {
		if _, err := v.VerifyChain(v.deviceID()); err != nil {
			falseAlarms++
			if first == nil {
				first = err
			}
		}
		checks++
	}
	close(stop)
	wg.Wait()
	if falseAlarms > 0 {
		t.Fatalf("%d of %d VerifyChain calls during writes reported tampering, e.g. %v", falseAlarms, checks, first)
	}
}

// An HQ vault holds versions from several devices: Since walks all of them
// in HLC order, and each device's chain verifies on its own.
func TestSinceAcrossDevices(t *testing.T) {
	mon, _ := newTestVault(t)
	hq, _ := newTestVault(t)
	want, _ := chainWorkload(t, mon, rand.New(rand.NewPCG(21, 22)))
	raws := chainAll(t, mon, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(raws), func(i, j int) { raws[i], raws[j] = raws[j], raws[i] })
	err := hq.Update(func(tx *Tx) error {
		for _, ver := range raws {
			if _, err := tx.Merge(ver.Raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, h := seedHearing(t, hq)
	mustPut(t, hq, &Note{HearingID: h.ID, Time: h.Scheduled, Text: "written at HQ"})

	if n, err := hq.VerifyChain(mon.deviceID()); err != nil || n != want {
		t.Fatalf("monitor's chain at HQ: %d, %v; want %d", n, err, want)
	}
	if n, err := hq.VerifyChain(hq.deviceID()); err != nil || n != 3 {
		t.Fatalf("HQ's own chain: %d, %v; want 3", n, err)
	}
	all := sinceAllVersions(t, hq, 0)
	if uint64(len(all)) != want+3 {
		t.Fatalf("Since(0) at HQ: %d versions, want %d", len(all), want+3)
	}
	devices := map[uuid.UUID]int{}
	for i, ver := range all {
		devices[ver.Device]++
		if i > 0 && ver.HLC < all[i-1].HLC {
			t.Fatalf("Since is not in HLC order at %d", i)
		}
	}
	if devices[mon.deviceID()] != int(want) || devices[hq.deviceID()] != 3 {
		t.Fatalf("versions by device: %v", devices)
	}
	for i := 0; i < len(all); i += 7 {
		c := all[i].HLC
		var wantN int
		for _, ver := range all {
			if ver.HLC > c {
				wantN++
			}
		}
		got := sinceAllVersions(t, hq, c)
		if len(got) != wantN {
			t.Fatalf("Since(%d) at HQ: %d versions, want %d", c, len(got), wantN)
		}
		for _, g := range got {
			if g.HLC <= c {
				t.Fatalf("Since(%d) returned a version at %d", c, g.HLC)
			}
		}
	}
}
