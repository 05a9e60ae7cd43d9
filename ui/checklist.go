package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// checklistPanel is the checklist tab of the hearing screen.
// TODO(scaffold): being written; replaced before this session ends.
type checklistPanel struct {
	s       *hearingScreen
	content fyne.CanvasObject
}

func newChecklistPanel(s *hearingScreen) (*checklistPanel, error) {
	return &checklistPanel{s: s, content: widget.NewLabel("")}, nil
}

func (p *checklistPanel) panel() fyne.CanvasObject { return p.content }
