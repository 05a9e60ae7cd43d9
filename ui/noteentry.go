package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
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

	// hint is the placeholder before wrapping. The entry breaks lines
	// anywhere (see newNoteEntry), which would cut the placeholder's words
	// in half, so Resize wraps it at word boundaries itself.
	hint      string
	hintWidth float32
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

// setHint sets a placeholder that wraps between words.
func (e *noteEntry) setHint(text string) {
	e.hint, e.hintWidth = text, 0
	e.SetPlaceHolder(text)
}

// Resize wraps the hint for the new width.
func (e *noteEntry) Resize(size fyne.Size) {
	if e.hint != "" && size.Width != e.hintWidth {
		e.hintWidth = size.Width
		e.SetPlaceHolder(wrapWords(e.hint, size.Width-4*theme.InnerPadding()))
	}
	e.Entry.Resize(size)
}

// wrapWords breaks text into lines no wider than width, between words.
func wrapWords(text string, width float32) string {
	measure := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width }
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case measure(line+" "+w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
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
