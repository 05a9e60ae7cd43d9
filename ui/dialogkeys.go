package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Dialog keys, the same for every dialog: Escape cancels (the button with
// the cancel icon, or labelled Cancel or Close, or a dialog's only
// button), and Enter confirms (the button of high importance, the
// dialog's default, or its only button). The window's canvas sends here
// the keys that no widget takes (Fyne focuses nothing when a dialog
// opens), and keyEntry, the text field of our dialogs, sends the keys it
// does not use. So no dialog needs code of its own for them.

// installDialogKeys makes w's dialogs answer Escape and Enter.
func installDialogKeys(w fyne.Window) {
	c := w.Canvas()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { dialogKey(c, ev.Name) })
	if dc, ok := c.(desktop.Canvas); ok {
		down := dc.OnKeyDown()
		dc.SetOnKeyDown(func(ev *fyne.KeyEvent) {
			dialogKeyDown(c, ev)
			if down != nil {
				down(ev)
			}
		})
	}
}

// dialogKey runs what key means for the dialog on top of c, and reports
// whether there was something to do.
func dialogKey(c fyne.Canvas, key fyne.KeyName) bool {
	if c == nil {
		return false
	}
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	var buttons []*widget.Button
	collectButtons(top, &buttons)
	var b *widget.Button
	switch key {
	case fyne.KeyEscape:
		b = cancelButton(buttons)
	case fyne.KeyReturn, fyne.KeyEnter:
		b = defaultButton(buttons)
	}
	if b == nil || b.Disabled() || b.OnTapped == nil {
		return false
	}
	b.OnTapped()
	return true
}

// collectButtons appends the visible buttons in o's tree: containers,
// scrolls, pop-ups and our own dialog bodies.
func collectButtons(o fyne.CanvasObject, out *[]*widget.Button) {
	if o == nil || !o.Visible() {
		return
	}
	switch o := o.(type) {
	case *widget.Button:
		*out = append(*out, o)
	case *keyButton:
		*out = append(*out, &o.Button)
	case *fyne.Container:
		for _, c := range o.Objects {
			collectButtons(c, out)
		}
	case *widget.PopUp:
		collectButtons(o.Content, out)
	case *container.Scroll:
		collectButtons(o.Content, out)
	}
}

func cancelButton(buttons []*widget.Button) *widget.Button {
	cancel, closeText := lang.L("Cancel"), lang.L("Close")
	for _, b := range buttons {
		if b.Icon != nil && b.Icon.Name() == theme.CancelIcon().Name() {
			return b
		}
		if strings.HasPrefix(b.Text, cancel) || strings.HasPrefix(b.Text, closeText) {
			return b
		}
	}
	if len(buttons) == 1 {
		return buttons[0]
	}
	return nil
}

func defaultButton(buttons []*widget.Button) *widget.Button {
	for _, b := range buttons {
		if b.Importance == widget.HighImportance {
			return b
		}
	}
	if len(buttons) == 1 {
		return buttons[0]
	}
	return nil
}

// canvasOf is the canvas o is shown on, or nil.
func canvasOf(o fyne.CanvasObject) fyne.Canvas {
	if a := fyne.CurrentApp(); a != nil {
		return a.Driver().CanvasForObject(o)
	}
	return nil
}

// dialogKeyDown arms the dialog on top of c when Tab is about to move the
// focus in it. The window's canvas calls it for keys pressed while nothing
// has the focus, and our dialog widgets for keys pressed while they have
// it.
func dialogKeyDown(c fyne.Canvas, ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyTab && c != nil {
		armDialogKeys(c.Overlays().Top())
	}
}

// armDialogKeys swaps the plain buttons in o's tree, which Fyne's dialogs
// make, for keyButtons with the same text, icon, importance, state and
// action.
func armDialogKeys(o fyne.CanvasObject) {
	if o == nil {
		return
	}
	switch o := o.(type) {
	case *fyne.Container:
		changed := false
		for i, c := range o.Objects {
			if b, ok := c.(*widget.Button); ok {
				o.Objects[i] = keyButtonOf(b)
				changed = true
				continue
			}
			armDialogKeys(c)
		}
		if changed {
			o.Refresh()
		}
	case *widget.PopUp:
		armDialogKeys(o.Content)
	case *container.Scroll:
		armDialogKeys(o.Content)
	}
}
