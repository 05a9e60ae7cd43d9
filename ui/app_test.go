package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestPlaceholderContent(t *testing.T) {
	test.NewTempApp(t)
	const vaultDir = "/home/monitor/courtwatch-vault"
	w := test.NewTempWindow(t, placeholderContent(vaultDir))
	w.Resize(fyne.NewSize(1024, 600))

	got := labelTexts(w.Content())
	for _, want := range []string{
		"Courtwatch",
		"Vault folder: " + vaultDir,
		"The courtroom screens are not built yet. Use the command line meanwhile: courtwatch help",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("label %q missing; labels are %q", want, got)
		}
	}

	test.AssertRendersToMarkup(t, "placeholder.xml", w.Canvas())
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
