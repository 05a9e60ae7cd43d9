package storage

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestLatestManyRecordsOneTx reads records of one to four versions, in a
// shuffled order, all in one transaction (which seeks one iterator from
// record to record): each read gives the record's newest version, also
// where the next record's versions follow right after in key order.
func TestLatestManyRecordsOneTx(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	var notes []*Note
	for i := range 60 {
		n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("note %d edit 0", i)}
		mustPut(t, v, n)
		for e := 1; e <= i%4; e++ {
			n.Text = fmt.Sprintf("note %d edit %d", i, e)
			mustPut(t, v, n)
		}
		notes = append(notes, n)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 3 {
		order := rng.Perm(len(notes))
		err := v.View(func(tx *Tx) error {
			for _, i := range order {
				var got Note
				if err := tx.Get(notes[i].ID, &got); err != nil {
					return err
				}
				if got.Text != notes[i].Text || got.Version != notes[i].Version {
					t.Errorf("round %d: note %d reads %q (version %d), want %q (version %d)", round, i, got.Text, got.Version, notes[i].Text, notes[i].Version)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
