package storage

import (
	"strings"
	"testing"
	"time"
)

// Dates outside 1900..2199 are refused at input with a message that names
// the date; before, 0001-01-01 said "needs a scheduled date" and a note on
// 9999-12-31 in a zone east of UTC failed with Go's Time.MarshalJSON text.
func TestDatesOutOfRange(t *testing.T) {
	v, _ := newTestVault(t)
	c, h := seedHearing(t, v)
	east := time.FixedZone("ICT", 7*3600)
	tests := []struct {
		name string
		r    Record
		want string
	}{
		{"hearing on 0001-01-02", &Hearing{CaseID: c.ID, Scheduled: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)}, "the hearing's scheduled date 0001-01-02 is outside the years 1900 to 2199"},
		{"hearing on 9999-12-31", &Hearing{CaseID: c.ID, Scheduled: time.Date(9999, 12, 31, 0, 0, 0, 0, east)}, "the hearing's scheduled date 9999-12-31 is outside the years 1900 to 2199"},
		{"hearing ended in 2200", &Hearing{CaseID: c.ID, Scheduled: time.Date(2024, 5, 2, 8, 0, 0, 0, east), Ended: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)}, "the hearing's end 2200-01-01 is outside"},
		{"note after the year 9999", &Note{HearingID: h.ID, Time: time.Date(9999, 12, 31, 23, 30, 0, 0, time.UTC).In(east), Text: "x"}, "the note's date 10000-01-01 is outside"},
		{"event in 1899", &Event{HearingID: h.ID, Time: time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), Type: "judge_enters"}, "the event's date 1899-12-31 is outside"},
	}
	for _, tt := range tests {
		err := v.Put(tt.r)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "MarshalJSON") {
			t.Errorf("%s: %v, want it to say %q", tt.name, err, tt.want)
		}
	}
	for _, d := range []time.Time{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2199, 12, 31, 23, 0, 0, 0, time.UTC)} {
		if err := v.Put(&Hearing{CaseID: c.ID, Scheduled: d}); err != nil {
			t.Errorf("hearing on %v: %v", d, err)
		}
	}
}
