package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// attendanceRowView is the widget of one visible row. The list reuses it
// for whichever row scrolls into view; bind points it at that row.
type attendanceRowView struct {
	widget.BaseWidget
	p        *attendancePanel
	id       widget.ListItemID
	row      *attendanceRow
	updating bool // bind is setting the widgets: their callbacks do nothing
	edited   bool // the reason was typed into since it was last stored

	name, status *widget.Label
	presence     *widget.Select
	reason       *attendanceReason
	counsel      *widget.Select  // present, absent, not recorded
	counselBox   *fyne.Container // the select, wide enough for its longest choice
}

// attendancePresences are the presence values in the order of the select.
var attendancePresences = []string{storage.PresencePresent, storage.PresenceAbsent, storage.PresenceInAbsentia}

func attendancePresence(presence string) string {
	switch presence {
	case storage.PresencePresent:
		return lang.L("Present")
	case storage.PresenceAbsent:
		return lang.L("Absent")
	case storage.PresenceInAbsentia:
		return lang.L("In absentia")
	}
	return ""
}

// attendanceStatus is the case status shown on a row: nothing when none
// is recorded, since the presence beside it says enough.
func attendanceStatus(status string) string {
	switch status {
	case "":
		return ""
	case storage.StatusInAbsentia:
		return lang.L("Tried in absentia") // beside the presence "In absentia"
	}
	return statusLabel(status)
}

func (p *attendancePanel) newRowView() *attendanceRowView {
	v := &attendanceRowView{p: p, id: -1}
	v.name = widget.NewLabel("")
	v.name.Truncation = fyne.TextTruncateClip
	v.status = widget.NewLabel("")
	v.status.Truncation = fyne.TextTruncateClip
	var labels []string
	for _, o := range attendancePresences {
		labels = append(labels, attendancePresence(o))
	}
	v.presence = widget.NewSelect(labels, v.presenceChanged)
	v.presence.PlaceHolder = lang.L("Not recorded")
	v.reason = &attendanceReason{onFocusLost: v.reasonDone}
	v.reason.ExtendBaseWidget(v.reason)
	v.reason.SetPlaceHolder(lang.L("Reason"))
	v.reason.OnChanged = v.reasonChanged
	v.reason.OnSubmitted = func(string) { v.reasonDone() }
	v.counsel = widget.NewSelect(counselLabels(), v.counselChanged)
	v.counselBox = container.New(&minWidthLayout{labels: counselLabels()}, v.counsel)
	v.ExtendBaseWidget(v)
	return v
}

func (v *attendanceRowView) CreateRenderer() fyne.WidgetRenderer {
	// Name, case status, presence and reason, counsel.
	// Objects in Tab order: presence, then reason.
	edit := container.New(layout.NewBorderLayout(nil, nil, v.presence, nil), v.presence, v.reason)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, v.counselBox,
		container.NewGridWithColumns(2, container.NewGridWithColumns(2, v.name, v.status), edit)))
}

// bind shows row r, the idth shown, without firing the widgets' callbacks.
func (v *attendanceRowView) bind(id widget.ListItemID, r *attendanceRow) {
	v.updating = true
	defer func() { v.updating = false }()
	if v.row != r {
		v.edited = false
	}
	if v.p.bound[v.id] == v {
		delete(v.p.bound, v.id)
	}
	v.id, v.row = id, r
	v.p.bound[id] = v
	// Only what changed is refreshed: shaping text is the slow part.
	if name := strings.TrimSpace(r.person.Name + "  " + r.person.NameLocal); v.name.Text != name {
		v.name.SetText(name)
	}
	status, importance := attendanceStatus(r.status), widget.MediumImportance
	if r.unsaved() {
		status = strings.TrimSuffix(lang.L("Not saved")+" · "+status, " · ")
		importance = widget.WarningImportance
	}
	if v.status.Text != status || v.status.Importance != importance {
		v.status.Text, v.status.Importance = status, importance
		v.status.Refresh()
	}
	if presence := attendancePresence(r.shown.presence); v.presence.Selected != presence {
		v.presence.Selected = presence
		v.presence.Refresh()
	}
	if v.reason.Text != r.shown.reason {
		v.reason.SetText(r.shown.reason)
	}
	if counsel := counselLabel(r.shown.counsel); v.counsel.Selected != counsel {
		v.counsel.Selected = counsel
		v.counsel.Refresh()
	}
	if r.shown.presence == "" {
		v.counsel.Disable()
	} else {
		v.counsel.Enable()
	}
}

func (v *attendanceRowView) presenceChanged(label string) {
	if v.updating || v.row == nil {
		return
	}
	for _, o := range attendancePresences {
		if attendancePresence(o) == label {
			v.row.shown.presence = o
		}
	}
	v.edited = false
	if !v.p.commit(v.row) && v.row.shown.missingReason() {
		v.p.s.win.Canvas().Focus(v.reason)
	}
}

func (v *attendanceRowView) reasonChanged(text string) {
	if v.updating || v.row == nil {
		return
	}
	v.p.s.activity()
	v.row.shown.reason = text
	v.edited = true
}

// reasonDone stores a typed reason, on Enter or when the field loses focus.
func (v *attendanceRowView) reasonDone() {
	if v.updating || v.row == nil || !v.edited {
		return
	}
	v.edited = false
	v.p.commit(v.row)
}

func (v *attendanceRowView) counselChanged(label string) {
	if v.updating || v.row == nil {
		return
	}
	for _, c := range counselStates {
		if counselLabel(c) == label {
			v.row.shown.counsel = c
		}
	}
	v.p.commit(v.row)
}

// counselStates are the counsel values in the order of the select. Not
// recorded is a choice too, so that a wrong answer can be taken back
// without claiming the opposite.
var counselStates = []string{storage.CounselWasPresent, storage.CounselWasAbsent, storage.CounselNotRecorded}

func counselLabel(counsel string) string {
	switch counsel {
	case storage.CounselWasPresent:
		return lang.L("Counsel present")
	case storage.CounselWasAbsent:
		return lang.L("Counsel absent")
	}
	return lang.L("Counsel not recorded")
}

func counselLabels() []string {
	var labels []string
	for _, c := range counselStates {
		labels = append(labels, counselLabel(c))
	}
	return labels
}

// attendanceReason is the reason field of a row: it stores what was typed
// when it loses the focus, as on Enter.
type attendanceReason struct {
	widget.Entry
	onFocusLost func()
}

func (e *attendanceReason) FocusLost() {
	e.Entry.FocusLost()
	e.onFocusLost()
}

// minWidthLayout gives its one object the width its longest label needs,
// so that a select shows every choice whole.
type minWidthLayout struct {
	labels []string
	width  float32
}

func (l *minWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *minWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if l.width == 0 {
		for _, s := range l.labels {
			l.width = max(l.width, fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width)
		}
		// The select's padding on both sides and its drop-down icon.
		l.width += 6*theme.InnerPadding() + theme.IconInlineSize()
	}
	m := fyne.NewSize(0, 0)
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return fyne.NewSize(max(m.Width, l.width), m.Height)
}
