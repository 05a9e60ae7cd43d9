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
			when := formatDayTime(r.hearing.Scheduled)
			text := when + "   " + r.title
			today := startOfDay(s.now)
			l := o.(*widget.Label)
			switch sched := r.hearing.Scheduled; {
			case sched.Before(today):
				text = lang.L("Past") + ": " + text
			case sched.Before(today.AddDate(0, 0, 1)):
				text = lang.L("Today") + ": " + text
			}
			if bold := !r.hearing.Scheduled.Before(today); l.TextStyle.Bold != bold {
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
		for _, c := range cases {
			titles[c.ID] = strings.TrimSpace(c.Number + "  " + c.Title)
		}
		hs, err := tx.Hearings()
		if err != nil {
			return err
		}
		for _, h := range hs {
			rows = append(rows, agendaRow{hearing: h, title: titles[h.CaseID]})
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

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Local().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local)
}

// sortAgenda puts hearings from today on first (soonest first) and past
// hearings after them (latest first).
func sortAgenda(rows []agendaRow, now time.Time) {
	today := startOfDay(now)
	slices.SortStableFunc(rows, func(a, b agendaRow) int {
		ta, tb := a.hearing.Scheduled, b.hearing.Scheduled
		pa, pb := ta.Before(today), tb.Before(today)
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
