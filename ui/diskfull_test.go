package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/internal/testtool"
	"courtwatch/storage"
)

// TestNoteOnFullDisk: a note saved while the disk holding the vault is
// full stays in the note field, exactly as typed, and a message says the
// disk is full, that nothing was lost, and to free some space (not to
// lock and unlock, which would not help). Once there is room again, Enter
// saves it.
func TestNoteOnFullDisk(t *testing.T) {
	mnt := testtool.SmallDisk(t, 24<<20)
	u := newTestUI(t)
	u.dir = filepath.Join(mnt, "vault")
	v, _, h := openTestVault(t, u)
	u.openHearing(h.ID)
	hs := u.hearing
	c := u.win.Canvas()

	// Fill the disk with long notes until the vault refuses one.
	filler := strings.Repeat("The judge refuses the defence's request to call witnesses. ", 140)[:8<<10]
	for i := range 10_000 {
		err := v.Put(&storage.Note{HearingID: h.ID, Time: time.Now(), Text: fmt.Sprintf("filler%d %s", i, filler)})
		if errors.Is(err, storage.ErrDiskFull) {
			break
		}
		if err != nil {
			t.Fatalf("filling the disk: %v", err)
		}
		if i == 9_999 {
			t.Fatal("the disk never filled")
		}
	}
	// Then with short notes, so that even a short note no longer fits.
	// Badger flushes and compacts in the background, and the vault's
	// estimate of the room it needs follows its files, so a disk refused
	// once may take a few more notes a moment later. Fill again until a
	// short note is still refused after everything has settled (the
	// vault rescans its files at most once a second).
	fillShort := func() {
		for i := range 100_000 {
			err := v.Put(&storage.Note{HearingID: h.ID, Time: time.Now(), Text: fmt.Sprint("f", i)})
			if errors.Is(err, storage.ErrDiskFull) {
				return
			}
			if err != nil {
				t.Fatalf("filling the disk: %v", err)
			}
		}
		t.Fatal("the disk never filled with short notes")
	}
	settled := false
	for round := range 40 {
		fillShort()
		if _, err := v.Search("filler0", 1); err != nil { // waits for the indexer
			t.Fatalf("search while the disk is full: %v", err)
		}
		time.Sleep(1200 * time.Millisecond)
		err := v.Put(&storage.Note{HearingID: h.ID, Time: time.Now(), Text: "settled?"})
		if errors.Is(err, storage.ErrDiskFull) {
			t.Logf("the full disk settled after %d rounds", round+1)
			settled = true
			break
		}
		if err != nil {
			t.Fatalf("filling the disk: %v", err)
		}
	}
	if !settled {
		t.Fatal("the vault kept finding room on the full disk after 40 rounds")
	}

	typed := "The prosecutor reads the charges. ព្រះរាជអាជ្ញាអានបទចោទ។"
	test.Type(hs.note, typed)
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if hs.note.Text != typed {
		t.Fatalf("after a save on a full disk the field holds %q, want the typed note %q", hs.note.Text, typed)
	}
	msg := strings.Join(labelTexts(overlay(t, u)), " ")
	for _, want := range []string{"The note was not saved; it is still in the field", "the disk is full", "nothing was lost", "Free some space on the disk"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q: %q", want, msg)
		}
	}
	if strings.Contains(msg, "lock and unlock") {
		t.Errorf("the message sends the monitor to lock and unlock: %q", msg)
	}
	clearOverlays(c)

	// Enter again: the vault's estimate of the space may now let the note
	// in, or refuse it again; either way it is not lost: it is in the
	// field, or stored and in the log.
	hs.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	stored := 0
	v.View(func(tx *storage.Tx) error {
		ns, err := tx.NotesOfHearing(h.ID)
		for _, n := range ns {
			if n.Text == typed {
				stored++
			}
		}
		return err
	})
	shown := 0
	for _, l := range hs.lines {
		if l.Text == typed {
			shown++
		}
	}
	switch {
	case hs.note.Text == typed && stored == 0 && shown == 0:
		t.Log("refused again; the note is still in the field")
		// The disk stays full: closing could not keep this draft either
		// (u.close would report it), so the test lets it go here.
		hs.note.SetText("")
	case hs.note.Text == "" && stored == 1 && shown == 1:
		t.Log("saved on the second try")
	default:
		t.Errorf("after a second try: field %q, stored %d times, shown %d times", hs.note.Text, stored, shown)
	}
}
