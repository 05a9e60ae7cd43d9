package storage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A vault opened as a server's (HQ's) holds and finds the same records as
// one opened as a laptop's, either way round, and takes larger
// transactions.
func TestOpenWithServer(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	mustPut(t, v, &Note{HearingID: h.ID, Time: h.Scheduled, Text: "opened as a laptop's vault"})
	laptopMax := v.MaxTxnBytes()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := OpenWith(dir, testPass, OpenOptions{Server: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxTxnBytes() <= laptopMax {
		t.Errorf("server vault takes %d bytes in a transaction, laptop vault %d: want more", s.MaxTxnBytes(), laptopMax)
	}
	// More than a laptop vault takes in one transaction, in one.
	var notes []Record
	for i := range laptopMax / 500 {
		notes = append(notes, &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("server note %d, padded to about five hundred bytes: %0400d", i, i)})
	}
	if err := s.Update(func(tx *Tx) error {
		for _, n := range notes {
			if err := tx.Put(n); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("a transaction of %d notes in the server vault: %v", len(notes), err)
	}
	if hits, err := s.Search("laptop", 10); err != nil || len(hits) != 1 {
		t.Fatalf("server vault, search for a laptop note: %d hits, %v", len(hits), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var listed []*Note
	if err := v.View(func(tx *Tx) (err error) { listed, err = tx.NotesOfHearing(h.ID); return }); err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(notes)+1 {
		t.Fatalf("laptop vault lists %d notes, want %d", len(listed), len(notes)+1)
	}
	if hits, err := v.Search("server", 5); err != nil || len(hits) != 5 {
		t.Fatalf("laptop vault, search for server notes: %d hits, %v", len(hits), err)
	}
	if laptop := v.MaxTxnBytes(); laptop != laptopMax {
		t.Fatalf("opened as a laptop's vault again: %d bytes per transaction, want %d", laptop, laptopMax)
	}
}

// Merge looks a version up only when its record has versions already;
// versions merged twice, or out of order, in one transaction or across
// two, are each stored once, and a different version under the same key
// is a conflict.
func TestMergeInOneTransaction(t *testing.T) {
	mon, _ := newTestVault(t)
	hq, _ := newTestVault(t)
	_, h := seedHearing(t, mon)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "first text"}
	mustPut(t, mon, n)
	n.Text = "second text"
	mustPut(t, mon, n)
	all := exportAll(t, mon, 0)
	// Newest first, then everything again, in one transaction.
	rev := make([][]byte, 0, 2*len(all))
	for i := len(all) - 1; i >= 0; i-- {
		rev = append(rev, all[i])
	}
	rev = append(rev, all...)
	if got := mergeAll(t, hq, rev); got != len(all) {
		t.Fatalf("merged %d versions, want %d", got, len(all))
	}
	if got := mergeAll(t, hq, all); got != 0 {
		t.Fatalf("merged %d versions again, want 0", got)
	}
	if got, err := Load[Note](hq, n.ID); err != nil || got.Text != "second text" {
		t.Fatalf("HQ note %q, %v; want the second text", got.Text, err)
	}
	if hits, err := hq.Search("first", 10); err != nil || len(hits) != 0 {
		t.Fatalf("search for the old text: %d hits, %v", len(hits), err)
	}
	// The same id, clock and device with other content: a conflict, both
	// against the committed version and against one merged in the same
	// transaction.
	last, _ := ParseVersion(all[len(all)-1])
	forged := *last
	forged.Raw = nil
	forged.Data = []byte(strings.Replace(string(last.Data), "second text", "forged text", 1))
	raw := mustJSON(&forged)
	if err := hq.Update(func(tx *Tx) error { _, err := tx.Merge(raw); return err }); !errors.Is(err, ErrConflict) {
		t.Fatalf("forged version against a stored one: %v, want ErrConflict", err)
	}
	hq2, _ := newTestVault(t)
	err := hq2.Update(func(tx *Tx) error {
		for _, r := range [][]byte{all[len(all)-1], raw} {
			if _, err := tx.Merge(r); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("forged version against one merged in the same transaction: %v, want ErrConflict", err)
	}
}
