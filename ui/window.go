package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The window: its size kept across runs, file dialogs that use it, and
// mouse movement counted as activity for the idle lock.

const (
	prefWindowWidth  = "window_width"
	prefWindowHeight = "window_height"
)

// defaultWindowSize fits a 1366×768 laptop screen with room for panels.
var defaultWindowSize = fyne.NewSize(1024, 600)

// restoreWindowSize gives w the size it had when it was last closed and
// keeps its size when it closes. Fyne 2.7 has no API for a window's
// position, so the window manager places it.
func restoreWindowSize(w fyne.Window) {
	size := defaultWindowSize
	if p := preferences(); p != nil {
		width := float32(p.FloatWithFallback(prefWindowWidth, 0))
		height := float32(p.FloatWithFallback(prefWindowHeight, 0))
		if width >= 400 && height >= 300 && width <= 10000 && height <= 10000 {
			size = fyne.NewSize(width, height)
		}
	}
	w.Resize(size)
	w.SetOnClosed(func() { keepWindowSize(w) })
}

// keepWindowSize stores w's size for restoreWindowSize.
func keepWindowSize(w fyne.Window) {
	p := preferences()
	s := w.Canvas().Size()
	if p == nil || s.Width < 400 || s.Height < 300 {
		return
	}
	p.SetFloat(prefWindowWidth, float64(s.Width))
	p.SetFloat(prefWindowHeight, float64(s.Height))
}

// showFileDialog shows a file or folder dialog nearly as large as the
// window: Fyne's default size shows a handful of files at a time.
func showFileDialog(d *dialog.FileDialog, w fyne.Window) {
	s := w.Canvas().Size()
	d.Resize(fyne.NewSize(max(600, s.Width-60), max(400, s.Height-60)))
	d.Show()
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
