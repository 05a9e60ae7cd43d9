package ui

import (
	"time"

	"courtwatch/internal/khmer"
)

// Dates on screen follow the interface language; Khmer dates come from
// internal/khmer, as the reports' do.

func khmerUI() bool { return currentLanguage() == langKhmer }

// The helpers take the zone to show t in: a case's court zone
// (zoneOf(c).loc) for court times, time.Local for this computer's own
// events such as deliveries.

// formatDate is a day, as "4 Mar 2026" or "៤ មីនា ២០២៦".
func formatDate(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if khmerUI() {
		return khmer.Date(t)
	}
	return t.Format("2 Jan 2006")
}

// formatDay is a day with its weekday, as "Wed 4 Mar 2026" or
// "ថ្ងៃពុធ ៤ មីនា ២០២៦".
func formatDay(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if khmerUI() {
		return khmer.Day(t)
	}
	return t.Format("Mon 2 Jan 2006")
}

// formatDayTime is formatDay with the clock time, as "Wed 4 Mar 2026 08:30".
func formatDayTime(t time.Time, loc *time.Location) string {
	return formatDay(t, loc) + " " + t.In(loc).Format("15:04")
}

// formatDateTime is formatDate with the clock time to the second.
func formatDateTime(t time.Time, loc *time.Location) string {
	return formatDate(t, loc) + " " + t.In(loc).Format("15:04:05")
}

// formatDayMonth is a day of this year, as "3 Mar" or "៣ មីនា".
func formatDayMonth(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if khmerUI() {
		return khmer.DayMonth(t)
	}
	return t.Format("2 Jan")
}
