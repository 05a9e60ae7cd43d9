package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// attachmentsPanel is the attachments tab of the hearing screen.
// TODO(scaffold): being written; replaced before this session ends.
type attachmentsPanel struct {
	s       *hearingScreen
	content fyne.CanvasObject
}

func newAttachmentsPanel(s *hearingScreen) (*attachmentsPanel, error) {
	return &attachmentsPanel{s: s, content: widget.NewLabel("")}, nil
}

func (p *attachmentsPanel) panel() fyne.CanvasObject { return p.content }
