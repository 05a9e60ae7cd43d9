// Package ui is the Courtwatch desktop app: its Fyne window, screens and
// widgets. It is the only package besides the commands under cmd/ that
// imports fyne.io, so the vault and the sync code stay testable without a
// display.
//
// Run opens one window. It shows the unlock screen (unlock.go), which
// creates the vault on first run; once the vault is open, tabs for cases
// (cases.go) and the agenda (agenda.go), each leading to the courtroom
// screen of a hearing (hearing.go). appUI in app.go switches between them
// and locks (Ctrl+L, or after 5 idle minutes: idle.go) by closing the
// vault and returning to the unlock screen. A half-typed note is kept as a
// sealed auxiliary value in the vault and put back when the hearing is
// reopened. User-facing strings go through Fyne's lang package; the keys
// are the English text, listed in assets/i18n/en.json
// (tools/i18n/en.py regenerates it).
//
// The theme (theme.go) draws Khmer with Courtwatch Khmer, a copy of Noto
// Sans Khmer with room for stacked marks, and Latin with Noto Sans.
//
// Tests run headlessly with Fyne's test driver (go test -tags ci) and pin
// layouts with markup masters in testdata/.
package ui
