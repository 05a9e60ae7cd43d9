package storage

import (
	"errors"
	"testing"
	"time"
)

// exportAll returns the raw versions a vault's device wrote after seq.
func exportAll(t *testing.T, v *Vault, after uint64) [][]byte {
	t.Helper()
	var out [][]byte
	if err := v.ChainSince(after, func(ver *Version) error { out = append(out, ver.Raw); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func mergeAll(t *testing.T, hq *Vault, raws [][]byte) (added int) {
	t.Helper()
	err := hq.Update(func(tx *Tx) error {
		for _, r := range raws {
			ok, err := tx.Merge(r)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return added
}

func TestMergeFromAnotherDevice(t *testing.T) {
	mon, _ := newTestVault(t)
	hq, _ := newTestVault(t)
	_, h := seedHearing(t, mon)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "កឹម សុខា absent; original"}
	mustPut(t, mon, n)
	first := exportAll(t, mon, 0)
	if got := mergeAll(t, hq, first); got != len(first) {
		t.Fatalf("merged %d, want %d", got, len(first))
	}
	if got := mergeAll(t, hq, first); got != 0 {
		t.Fatalf("second merge added %d, want 0 (idempotent)", got)
	}
	seq, _ := mon.Head()
	n.Text = "កឹម សុខា absent; edited"
	mustPut(t, mon, n)
	// Deliver the edit, then the old batch again out of order.
	mergeAll(t, hq, exportAll(t, mon, seq))
	mergeAll(t, hq, first)

	got, err := Load[Note](hq, n.ID)
	if err != nil || got.Text != n.Text {
		t.Fatalf("HQ note = %v %q, want %q", err, got.Text, n.Text)
	}
	hist, _ := hq.History(n.ID)
	if len(hist) != 2 || hist[0].Raw == nil {
		t.Fatalf("HQ history has %d versions, want 2", len(hist))
	}
	var notes []*Note
	hq.View(func(tx *Tx) (err error) { notes, err = tx.NotesOfHearing(h.ID); return })
	if len(notes) != 1 {
		t.Fatalf("HQ lists %d notes of the hearing, want 1", len(notes))
	}
	if hits, _ := hq.Search("edited", 10); len(hits) != 1 {
		t.Fatalf("HQ search for the new text: %d hits", len(hits))
	}
	if hits, _ := hq.Search("original", 10); len(hits) != 0 {
		t.Fatalf("HQ search still finds the old text")
	}
	monDev := mon.Device().ID
	if n, err := hq.VerifyChain(monDev); err != nil || n != 4 {
		t.Fatalf("monitor chain at HQ: %d versions, %v", n, err)
	}
}

func TestMergeConflict(t *testing.T) {
	mon, _ := newTestVault(t)
	hq, _ := newTestVault(t)
	_, h := seedHearing(t, mon)
	mergeAll(t, hq, exportAll(t, mon, 0))
	// Forge a different version at an existing chain position.
	ver, _ := ParseVersion(exportAll(t, mon, 0)[0])
	ver.HLC++
	ver.Raw = nil
	raw := mustJSON(ver)
	err := hq.Update(func(tx *Tx) error { _, err := tx.Merge(raw); return err })
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("got %v, want ErrConflict", err)
	}
	_ = h
	_ = time.Now
}

func TestAux(t *testing.T) {
	v, dir := newTestVault(t)
	if err := v.Update(func(tx *Tx) error { return tx.SetAux("outbox/1", []byte("sealed")) }); err != nil {
		t.Fatal(err)
	}
	v.Close()
	v2, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	var keys []string
	v2.View(func(tx *Tx) error {
		return tx.ScanAux("outbox/", func(k string, val []byte) error { keys = append(keys, k+"="+string(val)); return nil })
	})
	if len(keys) != 1 || keys[0] != "outbox/1=sealed" {
		t.Fatalf("aux after reopen = %v", keys)
	}
}
