package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/lang"

	"courtwatch/storage"
)

// courtZone is the time zone a case's times are typed and shown in: the
// court's, as the case names it. A case made before cases carried a zone
// falls back to this computer's zone, and the screens say so. Delivery
// times (the outbox, the status bar) are this computer's own events and
// stay in its zone.
type courtZone struct {
	loc  *time.Location
	name string // IANA name, e.g. Asia/Phnom_Penh; "" when the case names none
}

// zoneOf is the zone of case c (nil: this computer's).
func zoneOf(c *storage.Case) courtZone {
	if c != nil {
		if loc, err := c.Location(); err == nil && loc != nil {
			return courtZone{loc: loc, name: c.TimeZone}
		}
	}
	return courtZone{loc: laptopZone()}
}

// localZone, when set, stands for this computer's zone. Tests set it:
// writing time.Local instead races with the runtime's timers, which read it.
var localZone *time.Location

// laptopZone is this computer's zone.
func laptopZone() *time.Location {
	if localZone != nil {
		return localZone
	}
	return time.Local
}

// in returns t in the zone.
func (z courtZone) in(t time.Time) time.Time { return t.In(z.loc) }

// label names the zone as it was at t, in the format the reports use:
// "Asia/Phnom_Penh, UTC+07:00", or, for a case that names no zone, that
// this computer's zone stands in.
func (z courtZone) label(t time.Time) string {
	_, off := t.In(z.loc).Zone()
	if z.name == "" {
		return lang.L("{{.Offset}}, this computer's zone: the case names none", map[string]any{"Offset": utcOffset(off)})
	}
	return z.name + ", " + utcOffset(off)
}

// short names the zone in one word, for lists that show many cases:
// "Asia/Phnom_Penh", or "UTC+07:00" when the case names none.
func (z courtZone) short(t time.Time) string {
	if z.name != "" {
		return z.name
	}
	_, off := t.In(z.loc).Zone()
	return utcOffset(off)
}

// startOfDay is midnight of t's day in the zone.
func (z courtZone) startOfDay(t time.Time) time.Time {
	y, m, d := t.In(z.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, z.loc)
}

func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, sec/3600, sec%3600/60)
}
