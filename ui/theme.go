package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"courtwatch/assets/fonts"
)

// Fonts of the Courtwatch theme.
//
// Fyne draws a text with one font per TextStyle, and falls back glyph by
// glyph: first the theme's font, then Fyne's built-in font (Noto Sans), then
// fonts installed on the system. A line is cropped to the metrics of the
// first font that has a space. So the theme's font is Courtwatch Khmer, whose
// raised ascent/descent leaves room for stacked Khmer marks; it has no Latin
// letters or digits, and those fall through to Noto Sans. Both scripts render
// on a machine with no Khmer font installed.
var (
	khmerRegular = fyne.NewStaticResource("CourtwatchKhmer-Regular.ttf", fonts.UIKhmerRegular)
	khmerBold    = fyne.NewStaticResource("CourtwatchKhmer-Bold.ttf", fonts.UIKhmerBold)
)

// courtwatchTheme is Fyne's default look with fonts that render Khmer.
type courtwatchTheme struct{}

var _ fyne.Theme = courtwatchTheme{}

func newTheme() fyne.Theme { return courtwatchTheme{} }

func (courtwatchTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace, s.Symbol:
		return theme.DefaultTheme().Font(s)
	case s.Bold:
		return khmerBold
	default:
		return khmerRegular
	}
}

func (courtwatchTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, v)
}

func (courtwatchTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

func (courtwatchTheme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n)
}
