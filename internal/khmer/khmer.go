// Package khmer writes dates in Khmer, for the app's screens and for
// reports alike. Go's time package knows only English names, so the
// weekday and month names are those Cambodian calendars print, with Khmer
// digits; clock times are left to the caller (both keep Latin digits).
package khmer

import (
	"fmt"
	"strings"
	"time"
)

var (
	weekdays = [...]string{"អាទិត្យ", "ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍"}
	months   = [...]string{"មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
		"កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"}
	digits = strings.NewReplacer("0", "០", "1", "១", "2", "២", "3", "៣", "4", "៤",
		"5", "៥", "6", "៦", "7", "៧", "8", "៨", "9", "៩")
)

// Digits writes the ASCII digits of s as Khmer digits.
func Digits(s string) string { return digits.Replace(s) }

// Date is t's day, month and year: "៤ មីនា ២០២៦".
func Date(t time.Time) string {
	return Digits(fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year()))
}

// Day is Date with the weekday first: "ថ្ងៃពុធ ៤ មីនា ២០២៦".
func Day(t time.Time) string { return "ថ្ងៃ" + weekdays[t.Weekday()] + " " + Date(t) }

// DayMonth is t's day and month: "៤ មីនា".
func DayMonth(t time.Time) string { return Digits(fmt.Sprintf("%d %s", t.Day(), months[t.Month()-1])) }
