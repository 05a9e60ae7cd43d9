package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"filippo.io/age"
)

// TestSealerSizes seals record runs around the Sealer's batch and
// streaming thresholds (one record, one batch, just under and over
// streamStart, many batches), with and without an attachment, and opens
// each: the records, the manifest's ranges and the attachment come back.
func TestSealerSizes(t *testing.T) {
	a := newTestDevice(t, devA, seedOf(1))
	hq := newIdentity(t)
	one := jsonlSize(chainRecords(devA, 1, "", 1, 300))
	photo := randomBytes(70_000)
	for _, n := range []int{1, 2, batchBytes / int(one), streamStart/int(one) - 1, streamStart/int(one) + 1, 4 * streamStart / int(one)} {
		for _, att := range [][][]byte{nil, {photo}} {
			t.Run(fmt.Sprintf("records=%d/attachments=%d", n, len(att)), func(t *testing.T) {
				recs := chainRecords(devA, 5, Hash([]byte("v4")), n, 300)
				in := testInput(devA, 2, Hash([]byte("bundle 1")), recs, att...)
				data, sig := mustSeal(t, in, a.signer, hq.Recipient())
				c, err := Open(data, sig, a.signer.Public(), hq)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.EqualFunc(c.Records, recs, bytes.Equal) {
					t.Error("records differ")
				}
				m := c.Manifest
				if m.Records != n || m.ChainFirst != 5 || m.ChainLast != uint64(4+n) || len(c.Attachments) != len(att) {
					t.Errorf("manifest %+v, %d attachments; want %d records from chain 5, %d attachments", m, len(c.Attachments), n, len(att))
				}
				if len(att) > 0 && !bytes.Equal(c.Attachments[Hash(photo)], photo) {
					t.Error("attachment differs")
				}
			})
		}
	}
}

// TestSealerErrorOrder: when a record breaks the chain and a later one is
// too long, Seal names the first, as if it checked the records one by one.
func TestSealerErrorOrder(t *testing.T) {
	a := newTestDevice(t, devA, seedOf(1))
	hq := newIdentity(t).Recipient()
	recs := chainRecords(devA, 1, "", 2000, 300)
	recs[1500], recs[1501] = recs[1501], recs[1500]
	recs = append(recs, make([]byte, maxRecordLine))
	_, _, err := Seal(testInput(devA, 1, "", recs), []age.Recipient{hq}, a.signer)
	if !errors.Is(err, ErrTampered) {
		t.Errorf("Seal = %v, want the chain break of record 1501 (ErrTampered)", err)
	}
	_, _, err = Seal(testInput(devA, 1, "", recs[:1500:1500]), []age.Recipient{hq}, a.signer)
	if err != nil {
		t.Errorf("Seal of the records before the break: %v", err)
	}
}

// TestSealerAbort: a Sealer that is aborted, or has failed, refuses more
// records and does not finish.
func TestSealerAbort(t *testing.T) {
	a := newTestDevice(t, devA, seedOf(1))
	hq := newIdentity(t).Recipient()
	recs := chainRecords(devA, 1, "", 2000, 300)
	sl, err := NewSealer(testInput(devA, 1, "", nil), []age.Recipient{hq}, a.signer)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[:1000] {
		if err := sl.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	sl.Abort()
	if err := sl.Add(recs[1000]); err == nil {
		t.Error("Add after Abort succeeded")
	}
	if data, _, err := sl.Finish(nil); err == nil || data != nil {
		t.Errorf("Finish after Abort = %d bytes, %v", len(data), err)
	}
	sl.Abort() // again: nothing to do
}
