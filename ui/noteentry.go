package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// noteEntry is a multi-line field where Enter saves and Shift+Enter starts
// a new line: the reverse of widget.Entry, because in court a note is
// usually one line and must be saved with one key.
type noteEntry struct {
	widget.Entry
	onSave func(string)
	onKey  func() // any key, typed or pressed; may be nil
	shift  bool
}

var _ desktop.Keyable = (*noteEntry)(nil)

func newNoteEntry(onSave func(string)) *noteEntry {
	e := &noteEntry{onSave: onSave}
	e.MultiLine = true
	// Not TextWrapWord: Fyne 2.7.1's word-wrapping entry moves a space typed
	// at a wrap point to the end of the text ("at the gate" becomes "at
	// thegate "). Breaking anywhere keeps the text exactly as typed
	// (TestNoteEntryKeepsText).
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

func (e *noteEntry) key() {
	if e.onKey != nil {
		e.onKey()
	}
}

func (e *noteEntry) TypedRune(r rune) {
	e.key()
	e.Entry.TypedRune(r)
}

func (e *noteEntry) KeyDown(k *fyne.KeyEvent) {
	e.key()
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(k)
}

func (e *noteEntry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(k)
}

// TypedShortcut adds Ctrl+Home and Ctrl+End to the entry's shortcuts.
func (e *noteEntry) TypedShortcut(s fyne.Shortcut) {
	e.key()
	if !textShortcut(&e.Entry, s, nil) {
		e.Entry.TypedShortcut(s)
	}
}

func (e *noteEntry) TypedKey(k *fyne.KeyEvent) {
	e.key()
	if (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && !e.shift {
		e.onSave(e.Text)
		return
	}
	e.Entry.TypedKey(k)
}
