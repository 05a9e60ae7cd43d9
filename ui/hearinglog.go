package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// logList is the hearing's log: one row per note or event, with the time
// and elapsed time in a monospace column and the whole text wrapped beside
// it, so a monitor reading back sees every word. Rows are as tall as their
// text needs at the list's width; fit measures them with a probe row.
type logList struct {
	widget.List
	s     *hearingScreen
	width float32
	probe *fyne.Container // a row, filled and sized to measure heights
}

func newLogList(s *hearingScreen) *logList {
	l := &logList{s: s}
	l.Length = func() int { return len(s.lines) }
	l.CreateItem = func() fyne.CanvasObject { return newLogRow(l) }
	l.UpdateItem = l.fill
	l.probe = newLogRow(l).box
	l.ExtendBaseWidget(l)
	return l
}

// logRow is one row of the log. A single click does nothing, so that a
// stray tap during a hearing opens no editor; a double click opens the
// editor of a note (as does Ctrl+E for the newest, or Space on a row
// chosen with the arrows).
type logRow struct {
	widget.BaseWidget
	l   *logList
	id  widget.ListItemID
	box *fyne.Container
}

var (
	_ fyne.Tappable       = (*logRow)(nil)
	_ fyne.DoubleTappable = (*logRow)(nil)
)

func newLogRow(l *logList) *logRow {
	// The regular font, not Monospace: Noto Sans's digits are all of one
	// width, so the times line up anyway, and every text style Fyne draws
	// costs memory for its fonts (tools/measure).
	when := widget.NewLabel("00:00:00  +00:00:00")
	text := widget.NewLabel("")
	text.Wrapping = fyne.TextWrapWord
	r := &logRow{l: l, id: -1, box: container.NewBorder(nil, nil, when, nil, text)}
	r.ExtendBaseWidget(r)
	return r
}

func (r *logRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// Tapped takes a single click, so that the list does not select the row.
func (r *logRow) Tapped(*fyne.PointEvent) { r.l.s.activity() }

// DoubleTapped opens the editor of the row's note.
func (r *logRow) DoubleTapped(*fyne.PointEvent) {
	if r.id >= 0 {
		r.l.s.editNote(r.id)
	}
}

// fill shows log line i in row o. Labels are set only when their text
// changes: shaping is most of a refresh, and a refresh after each note
// revisits every row on screen.
func (l *logList) fill(i widget.ListItemID, o fyne.CanvasObject) {
	var row *fyne.Container
	switch o := o.(type) {
	case *logRow:
		o.id, row = i, o.box
	case *fyne.Container:
		row = o
	}
	line := l.s.lines[i]
	// Padded: the column is monospace, so the text column lines up.
	setText(row.Objects[1].(*widget.Label), fmt.Sprintf("%-19s", l.s.timeText(line.Time)))
	text := row.Objects[0].(*widget.Label)
	if text.TextStyle.Bold != line.Event {
		text.TextStyle.Bold = line.Event
		text.Refresh()
	}
	t := line.Text
	if line.note != nil && line.note.Version > 1 {
		t = lang.L("(edited)") + " " + t
	}
	setText(text, l.s.whenMark(line.Time)+t)
}

// fit sets the height of row i to what its text needs at the list's width.
func (l *logList) fit(i int) {
	if l.width <= 0 || i < 0 || i >= len(l.s.lines) {
		return
	}
	l.fill(i, l.probe)
	l.probe.Resize(fyne.NewSize(l.width, l.probe.MinSize().Height))
	l.SetItemHeight(i, l.probe.MinSize().Height)
}

// Resize refits every row when the width changes, since the text wraps.
func (l *logList) Resize(size fyne.Size) {
	if size.Width != l.width {
		l.width = size.Width
		for i := range l.s.lines {
			l.fit(i)
		}
	}
	l.List.Resize(size)
}

// changed refits row i after its text changed (an edit) and redraws it.
func (l *logList) changed(i int) {
	l.fit(i)
	l.RefreshItem(i)
}

// added fits and shows the newest row.
func (l *logList) added() {
	l.fit(len(l.s.lines) - 1)
	l.Refresh()
	l.ScrollToBottom()
}
