// Package ui is the Courtwatch desktop app: its Fyne window, screens and
// widgets. It is the only package besides the commands under cmd/ that
// imports fyne.io, so the vault and the sync code stay testable without a
// display.
//
// For now Run shows a placeholder window that names the vault folder and
// points to the command line; the courtroom screens replace it.
//
// Tests run headlessly with Fyne's test driver (go test -tags ci) and pin
// layouts with markup masters in testdata/.
package ui
