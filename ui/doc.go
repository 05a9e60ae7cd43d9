// Package ui is the Courtwatch desktop app: its Fyne window, screens and
// widgets. It is the only package besides the commands under cmd/ that
// imports fyne.io, so the vault and the sync code stay testable without a
// display.
//
// Run opens one window. It shows the unlock screen (unlock.go), which
// creates the vault on first run and remembers the folder last opened
// (prefs.go). Once the vault is open, appUI (app.go) shows three tabs
// (Alt+1…3):
//
//   - Cases (cases.go, caseform.go, hearingform.go): the case page with its
//     charges, defendants (per-case charges, counsel, status) and hearings
//     on a timeline; create and edit all of them.
//   - Defendants (roster.go, rosterimport.go): every person with an
//     instant Latin/Khmer filter, their cases, and roster CSV import with a
//     preview before anything is stored.
//   - Agenda (agenda.go): today's and upcoming hearings first.
//
// A hearing opens the courtroom screen (hearing.go) with four tabs: the
// timestamped log (hearinglog.go) with the note field (noteentry.go: Enter
// saves, Ctrl+Home/End; textkeys.go) and the one-tap event buttons
// (Ctrl+1…9; "Defendant absent" and "Lawyer absent" ask whom,
// eventperson.go), notes editable with their history (noteedit.go, a
// double click or Ctrl+E, Ctrl+Enter saves); attendance (attendance.go,
// attendance_row.go) with bulk actions and counsel present, absent or not
// recorded; the fair-trial checklist (checklist.go, checklistform.go);
// attachments (attachments.go) with images previewed from memory. "Export
// report…" (export.go, preview.go; Ctrl+P) shows a report before it is
// written where the user chooses, and makes PDFs off the UI goroutine.
// Search (search.go, Ctrl+F) and Settings (settings.go, Ctrl+,) are
// dialogs. Every dialog answers Escape (cancel) and Enter (its default
// button) through one handler (dialogkeys.go).
//
// Back from a hearing shows its case (or the hearing a search left);
// unlocking shows the hearing that was open. The window keeps its size
// across runs, and mouse movement counts as activity for the idle lock
// (window.go). Dates follow the interface language (dates.go). Court
// times are shown and typed in the case's time zone (zone.go), named on
// the hearing screen, the case page, the agenda and the hearing form; a
// case made before cases carried a zone uses this computer's and says so.
// Delivery times are this computer's own events and stay in its zone.
// A hearing's half-typed note is kept sealed in the vault (hearingdraft.go).
//
// Delivery to HQ: the status bar (syncstatus.go) runs the outbox uploader
// while the vault is open and shows how delivery stands, with Sync now
// (Ctrl+Shift+Y). The Delivery screen (delivery.go, Ctrl+Shift+D), a
// dialog, installs HQ's profile (profile.go: its keys in groups of four to
// check by phone; another HQ's profile replaces it only after a question),
// saves the device file, sets each case's purge after receipt, and lists
// the outbox with Sync now and Export to USB… (outbox.go). Without an HQ
// profile, the status bar's button and Ctrl+Shift+Y open it. Sealing,
// uploading, exporting and purging run off the UI goroutine as the sync
// bar's jobs, and reach the widgets through the app's bridge (bridge.go):
// the one way background work (the sync bar, unlocking, the idle watcher,
// search, export) gets to the UI goroutine. The bridge also carries the
// one "the vault changed" notice: the cases, defendants and agenda tabs,
// an open hearing and the search results subscribe to it and re-read
// themselves; a screen that stores a record calls vaultChanged rather
// than reloading the others.
//
// Locking (Ctrl+L, or after the idle time: idle.go) keeps a half-typed
// note as a sealed auxiliary value in the vault, closes every dialog,
// closes the vault and returns to the unlock screen. What must stay secret
// (records, drafts, custom event buttons) lives only in the vault;
// language, theme, idle time and the vault folder are in Fyne's
// preferences file.
//
// User-facing strings go through Fyne's lang package; the keys are the
// English text, listed in assets/i18n/en.json (tools/i18n/en.py
// regenerates it) and translated in km.json. Fyne 2.7 cannot switch
// language at run time, so prefs.go routes lang.L through our own lookup
// once a language is chosen.
//
// The theme (theme.go) draws Khmer with Courtwatch Khmer, a copy of Noto
// Sans Khmer with room for stacked marks, and Latin with Noto Sans.
//
// Tests run headlessly with Fyne's test driver (go test -tags ci), drive
// the real screens on a real vault (flow_test.go walks a monitor's day)
// and pin layouts with markup masters in testdata/.
package ui
