package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// casesScreen lists the cases; selecting one shows its details and its
// hearings, and tapping a hearing opens the hearing screen.
type casesScreen struct {
	vault *storage.Vault
	open  func(hearingID uuid.UUID)

	cases    []*storage.Case
	hearings []*storage.Hearing
	list     *widget.List
	detail   *widget.Label
	hearList *widget.List
	content  fyne.CanvasObject
}

func newCasesScreen(v *storage.Vault, open func(uuid.UUID)) (*casesScreen, error) {
	s := &casesScreen{vault: v, open: open}
	if err := v.View(func(tx *storage.Tx) (err error) {
		s.cases, err = tx.Cases()
		return err
	}); err != nil {
		return nil, err
	}
	s.list = widget.NewList(
		func() int { return len(s.cases) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := s.cases[i]
			o.(*widget.Label).SetText(strings.TrimSpace(c.Number + "  " + c.Title))
		},
	)
	s.detail = widget.NewLabel(lang.L("Choose a case on the left."))
	s.detail.Wrapping = fyne.TextWrapWord
	s.hearList = widget.NewList(
		func() int { return len(s.hearings) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := s.hearings[i]
			o.(*widget.Label).SetText(strings.TrimSpace(h.Scheduled.Local().Format("Mon 2 Jan 2006 15:04") + "  " + h.Courtroom))
		},
	)
	s.hearList.OnSelected = func(i widget.ListItemID) {
		s.hearList.UnselectAll()
		s.open(s.hearings[i].ID)
	}
	s.list.OnSelected = func(i widget.ListItemID) { s.show(s.cases[i]) }

	hearTitle := widget.NewLabelWithStyle(lang.L("Hearings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewBorder(container.NewVBox(s.detail, hearTitle), nil, nil, nil, s.hearList)
	split := container.NewHSplit(s.list, right)
	split.Offset = 0.35
	s.content = split
	return s, nil
}

// show fills the right side with case c and its hearings.
func (s *casesScreen) show(c *storage.Case) {
	var defendants int
	err := s.vault.View(func(tx *storage.Tx) error {
		hs, err := tx.HearingsOfCase(c.ID)
		if err != nil {
			return err
		}
		ds, err := tx.DefendantsOfCase(c.ID)
		s.hearings, defendants = hs, len(ds)
		return err
	})
	if err != nil {
		s.detail.SetText(lang.L("This case could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s  %s\n", c.Title, c.Court, c.Number)
	if len(c.Judges) > 0 {
		fmt.Fprintf(&b, "%s: %s\n", lang.L("Judges"), strings.Join(c.Judges, ", "))
	}
	if len(c.Prosecutors) > 0 {
		fmt.Fprintf(&b, "%s: %s\n", lang.L("Prosecutors"), strings.Join(c.Prosecutors, ", "))
	}
	for _, ch := range c.Charges {
		fmt.Fprintf(&b, "%s %s: %s\n", lang.L("Art."), ch.Article, ch.Label)
	}
	fmt.Fprintf(&b, "%s: %d", lang.L("Defendants"), defendants)
	s.detail.SetText(b.String())
	s.hearList.Refresh()
}

// showCase selects the case with this id and shows it.
func (s *casesScreen) showCase(id uuid.UUID) {
	for i, c := range s.cases {
		if c.ID == id {
			s.list.Select(i)
			return
		}
	}
}
