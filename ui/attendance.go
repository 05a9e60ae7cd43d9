package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// attendancePanel is the attendance tab of the hearing screen.
// TODO(scaffold): being written; replaced before this session ends.
type attendancePanel struct {
	s       *hearingScreen
	content fyne.CanvasObject
}

func newAttendancePanel(s *hearingScreen) (*attendancePanel, error) {
	return &attendancePanel{s: s, content: widget.NewLabel("")}, nil
}

func (p *attendancePanel) panel() fyne.CanvasObject { return p.content }
