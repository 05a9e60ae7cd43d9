package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// BenchmarkNoteEnter measures typing a short note and pressing Enter on the
// hearing screen: the note is stored durably in a real vault and appears in
// the log ("ui": 35 keystrokes and Enter). "enter_only" times the Enter
// alone, the note being typed outside the timer. "vault_only" stores the
// same note with vault.Put and no screen, in the same run: enter_only over
// vault_only is what the screen adds to a save.
func BenchmarkNoteEnter(b *testing.B) {
	u, v := newBenchUI(b)
	c := &storage.Case{Title: "Bench"}
	if err := v.Put(c); err != nil {
		b.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Now()}
	if err := v.Put(h); err != nil {
		b.Fatal(err)
	}
	u.opened(v)
	u.openHearing(h.ID)
	hs := u.hearing
	enter := &fyne.KeyEvent{Name: fyne.KeyReturn}
	const text = "Defence lawyer not allowed to speak"

	b.Run("ui", func(b *testing.B) {
		before := len(hs.lines)
		for b.Loop() {
			test.Type(hs.note, text)
			hs.note.TypedKey(enter)
		}
		if hs.note.Text != "" || len(hs.lines)-before != b.N {
			b.Fatalf("%d new lines in the log after %d notes; field %q", len(hs.lines)-before, b.N, hs.note.Text)
		}
	})
	b.Run("enter_only", func(b *testing.B) { // the note typed outside the timer
		for b.Loop() {
			b.StopTimer()
			test.Type(hs.note, text)
			b.StartTimer()
			hs.note.TypedKey(enter)
		}
		if hs.note.Text != "" {
			b.Fatalf("field %q after Enter", hs.note.Text)
		}
	})
	b.Run("vault_only", func(b *testing.B) {
		for b.Loop() {
			if err := v.Put(&storage.Note{HearingID: h.ID, Time: time.Now(), Text: text, Source: storage.SourceSeen}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpenHearing300 measures opening the hearing screen of a long
// day, 300 notes of one to three lines (Latin and Khmer): the log is read
// from the vault and every row is measured for its wrapped height.
func BenchmarkOpenHearing300(b *testing.B) {
	u, v := newBenchUI(b)
	c := &storage.Case{Title: "Bench"}
	if err := v.Put(c); err != nil {
		b.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)}
	if err := v.Put(h); err != nil {
		b.Fatal(err)
	}
	texts := []string{
		"Prosecutor reads the indictment",
		"Judge reads the charges against Kem Sokha កឹម សុខា and the defence asks for the full case file, which the court refuses",
		"ប៉ូលិសរារាំងសាធារណជនមិនឱ្យចូលបន្ទប់សវនាការ ហើយអ្នកសារព័ត៌មានត្រូវបានបណ្តេញចេញ\nDefence objects",
	}
	var notes []storage.Record
	for i := range 300 {
		notes = append(notes, &storage.Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Minute), Text: texts[i%3], Source: storage.SourceSeen})
	}
	if err := v.Put(notes...); err != nil {
		b.Fatal(err)
	}
	u.opened(v)
	for b.Loop() {
		u.openHearing(h.ID)
		if len(u.hearing.lines) != 300 {
			b.Fatalf("%d lines", len(u.hearing.lines))
		}
		u.leaveHearing()
	}
}
