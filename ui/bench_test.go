package ui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// BenchmarkNoteEnter measures typing a short note and pressing Enter on the
// hearing screen: the note is stored durably in a real vault and appears in
// the log.
func BenchmarkNoteEnter(b *testing.B) {
	a := test.NewTempApp(b)
	a.Settings().SetTheme(newTheme())
	w := test.NewTempWindow(b, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1024, 600))
	dir := filepath.Join(b.TempDir(), "vault")
	v, err := storage.Create(dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		b.Fatal(err)
	}
	u := newAppUI(w, dir, storage.TestKDF)
	b.Cleanup(func() { u.close() })
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

	b.ResetTimer()
	for b.Loop() {
		test.Type(hs.note, "Defence lawyer not allowed to speak")
		hs.note.TypedKey(enter)
	}
	b.StopTimer()
	if hs.note.Text != "" || len(hs.lines) < b.N {
		b.Fatalf("%d lines in the log after %d notes; field %q", len(hs.lines), b.N, hs.note.Text)
	}
}
