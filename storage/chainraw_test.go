package storage

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// TestChainRawSince checks that ChainRawSince gives the same versions, in
// the same order, as ChainSince: over more than one batch, with edits of
// old records (whose keys come before newer records'), from a cursor in
// the middle, and with purged versions.
func TestChainRawSince(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	var notes []Record
	for i := range chainRawBatch + 500 {
		notes = append(notes, &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("note %d", i)})
	}
	for i := 0; i < len(notes); i += 1000 {
		mustPut(t, v, notes[i:min(i+1000, len(notes))]...)
	}
	for _, i := range []int{3, 2, 4000, 1} {
		n := notes[i].(*Note)
		n.Text += " edited"
		mustPut(t, v, n)
	}
	purged := notes[5].(*Note)
	if err := v.Update(func(tx *Tx) error { return tx.Purge(purged.ID) }); err != nil {
		t.Fatal(err)
	}
	head, _ := v.Head()
	for _, from := range []uint64{0, 1, 7, head - 1, head} {
		var want []*Version
		if err := v.ChainSince(from, func(ver *Version) error { want = append(want, ver); return nil }); err != nil {
			t.Fatal(err)
		}
		i := 0
		err := v.ChainRawSince(from, func(c ChainRaw) error {
			w := want[i]
			i++
			if c.Seq != w.Seq || c.ID != w.ID || c.HLC != w.HLC || c.Purged != w.Purged || !bytes.Equal(c.Raw, w.Raw) {
				return fmt.Errorf("from %d: version %d is seq %d id %s purged %v %q, ChainSince gives seq %d id %s purged %v %q",
					from, i, c.Seq, c.ID, c.Purged, c.Raw, w.Seq, w.ID, w.Purged, w.Raw)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if i != len(want) {
			t.Fatalf("from %d: ChainRawSince gave %d versions, ChainSince %d", from, i, len(want))
		}
	}
	// fn's error stops the walk and comes back.
	stop := errors.New("stop")
	n := 0
	if err := v.ChainRawSince(0, func(ChainRaw) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("ChainRawSince with a failing fn: %v after %d versions", err, n)
	}
}
