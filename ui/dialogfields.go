package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The widgets of our dialogs. A widget that has the keyboard focus (Tab,
// or a click on a field, select, check box, list or table) gets every key
// from Fyne, and the canvas gets none: Escape would do nothing. So every
// focusable widget in a dialog is one of these, which pass Escape (and
// Enter, unless the widget uses it) on to dialogKey, and arm the dialog's
// buttons (dialogKeyDown) before Tab moves the focus on.
// TestDialogKeysEveryStop tabs through every dialog and presses Escape at
// each stop.

// entryKey gives the dialog around o, a text field, the keys the field
// does not use: Escape, and Enter in a one-line field without its own
// OnSubmitted. It reports whether the dialog took the key.
func entryKey(o fyne.CanvasObject, e *widget.Entry, k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyEscape:
		return dialogKey(canvasOf(o), k.Name)
	case fyne.KeyReturn, fyne.KeyEnter:
		return e.OnSubmitted == nil && !e.MultiLine && dialogKey(canvasOf(o), k.Name)
	}
	return false
}

// keyEntry is a one-line text field for dialogs: Escape cancels the
// dialog, and Enter confirms it unless the field has its own OnSubmitted.
type keyEntry struct {
	widget.Entry
	leaveTab bool // a multi-line field: Tab moves the focus on, not types
}

// AcceptsTab reports whether Tab is typed into the field (a multi-line
// one's, unless leaveTab) rather than moving the focus.
func (e *keyEntry) AcceptsTab() bool { return e.MultiLine && !e.leaveTab }

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if !entryKey(e, &e.Entry, k) {
		e.Entry.TypedKey(k)
	}
}

// KeyDown arms the dialog before Tab moves the focus on.
func (e *keyEntry) KeyDown(k *fyne.KeyEvent) {
	dialogKeyDown(canvasOf(e), k)
	e.Entry.KeyDown(k)
}

// newKeyMultiLineEntry is a multi-line keyEntry: Enter starts a new line,
// Escape cancels the dialog.
func newKeyMultiLineEntry() *keyEntry {
	e := &keyEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// keySelectEntry is a text field with a list to choose from, for dialogs:
// Escape cancels the dialog and Enter confirms it, as in a keyEntry; its
// drop-down button is a keyButton.
type keySelectEntry struct {
	widget.SelectEntry
}

func newKeySelectEntry(options []string) *keySelectEntry {
	e := &keySelectEntry{}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewSelectEntry
	e.SetOptions(options)
	if b, ok := e.ActionItem.(*widget.Button); ok {
		e.ActionItem = keyButtonOf(b)
	}
	return e
}

func (e *keySelectEntry) TypedKey(k *fyne.KeyEvent) {
	if !entryKey(e, &e.Entry, k) {
		e.SelectEntry.TypedKey(k)
	}
}

// KeyDown arms the dialog before Tab moves the focus on.
func (e *keySelectEntry) KeyDown(k *fyne.KeyEvent) {
	dialogKeyDown(canvasOf(e), k)
	e.SelectEntry.KeyDown(k)
}

// keyButton is a button for dialogs: focused, Escape cancels the dialog
// and Enter (like Space) presses the button.
type keyButton struct {
	widget.Button
}

func newKeyButton(text string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if dialogKey(canvasOf(b), ev.Name) {
			return
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		ev = &fyne.KeyEvent{Name: fyne.KeySpace, Physical: ev.Physical}
	}
	b.Button.TypedKey(ev)
}

// KeyDown arms the dialog before Tab moves the focus on.
func (b *keyButton) KeyDown(ev *fyne.KeyEvent) { dialogKeyDown(canvasOf(b), ev) }

// KeyUp does nothing.
func (b *keyButton) KeyUp(*fyne.KeyEvent) {}

// keyButtonOf is a keyButton with b's text, icon, importance, state and
// action, to stand in b's place.
func keyButtonOf(b *widget.Button) *keyButton {
	k := newKeyButton(b.Text, b.Icon, b.OnTapped)
	k.Importance, k.Alignment, k.IconPlacement = b.Importance, b.Alignment, b.IconPlacement
	if b.Disabled() {
		k.Disable()
	}
	if !b.Visible() {
		k.Hide()
	}
	k.Resize(b.Size())
	k.Move(b.Position())
	return k
}

// keyCheck is a check box for dialogs: focused, Escape cancels the dialog
// and Enter confirms it.
type keyCheck struct {
	widget.Check
}

func newKeyCheck(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	if !dialogKey(canvasOf(c), ev.Name) {
		c.Check.TypedKey(ev)
	}
}

// KeyDown arms the dialog before Tab moves the focus on.
func (c *keyCheck) KeyDown(ev *fyne.KeyEvent) { dialogKeyDown(canvasOf(c), ev) }

// KeyUp does nothing.
func (c *keyCheck) KeyUp(*fyne.KeyEvent) {}

// keySelect is a select for dialogs: focused, Escape cancels the dialog
// and Enter confirms it; Space and the arrow keys choose, as in any
// select.
type keySelect struct {
	widget.Select
}

func newKeySelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{}
	s.Options, s.OnChanged, s.PlaceHolder = options, changed, "(Select one)"
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	if !dialogKey(canvasOf(s), ev.Name) {
		s.Select.TypedKey(ev)
	}
}

// KeyDown arms the dialog before Tab moves the focus on.
func (s *keySelect) KeyDown(ev *fyne.KeyEvent) { dialogKeyDown(canvasOf(s), ev) }

// KeyUp does nothing.
func (s *keySelect) KeyUp(*fyne.KeyEvent) {}

// keyList is a list for dialogs: focused (a click on a row, or Tab),
// Escape cancels the dialog; the arrow keys move and Space chooses, as in
// any list, and so does Enter in a list whose rows can be chosen (in one
// that only shows, Enter confirms the dialog).
type keyList struct {
	widget.List
}

func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if l.OnSelected != nil {
			ev = &fyne.KeyEvent{Name: fyne.KeySpace, Physical: ev.Physical}
		} else if dialogKey(canvasOf(l), ev.Name) {
			return
		}
	case fyne.KeyEscape:
		if dialogKey(canvasOf(l), ev.Name) {
			return
		}
	}
	l.List.TypedKey(ev)
}

// KeyDown arms the dialog before Tab moves the focus on.
func (l *keyList) KeyDown(ev *fyne.KeyEvent) { dialogKeyDown(canvasOf(l), ev) }

// KeyUp does nothing.
func (l *keyList) KeyUp(*fyne.KeyEvent) {}

// keyTable is a table with headers for dialogs: focused, Escape cancels
// the dialog; the arrow keys and Space work as in any table.
type keyTable struct {
	widget.Table
}

func newKeyTableWithHeaders(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *keyTable {
	t := &keyTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ShowHeaderRow, t.ShowHeaderColumn = true, true // as widget.NewTableWithHeaders
	t.ExtendBaseWidget(t)
	return t
}

func (t *keyTable) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeyEscape || !dialogKey(canvasOf(t), ev.Name) {
		t.Table.TypedKey(ev)
	}
}

// KeyDown arms the dialog before Tab moves the focus on.
func (t *keyTable) KeyDown(ev *fyne.KeyEvent) { dialogKeyDown(canvasOf(t), ev) }

// KeyUp does nothing.
func (t *keyTable) KeyUp(*fyne.KeyEvent) {}

// copyButton copies a key or an id to the clipboard (monoText). It is not
// one of a dialog's answers, so dialogKey passes it over; focused, it
// gives Escape and Enter to the dialog, and Space presses it.
type copyButton struct {
	widget.Button
	text string
}

func (b *copyButton) copy() {
	if a := fyne.CurrentApp(); a != nil {
		a.Clipboard().SetContent(b.text)
	}
}

func (b *copyButton) TypedKey(ev *fyne.KeyEvent) {
	if !dialogKey(canvasOf(b), ev.Name) {
		b.Button.TypedKey(ev)
	}
}

// KeyDown arms the dialog before Tab moves the focus on.
func (b *copyButton) KeyDown(ev *fyne.KeyEvent) { dialogKeyDown(canvasOf(b), ev) }

// KeyUp does nothing.
func (b *copyButton) KeyUp(*fyne.KeyEvent) {}
