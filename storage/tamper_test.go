package storage

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Tampering with a vault must never make it return different data. These
// tests change stored bytes behind the vault's back, first as values under
// Badger keys (what an attacker who could write Badger entries could do),
// then as raw bytes in the files on disk (what a failing disk, or an attacker
// without the key, can do).

// tamperTwoNotes stores two notes, the second edited once, and returns them.
func tamperTwoNotes(t *testing.T, v *Vault) (a, b *Note, bFirst ref) {
	t.Helper()
	_, h := seedHearing(t, v)
	a = &Note{HearingID: h.ID, Time: h.Scheduled, Text: "Judge Ya Narin opens the hearing."}
	b = &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Minute), Text: "Defendant Kem Sokha is absent."}
	mustPut(t, v, a, b)
	bFirst = ref{b.ID, b.HLC, b.Device}
	b.Text = "Defendant Kem Sokha is absent; his lawyer is present."
	mustPut(t, v, b)
	return a, b, bFirst
}

func refOfMeta(m *Meta) ref { return ref{ID: m.ID, HLC: m.HLC, Device: m.Device} }

func badgerGetRaw(t *testing.T, v *Vault, k []byte) []byte {
	t.Helper()
	var out []byte
	err := v.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		t.Fatalf("raw get %q: %v", printableKey(k), err)
	}
	return out
}

func badgerSetRaw(t *testing.T, v *Vault, kv ...[]byte) {
	t.Helper()
	err := v.db.Update(func(txn *badger.Txn) error {
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				if err := txn.Delete(kv[i]); err != nil {
					return err
				}
				continue
			}
			if err := txn.Set(kv[i], kv[i+1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("raw set: %v", err)
	}
}

// wantReadTampered asserts that every way of reading record id reports
// ErrTampered and returns no data.
func wantReadTampered(t *testing.T, v *Vault, what string, id uuid.UUID) {
	t.Helper()
	n, err := Load[Note](v, id)
	if !errors.Is(err, ErrTampered) {
		t.Errorf("%s: Load: got (%v, %v), want ErrTampered", what, n, err)
	}
	h, err := v.History(id)
	if !errors.Is(err, ErrTampered) {
		t.Errorf("%s: History: got %d versions, err %v; want ErrTampered", what, len(h), err)
	}
}

func wantNoteReads(t *testing.T, v *Vault, id uuid.UUID, text string) {
	t.Helper()
	n, err := Load[Note](v, id)
	if err != nil || n.Text != text {
		t.Fatalf("note %s: got %v, %v; want %q", id, n, err, text)
	}
}

// (a) A sealed value moved to another key does not authenticate: the key is
// the associated data of the seal.
func TestTamperSwapSealedValues(t *testing.T) {
	v, dir := newTestVault(t)
	a, b, bFirst := tamperTwoNotes(t, v)
	ka, kb := refOfMeta(&a.Meta).versionKey(), refOfMeta(&b.Meta).versionKey()
	va, vb := badgerGetRaw(t, v, ka), badgerGetRaw(t, v, kb)

	badgerSetRaw(t, v, ka, vb, kb, va)
	wantReadTampered(t, v, "swapped between notes", a.ID)
	wantReadTampered(t, v, "swapped between notes", b.ID)
	if _, err := v.Search("Sokha", 0); !errors.Is(err, ErrTampered) {
		t.Errorf("search over a swapped note: got %v, want ErrTampered", err)
	}
	if _, err := v.VerifyChain(v.deviceID()); !errors.Is(err, ErrTampered) {
		t.Errorf("VerifyChain over a swapped note: got %v, want ErrTampered", err)
	}
	// It is not an artefact of a cache: the same after a reopen.
	v.Close()
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer v.Close()
	wantReadTampered(t, v, "swapped, after reopen", a.ID)
	wantReadTampered(t, v, "swapped, after reopen", b.ID)

	// Swapped back, both read again: the test is not vacuous.
	badgerSetRaw(t, v, ka, va, kb, vb)
	wantNoteReads(t, v, a.ID, a.Text)
	wantNoteReads(t, v, b.ID, b.Text)

	// Two versions of one record swapped: an edit "rolled back" in place.
	k1 := bFirst.versionKey()
	v1 := badgerGetRaw(t, v, k1)
	badgerSetRaw(t, v, k1, vb, kb, v1)
	wantReadTampered(t, v, "versions of one note swapped", b.ID)
	badgerSetRaw(t, v, k1, v1, kb, vb)

	// A correctly sealed version stored under another record's key: the seal
	// holds, but the version names a different id, so it is still refused.
	rawA, err := v.unseal(ka, va)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := v.seal(kb, rawA)
	if err != nil {
		t.Fatal(err)
	}
	badgerSetRaw(t, v, kb, forged)
	wantReadTampered(t, v, "version resealed under another key", b.ID)
	badgerSetRaw(t, v, kb, vb)
	wantNoteReads(t, v, b.ID, b.Text)
}

// (b) One flipped byte anywhere in a sealed value (nonce, ciphertext, tag),
// or a truncated value, is ErrTampered.
func TestTamperFlipSealedValue(t *testing.T) {
	v, _ := newTestVault(t)
	a, _, _ := tamperTwoNotes(t, v)
	ka := refOfMeta(&a.Meta).versionKey()
	orig := badgerGetRaw(t, v, ka)
	ns, ov := v.aead.NonceSize(), v.aead.Overhead()
	positions := []int{0, ns - 1, ns, ns + 7, len(orig) / 2, len(orig) - ov - 1, len(orig) - ov, len(orig) - 1}
	for _, pos := range positions {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(orig)
			bad[pos] ^= x
			badgerSetRaw(t, v, ka, bad)
			wantReadTampered(t, v, fmt.Sprintf("byte %d of %d ^%#x", pos, len(orig), x), a.ID)
		}
	}
	for _, n := range []int{0, 1, ns, ns + ov - 1, ns + ov, len(orig) - 1} {
		badgerSetRaw(t, v, ka, bytes.Clone(orig[:n]))
		wantReadTampered(t, v, fmt.Sprintf("truncated to %d bytes", n), a.ID)
	}
	badgerSetRaw(t, v, ka, append(bytes.Clone(orig), 0))
	wantReadTampered(t, v, "one byte appended", a.ID)
	badgerSetRaw(t, v, ka, orig)
	wantNoteReads(t, v, a.ID, a.Text)
}

// Attachment chunks, the device identity and the chain head are sealed the
// same way.
func TestTamperOtherSealedValues(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	content := bytes.Repeat([]byte("court notice, page 1. "), (chunkSize+chunkSize/2)/22)
	att := &Attachment{HearingID: h.ID, Name: "notice.jpg"}
	if err := v.AddAttachment(att, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	sum, _ := hex.DecodeString(att.SHA256)
	k0, k1 := blobKey(sum, 0), blobKey(sum, 1)
	c0, c1 := badgerGetRaw(t, v, k0), badgerGetRaw(t, v, k1)
	wantAtt := func(what string) {
		t.Helper()
		got, err := v.AttachmentContent(att.SHA256)
		if !errors.Is(err, ErrTampered) {
			t.Errorf("attachment, %s: got %d bytes, %v; want ErrTampered", what, len(got), err)
		}
	}
	bad := bytes.Clone(c1)
	bad[len(bad)/2] ^= 0x04
	badgerSetRaw(t, v, k1, bad)
	wantAtt("flipped byte in chunk 1")
	badgerSetRaw(t, v, k0, c1, k1, c0)
	wantAtt("chunks swapped")
	badgerSetRaw(t, v, k0, c0, k1, nil)
	wantAtt("last chunk deleted")
	badgerSetRaw(t, v, k1, c1)
	if got, err := v.AttachmentContent(att.SHA256); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("restored attachment: %d bytes, %v", len(got), err)
	}

	// The device identity and chain head are checked when the vault opens.
	for _, k := range [][]byte{keyDevice, keyHead} {
		orig := badgerGetRaw(t, v, k)
		bad := bytes.Clone(orig)
		bad[len(bad)-5] ^= 0x10
		badgerSetRaw(t, v, k, bad)
		v.Close()
		if v2, err := Open(dir, testPass); !errors.Is(err, ErrTampered) {
			if err == nil {
				v2.Close()
			}
			t.Errorf("open with %s flipped: got %v, want ErrTampered", k, err)
		}
		// Put it back with Badger directly, then check the vault opens.
		db, err := badger.Open(badgerOptions(dir, v.testDBKey(t)))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(k, orig) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		v, err = Open(dir, testPass)
		if err != nil {
			t.Fatalf("open after restoring %s: %v", k, err)
		}
		t.Cleanup(func() { v.Close() })
	}
}
