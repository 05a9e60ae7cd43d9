package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"
)

// rosterScreen is the Defendants tab.
// TODO(scaffold): being written; replaced before this session ends.
type rosterScreen struct {
	u       *appUI
	content fyne.CanvasObject
}

func newRosterScreen(u *appUI) (*rosterScreen, error) {
	return &rosterScreen{u: u, content: widget.NewLabel("")}, nil
}

// showPerson selects the person with this id and shows their details.
func (r *rosterScreen) showPerson(id uuid.UUID) {}
