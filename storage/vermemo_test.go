package storage

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestVerMemoSeesChangedBytes: a note's save reads its hearing, and the
// memo then holds the hearing's version; a flipped byte in the hearing's
// stored version afterwards is still found by the next save (ErrTampered),
// and the original bytes are accepted again once restored.
func TestVerMemoSeesChangedBytes(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	mustPut(t, v, &Note{HearingID: h.ID, Time: h.Scheduled, Text: "first"})
	key := refOfMeta(&h.Meta).versionKey()
	v.memo.mu.Lock()
	_, ok := v.memo.m[string(key)]
	v.memo.mu.Unlock()
	if !ok {
		t.Fatal("the hearing's version is not in the memo after a note's save")
	}
	var orig []byte
	if err := v.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err == nil {
			orig, err = item.ValueCopy(nil)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	set := func(val []byte) {
		if err := v.db.Update(func(txn *badger.Txn) error { return txn.Set(key, val) }); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []int{0, 30, len(orig) - 1} {
		bad := bytes.Clone(orig)
		bad[at] ^= 1
		set(bad)
		err := v.Put(&Note{HearingID: h.ID, Time: h.Scheduled, Text: "on a damaged hearing"})
		if !errors.Is(err, ErrTampered) {
			t.Fatalf("byte %d of the hearing flipped: save %v, want ErrTampered", at, err)
		}
	}
	set(orig)
	mustPut(t, v, &Note{HearingID: h.ID, Time: h.Scheduled, Text: "restored"})
}

// TestVerMemoCopies: changing a version a read returned changes neither
// the memo nor the next read.
func TestVerMemoCopies(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	mustPut(t, v, &Note{HearingID: h.ID, Time: h.Scheduled, Text: "puts the hearing in the memo"})
	read := func() *Version {
		var ver *Version
		if err := v.View(func(tx *Tx) error {
			var err error
			ver, err = tx.Current(h.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ver
	}
	first := read() // from the memo
	want := bytes.Clone(first.Data)
	second := read() // from the memo
	second.Data[0], second.Raw[0], second.Type = 'X', 'X', "changed"
	third := read()
	if !bytes.Equal(third.Data, want) || third.Raw[0] != first.Raw[0] || third.Type != KindHearing {
		t.Fatalf("a change to a returned version reached the memo: %q %q", third.Type, third.Data)
	}
}
