package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// personEvents are the event types that can name the defendant they are
// about: who is absent, or whose lawyer is.
var personEvents = map[string]bool{"defendant_absent": true, "lawyer_absent": true}

// pickPerson asks whom an event of type typ, tapped at at, is about: the
// hearing's defendants with the Defendants tab's name filter. Enter in
// the filter takes the first match (or no name when the filter is empty),
// a click or Space on a name takes it, "Record without a name" stores the
// event as it is, and Escape records nothing. The time is the tap's, not
// the choice's.
func (s *hearingScreen) pickPerson(typ string, at time.Time) {
	rows := s.attendance.rows
	var shown []*attendanceRow
	filter := newKeyEntry()
	filter.SetPlaceHolder(lang.L("Filter by name, in Latin or Khmer script"))
	list := newKeyList(
		func() int { return len(shown) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			setText(o.(*widget.Label), shown[i].person.DisplayName())
		},
	)
	apply := func(q string) {
		q = foldName(q)
		shown = shown[:0]
		for _, r := range rows {
			if q == "" || strings.Contains(r.key, q) {
				shown = append(shown, r)
			}
		}
		list.Refresh()
	}
	apply("")
	title := lang.L("{{.Event}}: who?", map[string]any{"Event": s.eventLabel(typ)})
	body := container.NewBorder(filter, nil, nil, nil, list)
	done := false
	var d *dialog.ConfirmDialog
	record := func(p *storage.Person) {
		if done {
			return
		}
		done = true
		d.Hide()
		s.storeEvent(typ, at, p)
	}
	d = dialog.NewCustomConfirm(title, lang.L("Record without a name"), lang.L("Cancel"), body, func(ok bool) {
		if ok {
			record(nil)
		}
	}, s.win)
	filter.OnChanged = func(q string) { s.activity(); apply(q) }
	filter.OnSubmitted = func(q string) {
		switch {
		case strings.TrimSpace(q) == "":
			record(nil)
		case len(shown) > 0:
			record(shown[0].person)
		}
	}
	list.OnSelected = func(i widget.ListItemID) { record(shown[i].person) }
	d.Resize(fyne.NewSize(520, 480))
	d.Show()
	s.win.Canvas().Focus(filter)
}

// storeEvent records an event of type typ at time at, about person p if
// not nil, and shows it in the log.
func (s *hearingScreen) storeEvent(typ string, at time.Time, p *storage.Person) {
	s.activity()
	e := &storage.Event{HearingID: s.hearing.ID, Time: at, Type: typ}
	if p != nil {
		e.PersonID = p.ID
	}
	if err := s.vault.Put(e); err != nil {
		s.showError(lang.L("The event was not saved"), err)
		return
	}
	s.append(logLine{Time: e.Time, Text: s.eventText(e, p), Event: true, id: e.ID})
}

// eventText is an event's line in the log: its label, whom it is about and
// its comment.
func (s *hearingScreen) eventText(e *storage.Event, p *storage.Person) string {
	text := s.eventLabel(e.Type)
	if p != nil {
		text += ": " + p.DisplayName()
	}
	if e.Comment != "" {
		text += ": " + e.Comment
	}
	return text
}

// eventPerson reads the person an event names, nil when it names none or
// the person is gone.
func eventPerson(tx *storage.Tx, id uuid.UUID) *storage.Person {
	if id == uuid.Nil {
		return nil
	}
	p := &storage.Person{}
	if err := tx.Get(id, p); err != nil {
		return nil
	}
	return p
}
