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

// openTestVault creates a vault with one case and one hearing in u's
// folder and opens the main screens on it.
func openTestVault(t *testing.T, u *appUI) (*storage.Vault, *storage.Case, *storage.Hearing) {
	t.Helper()
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 001/2020", Title: "Plotting: mass trial I"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	u.opened(v)
	return v, c, h
}

// newBenchUI is the app on a new, empty vault in a 1024×600 window for a
// benchmark; open the screens with u.opened(v) once the vault is filled.
func newBenchUI(b *testing.B) (*appUI, *storage.Vault) {
	b.Helper()
	a := test.NewTempApp(b)
	a.Settings().SetTheme(newTheme())
	w := test.NewTempWindow(b, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1024, 600))
	dir := filepath.Join(b.TempDir(), "vault")
	v, err := storage.Create(dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		b.Fatal(err)
	}
	u := newAppUI(w, dir, storage.TestKDF)
	b.Cleanup(func() { u.close() })
	return u, v
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
		if b, ok := obj.(*keyButton); ok && strings.HasPrefix(b.Text, prefix) {
			return &b.Button
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
