package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const khmerSample = "Kem Sokha កឹម សុខា សម រង្ស៊ី កម្ពុជា"

// TestThemeKhmerLineHeight checks that a line of Khmer gets the raised
// metrics of Courtwatch Khmer, so marks under subscripts are not cropped.
func TestThemeKhmerLineHeight(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())

	size := theme.TextSize()
	got := fyne.MeasureText(khmerSample, size, fyne.TextStyle{})
	// Courtwatch Khmer declares 1160 above and 700 below the baseline, per 1000 units.
	if want := size * 1.8; got.Height < want {
		t.Errorf("line height of %q = %v, want at least %v (raised Khmer metrics)", khmerSample, got.Height, want)
	}
	bold := fyne.MeasureText(khmerSample, size, fyne.TextStyle{Bold: true})
	if bold.Height < size*1.8 {
		t.Errorf("bold line height = %v, want at least %v", bold.Height, size*1.8)
	}
}

// TestThemeRendersKhmer draws Latin and Khmer with the theme. With
// COURTWATCH_SHOTS=DIR it writes the picture to DIR/theme-khmer.png for a
// person to compare with a HarfBuzz reference (hb-view).
func TestThemeRendersKhmer(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())

	big := widget.NewLabel(khmerSample)
	big.SizeName = theme.SizeNameHeadingText
	w := test.NewTempWindow(t, container.NewVBox(
		widget.NewLabel(khmerSample),
		widget.NewLabelWithStyle(khmerSample, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		big,
	))
	w.Resize(fyne.NewSize(520, 200))
	img := w.Canvas().Capture()
	if inked(img) == 0 {
		t.Fatal("nothing drawn")
	}
	if dir := os.Getenv("COURTWATCH_SHOTS"); dir != "" {
		writePNG(t, filepath.Join(dir, "theme-khmer.png"), img)
	}
}

// inked counts pixels that differ from the background (the top-left pixel).
func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.At(x, y) != bg {
				n++
			}
		}
	}
	return n
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
