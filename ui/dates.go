package ui

import (
	"fmt"
	"strings"
	"time"
)

// Dates on screen follow the interface language. Go's time package knows
// only English names, so Khmer dates are put together here: weekday and
// month names as Cambodian calendars print them, and Khmer digits.

var (
	khmerWeekdays = [...]string{"អាទិត្យ", "ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍"}
	khmerMonths   = [...]string{"មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
		"កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"}
	khmerDigits = strings.NewReplacer("0", "០", "1", "១", "2", "២", "3", "៣", "4", "៤",
		"5", "៥", "6", "៦", "7", "៧", "8", "៨", "9", "៩")
)

func khmerUI() bool { return currentLanguage() == langKhmer }

// The helpers take the zone to show t in: a case's court zone
// (zoneOf(c).loc) for court times, time.Local for this computer's own
// events such as deliveries.

// formatDate is a day, as "4 Mar 2026" or "៤ មីនា ២០២៦".
func formatDate(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if khmerUI() {
		return khmerDigits.Replace(fmt.Sprintf("%d %s %d", t.Day(), khmerMonths[t.Month()-1], t.Year()))
	}
	return t.Format("2 Jan 2006")
}

// formatDay is a day with its weekday, as "Wed 4 Mar 2026" or
// "ថ្ងៃពុធ ៤ មីនា ២០២៦".
func formatDay(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if khmerUI() {
		return "ថ្ងៃ" + khmerWeekdays[t.Weekday()] + " " + formatDate(t, loc)
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
		return khmerDigits.Replace(fmt.Sprintf("%d %s", t.Day(), khmerMonths[t.Month()-1]))
	}
	return t.Format("2 Jan")
}
