package outbox

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"courtwatch/storage"

	"github.com/google/uuid"
)

func TestPurgeCandidates(t *testing.T) {
	f, _, _ := newDelivery(t)
	caseB, hearingB := f.addCase("C-2/2024")
	notesA := f.notes(f.hearing, 2)
	f.notes(hearingB, 2)
	photo := &storage.Attachment{CaseID: f.caseID, Name: "notice.jpg"}
	if err := f.v.AddAttachment(photo, bytes.NewReader([]byte("jpeg"))); err != nil {
		t.Fatal(err)
	}
	if on, err := PurgeAfterReceipt(f.v, f.caseID); on || err != nil {
		t.Fatalf("purge setting by default = %v, %v; want off", on, err)
	}
	if err := SetPurgeAfterReceipt(f.v, f.caseID, true); err != nil {
		t.Fatal(err)
	}
	candidates := func() []uuid.UUID {
		t.Helper()
		cs, err := PurgeCandidates(f.v)
		if err != nil {
			t.Fatal(err)
		}
		var ids []uuid.UUID
		for _, c := range cs {
			if c.Case != f.caseID {
				t.Errorf("candidate %s of case %s, whose setting is off", c.ID, c.Case)
			}
			ids = append(ids, c.ID)
		}
		return ids
	}
	deliver := func() {
		t.Helper()
		f.seal()
		if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
			t.Fatal(err)
		}
	}

	f.seal()
	if ids := candidates(); len(ids) != 0 {
		t.Fatalf("candidates before HQ's receipt: %v", ids)
	}
	if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
		t.Fatal(err)
	}
	want := []uuid.UUID{notesA[0].ID, notesA[1].ID, photo.ID}
	slices.SortFunc(want, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	if ids := candidates(); !slices.Equal(ids, want) {
		t.Fatalf("candidates = %v, want case A's notes and photo %v", ids, want)
	}

	// A version HQ has not confirmed keeps the record.
	notesA[0].Text = "corrected"
	f.put(notesA[0])
	if ids := candidates(); slices.Contains(ids, notesA[0].ID) || len(ids) != 2 {
		t.Fatalf("candidates with an unconfirmed edit: %v", ids)
	}
	deliver()
	if ids := candidates(); !slices.Equal(ids, want) {
		t.Fatalf("candidates after the edit was confirmed = %v, want %v", ids, want)
	}

	if err := SetPurgeAfterReceipt(f.v, f.caseID, false); err != nil {
		t.Fatal(err)
	}
	if on, _ := PurgeAfterReceipt(f.v, caseB); on {
		t.Error("case B's setting is on")
	}
	if ids := candidates(); len(ids) != 0 {
		t.Fatalf("candidates with the setting off: %v", ids)
	}
}

func TestPurgeRemovesConfirmedRecords(t *testing.T) {
	f, _, _ := newDelivery(t)
	_, hearingB := f.addCase("C-2/2024")
	notesA := f.notes(f.hearing, 3)
	notesB := f.notes(hearingB, 2)
	if err := SetPurgeAfterReceipt(f.v, f.caseID, true); err != nil {
		t.Fatal(err)
	}
	if n, err := Purge(f.v); n != 0 || err != nil {
		t.Fatalf("purge before any receipt: %d, %v", n, err)
	}
	f.seal()
	if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
		t.Fatal(err)
	}
	n, err := Purge(f.v)
	if err != nil || n != len(notesA) {
		t.Fatalf("purge = %d, %v; want %d", n, err, len(notesA))
	}
	for _, note := range notesA {
		if _, err := storage.Load[storage.Note](f.v, note.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("purged note still readable: %v", err)
		}
	}
	for _, note := range notesB {
		if _, err := storage.Load[storage.Note](f.v, note.ID); err != nil {
			t.Fatalf("note of a case without the setting was lost: %v", err)
		}
	}
	dev := f.v.Device().ID
	if _, err := f.v.VerifyChain(dev); err != nil {
		t.Fatalf("chain after purge: %v", err)
	}
	if n, err := Purge(f.v); n != 0 || err != nil {
		t.Fatalf("second purge = %d, %v; want nothing left", n, err)
	}
	// Work goes on: a new note is sealed and delivered after the purge.
	f.notes(f.hearing, 1)
	f.seal()
	if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
		t.Fatalf("deliver after purge: %v", err)
	}
}
