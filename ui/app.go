package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/assets"
)

// appID must match ID in FyneApp.toml: Fyne keys preferences and storage by it.
const appID = "org.courtwatch.app"

var appIcon = fyne.NewStaticResource("icon.png", assets.Icon)

// Run opens the Courtwatch window and blocks until it is closed.
func Run(vaultDir string) error {
	a := app.NewWithID(appID)
	a.SetIcon(appIcon)
	w := a.NewWindow("Courtwatch")
	w.SetContent(placeholderContent(vaultDir))
	w.Resize(fyne.NewSize(1024, 600))
	w.ShowAndRun()
	return nil
}

// placeholderContent says which vault the app would open and where to work
// until the courtroom screens exist.
func placeholderContent(vaultDir string) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(appIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(128))

	name := widget.NewLabelWithStyle("Courtwatch", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText

	vault := widget.NewLabelWithStyle("Vault folder: "+vaultDir, fyne.TextAlignCenter, fyne.TextStyle{})
	vault.Wrapping = fyne.TextWrapBreak

	hint := widget.NewLabelWithStyle(
		"The courtroom screens are not built yet. Use the command line meanwhile: courtwatch help",
		fyne.TextAlignCenter, fyne.TextStyle{})
	hint.Wrapping = fyne.TextWrapWord

	return container.NewVBox(
		layout.NewSpacer(),
		container.NewCenter(icon),
		name,
		vault,
		hint,
		layout.NewSpacer(),
	)
}
