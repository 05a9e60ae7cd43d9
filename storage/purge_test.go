package storage

import (
	"bytes"
	"errors"
	"testing"
)

func TestPurgeKeepsChainDropsContent(t *testing.T) {
	v, _ := newTestVault(t)
	c, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "purgeable zebra"}
	mustPut(t, v, n)
	n.Text = "purgeable zebra edited"
	mustPut(t, v, n)
	keep := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "kept giraffe"}
	mustPut(t, v, keep)
	photo := []byte("photo of the court notice")
	a := &Attachment{CaseID: c.ID, HearingID: h.ID, Name: "notice.jpg"}
	if err := v.AddAttachment(a, bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	before, _ := v.Head()

	if err := v.Update(func(tx *Tx) error {
		if err := tx.Purge(n.ID); err != nil {
			return err
		}
		return tx.Purge(a.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.History(n.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("history of purged note: %v, want ErrNotFound", err)
	}
	if hits, _ := v.Search("zebra", 10); len(hits) != 0 {
		t.Fatalf("purged note still found by search")
	}
	if _, err := v.AttachmentContent(a.SHA256); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purged attachment bytes: %v, want ErrNotFound", err)
	}
	var notes []*Note
	v.View(func(tx *Tx) (err error) { notes, err = tx.NotesOfHearing(h.ID); return })
	if len(notes) != 1 || notes[0].ID != keep.ID {
		t.Fatalf("hearing lists %d notes after purge, want only the kept one", len(notes))
	}
	dev := v.Device().ID
	if got, err := v.VerifyChain(dev); err != nil || got != before {
		t.Fatalf("chain after purge: %d versions, %v; want %d, nil", got, err, before)
	}
	purged := 0
	v.ChainSince(0, func(ver *Version) error {
		if ver.Purged {
			purged++
		}
		return nil
	})
	if purged != 3 {
		t.Fatalf("%d purged chain entries, want 3 (two note versions, one attachment)", purged)
	}
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	if hits, _ := v.Search("giraffe", 10); len(hits) != 1 {
		t.Fatalf("kept note lost after purge and compact")
	}
}
