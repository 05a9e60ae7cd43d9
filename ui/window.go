package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The window: its size and place kept across runs, file dialogs that use
// it, and mouse movement counted as activity for the idle lock.

// prefWindow holds the window's place and size as "x y width height", in
// one preference: Fyne writes the file at once for the first change but
// only 100 ms later for a change right after it, which a closing app does
// not wait for (two keys lost the height when the app quit). x and y are
// -1 when the window system does not tell.
const prefWindow = "window"

// The keys of earlier versions, still read.
const (
	prefWindowWidth  = "window_width"
	prefWindowHeight = "window_height"
)

// defaultWindowSize fits a 1366×768 laptop screen with room for panels.
var defaultWindowSize = fyne.NewSize(1024, 600)

// windowPlace is where the window was and how large, as kept.
type windowPlace struct {
	x, y int // -1 when unknown
	size fyne.Size
}

// keptWindowPlace reads the kept place; ok is false if there is none that
// makes sense (a hand-edited or damaged preferences file is ignored).
func keptWindowPlace() (wp windowPlace, ok bool) {
	p := preferences()
	if p == nil {
		return wp, false
	}
	wp.x, wp.y = -1, -1
	if v := p.String(prefWindow); v != "" {
		if _, err := fmt.Sscanf(v, "%d %d %g %g", &wp.x, &wp.y, &wp.size.Width, &wp.size.Height); err != nil {
			return wp, false
		}
	} else {
		wp.size = fyne.NewSize(float32(p.Float(prefWindowWidth)), float32(p.Float(prefWindowHeight)))
	}
	s := wp.size
	return wp, s.Width >= 400 && s.Height >= 300 && s.Width <= 10000 && s.Height <= 10000
}

// restoreWindowSize gives w the size it had when it was last closed and
// keeps its size and place when it closes (restoreWindowPosition puts it
// back once it is shown).
func restoreWindowSize(w fyne.Window) {
	size := defaultWindowSize
	if wp, ok := keptWindowPlace(); ok {
		size = wp.size
	}
	w.Resize(size)
	w.SetOnClosed(func() { keepWindowPlace(w) })
	// Quitting (the Quit menu, or SIGTERM and Ctrl+C, which Fyne turns
	// into a quit) does not close the window first, but the app leaves the
	// foreground while the window is still there; so does a switch to
	// another window, which keeps the place too.
	if a := fyne.CurrentApp(); a != nil {
		a.Lifecycle().SetOnExitedForeground(func() { keepWindowPlace(w) })
	}
}

// keepWindowPlace stores w's size and place for the next start.
func keepWindowPlace(w fyne.Window) {
	p := preferences()
	s := w.Canvas().Size()
	if p == nil || s.Width < 400 || s.Height < 300 {
		return
	}
	// Fyne 2.7 has no API for a window's position; windowPosition asks the
	// window system (X11 or Windows) through the native window.
	x, y, ok := windowPosition(w)
	if !ok || x < 0 || y < 0 {
		x, y = -1, -1
		if old, ok := keptWindowPlace(); ok { // a closing window no longer tells
			x, y = old.x, old.y
		}
	}
	if v := fmt.Sprintf("%d %d %g %g", x, y, s.Width, s.Height); v != p.String(prefWindow) {
		p.SetString(prefWindow, v)
	}
}

// restoreWindowPosition puts the shown window w where it was when it was
// last closed, if that place is still on the screen (a second monitor may
// be gone); otherwise the window manager places it.
func restoreWindowPosition(w fyne.Window) {
	wp, ok := keptWindowPlace()
	if !ok || wp.x < 0 || wp.y < 0 || !moveWindow(w, wp.x, wp.y) {
		return
	}
	// Window managers differ in whether a move places the frame or the
	// window inside it, and apply it once they manage the window; so look
	// again a moment later and correct by the difference, once.
	time.AfterFunc(windowSettle, func() {
		fyne.Do(func() {
			if x, y, ok := windowPosition(w); ok && (x != wp.x || y != wp.y) {
				moveWindow(w, 2*wp.x-x, 2*wp.y-y)
			}
		})
	})
}

// windowSettle is how long a window manager is given to place a new window.
const windowSettle = 700 * time.Millisecond

// showFileDialog shows a file or folder dialog nearly as large as the
// window: Fyne's default size shows a handful of files at a time.
func showFileDialog(d *dialog.FileDialog, w fyne.Window) {
	s := w.Canvas().Size()
	d.Resize(fyne.NewSize(max(600, s.Width-60), max(400, s.Height-60)))
	d.Show()
	armFileNameField(w.Canvas())
}

// armFileNameField gives the file name field of the save dialog on top of
// c our dialog keys: Fyne's dialog focuses its own field, which ignores
// Escape, so Escape did nothing there. The field is swapped for a keyEntry
// that keeps the same text as Fyne's (which the dialog reads on Save and
// sets when a file is clicked), both ways.
func armFileNameField(c fyne.Canvas) {
	scroll := findFileNameScroll(c.Overlays().Top())
	if scroll == nil {
		return
	}
	orig := scroll.Content.(*widget.Entry)
	e := newKeyEntry()
	e.SetPlaceHolder(orig.PlaceHolder)
	e.SetText(orig.Text)
	e.OnSubmitted = orig.OnSubmitted
	e.OnChanged = func(s string) {
		if orig.Text != s {
			orig.SetText(s) // runs the dialog's own OnChanged: Save enabled
		}
	}
	dialogChanged := orig.OnChanged
	orig.OnChanged = func(s string) {
		if dialogChanged != nil {
			dialogChanged(s)
		}
		if e.Text != s {
			e.SetText(s)
		}
	}
	scroll.Content = e
	scroll.Refresh()
	c.Focus(e)
}

// findFileNameScroll finds the scroll that holds a save dialog's file name
// field (a plain widget.Entry) in o's tree.
func findFileNameScroll(o fyne.CanvasObject) *container.Scroll {
	switch o := o.(type) {
	case *container.Scroll:
		if _, ok := o.Content.(*widget.Entry); ok {
			return o
		}
		return findFileNameScroll(o.Content)
	case *widget.PopUp:
		return findFileNameScroll(o.Content)
	case *fyne.Container:
		for _, c := range o.Objects {
			if s := findFileNameScroll(c); s != nil {
				return s
			}
		}
	}
	return nil
}

// activityLayer holds the window's content and counts mouse movement as
// activity. Fyne sends hover events only to the widget under the pointer,
// but on every movement it asks each object under it for its cursor, from
// the window's content down; so Cursor is where movement anywhere in the
// window can be seen, without taking hover away from any widget.
type activityLayer struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onMove  func()
}

var _ desktop.Cursorable = (*activityLayer)(nil)

func newActivityLayer(content fyne.CanvasObject, onMove func()) *activityLayer {
	l := &activityLayer{content: content, onMove: onMove}
	l.ExtendBaseWidget(l)
	return l
}

func (l *activityLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(l.content)
}

// Cursor is the default one; the widgets inside choose their own.
func (l *activityLayer) Cursor() desktop.Cursor {
	l.onMove()
	return desktop.DefaultCursor
}

// setContent shows o in the window, with mouse movement postponing the
// idle lock, and soon hands back the memory the screen before used.
func (u *appUI) setContent(o fyne.CanvasObject) {
	u.win.SetContent(newActivityLayer(o, u.touch))
	u.settle()
}
