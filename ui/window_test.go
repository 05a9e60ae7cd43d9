package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestWindowSizeRemembered: the window opens at the size it had when it
// was closed (issue 10, flaw 10).
func TestWindowSizeRemembered(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(widget.NewLabel("")) // closed below
	restoreWindowSize(w)
	if got := w.Canvas().Size(); got.Width < defaultWindowSize.Width-10 || got.Width > defaultWindowSize.Width+10 {
		t.Errorf("first window %v, want about %v", got, defaultWindowSize)
	}
	w.Resize(fyne.NewSize(1300, 720))
	w.Close()
	w2 := test.NewTempWindow(t, widget.NewLabel(""))
	restoreWindowSize(w2)
	if got := w2.Canvas().Size(); got.Width < 1290 || got.Height < 710 {
		t.Errorf("window opens at %v after closing at 1300×720", got)
	}
}

// TestWindowPlaceDamaged: a kept window place that a hand edit or a damaged
// preferences file left unreadable or out of range is ignored, and the
// window opens at the default size; one from an earlier version (width and
// height as two keys) is still read.
func TestWindowPlaceDamaged(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	for _, bad := range []string{
		"garbage", "1 2 3", "10 20 abc 600", "10 20 100 50", "10 20 20000 700",
		"99999999999999999999 0 900 600", "10 20 NaN 600", "10\x0020 900 600", "\x1b[2J",
	} {
		p.SetString(prefWindow, bad)
		if wp, ok := keptWindowPlace(); ok {
			t.Errorf("%q read as a window place %+v", bad, wp)
		}
		w := test.NewTempWindow(t, widget.NewLabel(""))
		restoreWindowSize(w)
		if got := w.Canvas().Size(); got.Width < defaultWindowSize.Width-10 || got.Width > defaultWindowSize.Width+10 {
			t.Errorf("with %q kept, the window opens at %v, want about %v", bad, got, defaultWindowSize)
		}
	}
	p.RemoveValue(prefWindow)
	p.SetFloat(prefWindowWidth, 1200)
	p.SetFloat(prefWindowHeight, 700)
	if wp, ok := keptWindowPlace(); !ok || wp.size != fyne.NewSize(1200, 700) || wp.x != -1 || wp.y != -1 {
		t.Errorf("the earlier version's keys read as %+v, %v; want 1200×700 at no known place", wp, ok)
	}
}

// TestFileDialogLarge: a file dialog takes nearly the whole window
// (issue 10, flaw 10).
func TestFileDialogLarge(t *testing.T) {
	u, _ := openTestHearing(t)
	u.hearing.attachments.addDialog()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no file dialog")
	}
	var biggest fyne.Size
	for _, o := range test.LaidOutObjects(top) {
		if s := o.Size(); s.Width*s.Height > biggest.Width*biggest.Height && s.Width < u.win.Canvas().Size().Width {
			biggest = s
		}
	}
	win := u.win.Canvas().Size()
	if biggest.Width < win.Width-100 || biggest.Height < win.Height-100 {
		t.Errorf("file dialog %v in a window of %v", biggest, win)
	}
}

// TestMouseMovePostponesIdleLock: moving the mouse counts as activity
// (issue 10, flaw 10).
func TestMouseMovePostponesIdleLock(t *testing.T) {
	u, _ := openTestHearing(t)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	u.now = func() time.Time { return now }
	u.idle = 5 * time.Minute
	u.touch()
	now = now.Add(4 * time.Minute)
	// What the window does on every mouse movement: ask the objects under
	// the pointer, from the content down, for their cursor.
	c, ok := u.win.Content().(desktop.Cursorable)
	if !ok {
		t.Fatalf("the window's content %T sees no mouse movement", u.win.Content())
	}
	c.Cursor()
	now = now.Add(2 * time.Minute)
	u.checkIdle()
	if u.vault == nil {
		t.Fatal("locked 2 minutes after the mouse moved")
	}
	now = now.Add(4 * time.Minute)
	u.checkIdle()
	if u.vault != nil {
		t.Fatal("not locked 6 minutes after the last movement")
	}
}

// TestIdleReleasesMemory: after releaseAfter without input the idle
// watcher hands unused memory back once; at redrawAfter it draws the
// window once (so that Fyne lets go of the screens left), and at
// releaseAgain it hands memory back again; input arms it again.
func TestIdleReleasesMemory(t *testing.T) {
	u, _ := openTestHearing(t)
	rc := &refreshCounter{Canvas: u.win.Canvas()}
	u.win = &canvasWindow{Window: u.win, canvas: rc}
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	u.now = func() time.Time { return now }
	u.touch()
	u.checkIdle()
	if u.released != 0 {
		t.Fatal("released right after input")
	}
	now = now.Add(releaseAfter)
	u.checkIdle()
	u.checkIdle()
	if u.released != 1 || u.vault == nil {
		t.Fatalf("released %d times, vault open %v after %v at rest", u.released, u.vault != nil, releaseAfter)
	}
	if len(rc.refreshed) != 0 {
		t.Fatalf("window drawn %d times before %v at rest", len(rc.refreshed), redrawAfter)
	}
	now = now.Add(redrawAfter - releaseAfter)
	u.checkIdle()
	u.checkIdle()
	if u.released != 2 || len(rc.refreshed) != 1 || rc.refreshed[0] != u.win.Content() {
		t.Fatalf("after %v at rest: step %d, window content drawn %d times (%v)", redrawAfter, u.released, len(rc.refreshed), rc.refreshed)
	}
	now = now.Add(releaseAgain - redrawAfter)
	u.checkIdle()
	u.checkIdle()
	if u.released != 3 || len(rc.refreshed) != 1 {
		t.Fatalf("after %v at rest: step %d, window drawn %d times", releaseAgain, u.released, len(rc.refreshed))
	}
	u.touch()
	if u.released != 0 {
		t.Error("input did not arm the release again")
	}
}

// TestFileSaveDialogKeys: in a save dialog, whose file name field Fyne
// focuses, Escape cancels and Enter saves; the name typed, and the name a
// click on a file puts there, are the one the dialog saves to (issue 10,
// flaw 6).
func TestFileSaveDialogKeys(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1000, 700))
	installDialogKeys(w)
	c := w.Canvas()
	dir := t.TempDir()
	open := func(done func(fyne.URIWriteCloser, error)) *dialog.FileDialog {
		d := dialog.NewFileSave(done, w)
		loc, err := storage.ListerForURI(storage.NewFileURI(dir))
		if err != nil {
			t.Fatal(err)
		}
		d.SetLocation(loc)
		d.SetFileName("report.pdf")
		showFileDialog(d, w)
		return d
	}

	calls := 0
	open(func(wc fyne.URIWriteCloser, err error) {
		calls++
		if wc != nil || err != nil {
			t.Errorf("Escape gave %v, %v; want a cancel", wc, err)
		}
	})
	f, ok := c.Focused().(*keyEntry)
	if !ok || f.Text != "report.pdf" {
		t.Fatalf("the save dialog's focus is on %T %v, want the file name field with report.pdf", c.Focused(), f)
	}
	pressKey(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil || calls != 1 {
		t.Fatalf("Escape in the file name field: dialog still open %v, callback ran %d times", c.Overlays().Top() != nil, calls)
	}

	var saved string
	d := open(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			t.Fatalf("Enter gave %v, %v; want a file to write", wc, err)
		}
		saved = wc.URI().Name()
		wc.Close()
	})
	d.SetFileName("from-a-click.pdf") // what the dialog does when a file is clicked
	f = c.Focused().(*keyEntry)
	if f.Text != "from-a-click.pdf" {
		t.Errorf("the field shows %q after the dialog set the name", f.Text)
	}
	f.SetText("")
	test.Type(f, "typed.pdf")
	pressKey(c, fyne.KeyReturn)
	if saved != "typed.pdf" {
		t.Errorf("Enter saved to %q, want typed.pdf", saved)
	}
	if _, err := os.Stat(filepath.Join(dir, "typed.pdf")); err != nil {
		t.Errorf("no file written: %v", err)
	}
}

// canvasWindow is a window whose canvas is canvas.
type canvasWindow struct {
	fyne.Window
	canvas fyne.Canvas
}

func (w *canvasWindow) Canvas() fyne.Canvas { return w.canvas }

// refreshCounter is a canvas that notes what it was asked to redraw
// (Fyne's test canvas draws nothing).
type refreshCounter struct {
	fyne.Canvas
	refreshed []fyne.CanvasObject
}

func (c *refreshCounter) Refresh(o fyne.CanvasObject) {
	c.refreshed = append(c.refreshed, o)
	c.Canvas.Refresh(o)
}
