// Command bare is the yardstick for tools/measure: a Fyne window with one
// label and nothing else, built with the same Fyne and driver as the app.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.courtwatch.measure.bare")
	w := a.NewWindow("Bare")
	w.SetContent(widget.NewLabel("A bare Fyne window with one label"))
	w.Resize(fyne.NewSize(1024, 600))
	w.ShowAndRun()
}
