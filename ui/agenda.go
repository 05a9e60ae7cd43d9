package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// agendaScreen lists hearings: today's and upcoming first, soonest first,
// then past ones, latest first. Tapping one opens the hearing screen.
type agendaScreen struct {
	vault   *storage.Vault
	now     time.Time // when the rows were sorted
	rows    []agendaRow
	list    *widget.List
	content fyne.CanvasObject
}

type agendaRow struct {
	hearing *storage.Hearing
	title   string
	zone    courtZone // the court's: the time is shown, and today judged, in it
}

// past and today report whether the hearing was on a day before now's,
// or on now's day, both in the court's zone.
func (r agendaRow) past(now time.Time) bool {
	return r.hearing.Scheduled.Before(r.zone.startOfDay(now))
}

func (r agendaRow) today(now time.Time) bool {
	return !r.past(now) && r.hearing.Scheduled.Before(r.zone.startOfDay(now).AddDate(0, 0, 1))
}

func newAgendaScreen(v *storage.Vault, now time.Time, open func(uuid.UUID)) (*agendaScreen, error) {
	s := &agendaScreen{vault: v}
	if err := s.load(now); err != nil {
		return nil, err
	}
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := s.rows[i]
			sched := r.hearing.Scheduled
			text := formatDayTime(sched, r.zone.loc) + "   " + r.title + "   (" + r.zone.short(sched) + ")"
			l := o.(*widget.Label)
			switch {
			case r.past(s.now):
				text = lang.L("Past") + ": " + text
			case r.today(s.now):
				text = lang.L("Today") + ": " + text
			}
			if bold := !r.past(s.now); l.TextStyle.Bold != bold {
				l.TextStyle.Bold = bold // today's and upcoming hearings stand out
			}
			l.SetText(text)
		},
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		s.list.UnselectAll()
		open(s.rows[i].hearing.ID)
	}
	s.content = s.list
	return s, nil
}

// load reads every hearing with its case's number and title, in agenda
// order as of now.
func (s *agendaScreen) load(now time.Time) error {
	var rows []agendaRow
	err := s.vault.View(func(tx *storage.Tx) error {
		cases, err := tx.Cases()
		if err != nil {
			return err
		}
		titles := make(map[uuid.UUID]string, len(cases))
		zones := make(map[uuid.UUID]courtZone, len(cases))
		for _, c := range cases {
			titles[c.ID] = strings.TrimSpace(c.Number + "  " + c.Title)
			zones[c.ID] = zoneOf(c)
		}
		hs, err := tx.Hearings()
		if err != nil {
			return err
		}
		for _, h := range hs {
			z, ok := zones[h.CaseID]
			if !ok {
				z = zoneOf(nil)
			}
			rows = append(rows, agendaRow{hearing: h, title: titles[h.CaseID], zone: z})
		}
		return nil
	})
	if err != nil {
		return err
	}
	sortAgenda(rows, now)
	s.rows, s.now = rows, now
	return nil
}

// refreshAgenda re-reads the agenda after a hearing or case was saved.
func (u *appUI) refreshAgenda() {
	if u.agenda == nil {
		return
	}
	if err := u.agenda.load(u.now()); err != nil {
		u.fail(lang.L("The agenda could not be read"), err)
		return
	}
	u.agenda.list.Refresh()
}

// sortAgenda puts hearings from today on first (soonest first) and past
// hearings after them (latest first); each is judged in its court's zone.
func sortAgenda(rows []agendaRow, now time.Time) {
	slices.SortStableFunc(rows, func(a, b agendaRow) int {
		ta, tb := a.hearing.Scheduled, b.hearing.Scheduled
		pa, pb := a.past(now), b.past(now)
		switch {
		case pa != pb:
			if pa {
				return 1
			}
			return -1
		case pa:
			return tb.Compare(ta)
		default:
			return ta.Compare(tb)
		}
	})
}
