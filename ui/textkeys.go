package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keys that Fyne's entry does not know: Ctrl+Home and Ctrl+End move to the
// start and the end of the whole text, and Ctrl+Enter submits a multi-line
// field whose Enter starts a new line.
var (
	ctrlHome  = &desktop.CustomShortcut{KeyName: fyne.KeyHome, Modifier: fyne.KeyModifierShortcutDefault}
	ctrlEnd   = &desktop.CustomShortcut{KeyName: fyne.KeyEnd, Modifier: fyne.KeyModifierShortcutDefault}
	ctrlEnter = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	ctrlKPEnt = &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault}
)

// cursorToEnd puts e's cursor after its last character, where a monitor
// continuing a kept note expects to type. SetText leaves it at the start.
func cursorToEnd(e *widget.Entry) {
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
}

// cursorToStart puts e's cursor before its first character.
func cursorToStart(e *widget.Entry) {
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp})
}

// textShortcut handles Ctrl+Home, Ctrl+End and (when submit is not nil)
// Ctrl+Enter for e, and reports whether s was one of them.
func textShortcut(e *widget.Entry, s fyne.Shortcut, submit func()) bool {
	switch s.ShortcutName() {
	case ctrlHome.ShortcutName():
		cursorToStart(e)
	case ctrlEnd.ShortcutName():
		cursorToEnd(e)
	case ctrlEnter.ShortcutName(), ctrlKPEnt.ShortcutName():
		if submit == nil {
			return false
		}
		submit()
	default:
		return false
	}
	return true
}

// editEntry is the note editor's field: multi-line, Enter starts a new
// line, Ctrl+Enter saves, Escape cancels, Ctrl+Home and Ctrl+End move to
// the start and end of the text.
type editEntry struct {
	widget.Entry
	onSubmit func()
}

func newEditEntry() *editEntry {
	e := &editEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak // not Word: see newNoteEntry
	e.ExtendBaseWidget(e)
	return e
}

func (e *editEntry) TypedShortcut(s fyne.Shortcut) {
	if !textShortcut(&e.Entry, s, e.onSubmit) {
		e.Entry.TypedShortcut(s)
	}
}

func (e *editEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && dialogKey(canvasOf(e), k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// KeyDown arms the dialog before Tab moves the focus on.
func (e *editEntry) KeyDown(k *fyne.KeyEvent) {
	dialogKeyDown(canvasOf(e), k)
	e.Entry.KeyDown(k)
}
