package khmer

import (
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	d := time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)
	for got, want := range map[string]string{
		Date(d):        "៤ មីនា ២០២៦",
		Day(d):         "ថ្ងៃពុធ ៤ មីនា ២០២៦",
		DayMonth(d):    "៤ មីនា",
		Digits("0912"): "០៩១២",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
