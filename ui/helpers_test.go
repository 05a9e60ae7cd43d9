package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

const testPass = "correct horse battery staple"

// newTestUI starts the app headlessly on a vault folder that does not exist
// yet. Slow work runs inline and the clock ticks one minute per reading.
func newTestUI(t *testing.T) *appUI {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1024, 600))
	u := newAppUI(w, filepath.Join(t.TempDir(), "vault"), storage.TestKDF)
	u.spawn = func(f func()) { f() }
	u.now = ticker(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC))
	t.Cleanup(func() {
		if err := u.close(); err != nil {
			t.Error(err)
		}
	})
	return u
}

// ticker returns a clock that starts at t0 and advances a minute per call.
func ticker(t0 time.Time) func() time.Time {
	n := 0
	return func() time.Time {
		n++
		return t0.Add(time.Duration(n) * time.Minute)
	}
}

// findButton returns the button in o's tree whose text starts with prefix.
func findButton(t *testing.T, o fyne.CanvasObject, prefix string) *widget.Button {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && strings.HasPrefix(b.Text, prefix) {
			return b
		}
	}
	t.Fatalf("no button %q", prefix)
	return nil
}

// findMenuItem returns the item of the window's main menu with this label.
func findMenuItem(t *testing.T, w fyne.Window, label string) *fyne.MenuItem {
	t.Helper()
	if m := w.MainMenu(); m != nil {
		for _, menu := range m.Items {
			for _, item := range menu.Items {
				if item.Label == label {
					return item
				}
			}
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

// labelTexts returns the text of every label in o's laid-out tree.
func labelTexts(o fyne.CanvasObject) []string {
	var texts []string
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	return texts
}

// hasLabel reports whether o shows a label containing sub.
func hasLabel(o fyne.CanvasObject, sub string) bool {
	for _, s := range labelTexts(o) {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestMain pins the time zone so that clock times in markup masters do not
// depend on the machine.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
