package report

import (
	"fmt"
	"time"

	"courtwatch/storage"
)

// courtZone is the time zone a hearing's times are shown in: the court's,
// as its case names it. A case made before cases carried a zone falls back
// to the offset its hearing was scheduled with, and the report says so.
type courtZone struct {
	loc  *time.Location
	name string // IANA name, e.g. Asia/Phnom_Penh; "" when the case names none
}

func zoneOf(c *storage.Case, scheduled time.Time) courtZone {
	if loc, err := c.Location(); err == nil && loc != nil {
		return courtZone{loc: loc, name: c.TimeZone}
	}
	_, off := scheduled.Zone()
	return courtZone{loc: time.FixedZone(utcOffset(off), off)}
}

// in returns t in the court's zone.
func (z courtZone) in(t time.Time) time.Time { return t.In(z.loc) }

// label names the zone as it was at t, in one format everywhere:
// "Asia/Phnom_Penh, UTC+07:00", or "UTC+07:00" when the case names no
// zone.
func (z courtZone) label(t time.Time) string {
	_, off := t.In(z.loc).Zone()
	if z.name == "" {
		return utcOffset(off)
	}
	return z.name + ", " + utcOffset(off)
}

// note explains the zone in a report's header.
func (z courtZone) note(tr tr, t time.Time) string {
	if z.name != "" {
		return tr.T("%s; every time in this report is in it", z.label(t))
	}
	return tr.T("%s, the offset the hearing was scheduled with: the case names no time zone", z.label(t))
}

func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, sec/3600, sec%3600/60)
}
