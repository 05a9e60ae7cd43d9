package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestNoteEntryKeepsText types a long note into the note field at many
// widths: the text saved must be exactly what was typed, wherever the
// lines wrap. (Fyne's word wrapping moves spaces typed at a wrap point.)
func TestNoteEntryKeepsText(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	const note = "The police stopped the public at the gate and the lawyers were kept out of the courtroom for an hour; ប៉ូលិសរារាំងសាធារណជន"
	win := test.NewTempWindow(t, nil)
	for w := float32(120); w < 700; w += 6 {
		var saved string
		e := newNoteEntry(func(s string) { saved = s })
		win.SetContent(e)
		win.Resize(fyne.NewSize(w, 200))
		test.Type(e, note)
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if saved != note {
			t.Fatalf("field %v wide: saved %q", w, saved)
		}
	}
}
