package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"courtwatch/storage"
)

// noteVersion is one stored version of a note, as the editor lists it.
type noteVersion struct {
	Number uint64
	Saved  string // when it was written, local time
	Text   string
}

// noteHistory returns every version of the note, newest first. An edit
// never replaces a note: it adds a version, and the old text stays in the
// vault and on this list.
func (s *hearingScreen) noteHistory(n *storage.Note) ([]noteVersion, error) {
	vers, err := s.vault.History(n.ID)
	if err != nil {
		return nil, err
	}
	out := make([]noteVersion, 0, len(vers))
	for _, v := range vers {
		text := lang.L("(content removed after delivery)")
		if !v.Purged && !v.Deleted {
			var old storage.Note
			if err := json.Unmarshal(v.Data, &old); err != nil {
				return nil, fmt.Errorf("version %d of note %s: %w", v.Version, n.ID, err)
			}
			text = old.Text
		}
		out = append(out, noteVersion{Number: v.Version, Saved: formatDateTime(v.Saved(), s.zone.loc), Text: text})
	}
	slices.Reverse(out)
	return out, nil
}

// editNote opens the editor for the note on log line i: its text, Save and
// Cancel, and every earlier version below.
func (s *hearingScreen) editNote(i int) {
	if i >= 0 && i < len(s.lines) && s.lines[i].note != nil {
		s.editNoteWith(i, s.lines[i].note.Text)
	}
}

// editNoteWith opens the editor on line i with text in the field: the
// note's own text, or an edit that was in progress when the vault locked.
func (s *hearingScreen) editNoteWith(i int, current string) {
	s.activity()
	n := s.lines[i].note
	hist, err := s.noteHistory(n)
	if err != nil {
		s.showError(lang.L("The history of this note could not be read"), err)
		return
	}
	text := newEditEntry()
	text.SetText(current)
	text.SetMinRowsVisible(4)
	text.OnChanged = func(string) { s.activity() }

	versions := newKeyList(
		func() int { return len(hist) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			return l
		},
		func(j widget.ListItemID, o fyne.CanvasObject) {
			h := hist[j]
			o.(*widget.Label).SetText(lang.L("Version {{.N}}, saved {{.Saved}}:", map[string]any{"N": h.Number, "Saved": h.Saved}) + "\n" + h.Text)
		},
	)
	for j, h := range hist {
		versions.SetItemHeight(j, versionRowHeight(h.Text))
	}
	title := widget.NewLabelWithStyle(lang.L("Note of {{.Time}}", map[string]any{"Time": s.timeText(n.Time)}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	histTitle := widget.NewLabelWithStyle(lang.L("History (newest first)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewBorder(container.NewVBox(title, text, histTitle), nil, nil, nil, versions)

	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm(lang.L("Edit note"), lang.L("Save"), lang.L("Cancel"), body, func(ok bool) {
		s.editor, s.editText = nil, nil
		if ok {
			s.saveEdit(i, text.Text)
		}
	}, s.win)
	text.onSubmit = func() { d.Confirm() }
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
	s.editor, s.editText, s.editLine = d, text, i
	s.win.Canvas().Focus(text)
	cursorToEnd(&text.Entry) // go on writing where the text ends
}

// versionRowHeight gives a history row room for its text: wrapped lines are
// estimated, because the list cannot measure a wrapped label before layout.
func versionRowHeight(text string) float32 {
	lines := 1
	for _, l := range strings.Split(text, "\n") {
		lines += 1 + len([]rune(l))/80
	}
	return float32(lines) * 26
}

// saveEdit stores text as a new version of the note on line i. A refused
// save reopens nothing and changes nothing: the old version stays current.
func (s *hearingScreen) saveEdit(i int, text string) {
	line := s.lines[i]
	if text == line.note.Text {
		return
	}
	if strings.TrimSpace(text) == "" {
		dialog.ShowInformation(lang.L("Note not changed"),
			lang.L("A note cannot be emptied; its earlier text stays in the vault anyway. Write what was wrong with it instead."), s.win)
		return
	}
	n := *line.note
	n.Text = text
	if err := s.vault.Put(&n); err != nil {
		s.showError(lang.L("The edit was not saved; the note is unchanged"), err)
		return
	}
	s.lines[i].note, s.lines[i].Text = &n, text
	s.log.changed(i)
}

// editLastNote opens the editor on the newest note of the log (Ctrl+E).
func (s *hearingScreen) editLastNote() {
	for i := len(s.lines) - 1; i >= 0; i-- {
		if s.lines[i].note != nil {
			s.editNote(i)
			return
		}
	}
}

// noteEdit is an edit of a note that was in progress in the editor when
// the vault locked, kept sealed in the vault like a half-typed note.
type noteEdit struct {
	Note uuid.UUID `json:"note"`
	Text string    `json:"text"`
}

// editKey names the sealed auxiliary value holding a hearing's noteEdit.
func editKey(hearingID uuid.UUID) string { return "ui/edit/" + hearingID.String() }

// pendingEdit is the edit in the open editor, or nil when none is open or
// its text is the note's own.
func (s *hearingScreen) pendingEdit() *noteEdit {
	if s.editor == nil || s.editText == nil {
		return nil
	}
	n := s.lines[s.editLine].note
	if s.editText.Text == n.Text {
		return nil
	}
	return &noteEdit{Note: n.ID, Text: s.editText.Text}
}

// keepEdit stores the pending edit in tx, or drops a kept one.
func (s *hearingScreen) keepEdit(tx *storage.Tx) error {
	e := s.pendingEdit()
	if e == nil {
		s.keptEdit = ""
		return tx.DeleteAux(editKey(s.hearing.ID))
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	s.keptEdit = e.Text
	return tx.SetAux(editKey(s.hearing.ID), b)
}

// loadEdit reads a kept edit, to be reopened by resumeEdit.
func (s *hearingScreen) loadEdit(tx *storage.Tx) error {
	b, err := tx.Aux(editKey(s.hearing.ID))
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var e noteEdit
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("the kept edit of a note is unreadable: %w", err)
	}
	s.resume = &e
	return nil
}

// resumeEdit reopens the editor on an edit kept when the vault locked. It
// runs once the hearing screen is on the window.
func (s *hearingScreen) resumeEdit() {
	e := s.resume
	s.resume = nil
	if e == nil {
		return
	}
	for i, l := range s.lines {
		if l.note != nil && l.note.ID == e.Note && l.note.Text != e.Text {
			s.editNoteWith(i, e.Text)
			return
		}
	}
}
