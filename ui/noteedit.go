package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

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
		out = append(out, noteVersion{Number: v.Version, Saved: v.Saved().Local().Format("2 Jan 2006 15:04:05"), Text: text})
	}
	slices.Reverse(out)
	return out, nil
}

// editNote opens the editor for the note on log line i: its text, Save and
// Cancel, and every earlier version below.
func (s *hearingScreen) editNote(i int) {
	if i < 0 || i >= len(s.lines) || s.lines[i].note == nil {
		return
	}
	s.activity()
	n := s.lines[i].note
	hist, err := s.noteHistory(n)
	if err != nil {
		s.showError(lang.L("The history of this note could not be read"), err)
		return
	}
	text := widget.NewMultiLineEntry()
	text.Wrapping = fyne.TextWrapBreak // not Word: see newNoteEntry
	text.SetText(n.Text)
	text.SetMinRowsVisible(4)
	text.OnChanged = func(string) { s.activity() }

	versions := widget.NewList(
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

	d := dialog.NewCustomConfirm(lang.L("Edit note"), lang.L("Save"), lang.L("Cancel"), body, func(ok bool) {
		if ok {
			s.saveEdit(i, text.Text)
		}
	}, s.win)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
	s.editor = d
	s.win.Canvas().Focus(text)
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
	s.editor = nil
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
	s.log.RefreshItem(i)
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
