package storage

import (
	"fmt"
	"time"
)

// Dates a record may carry. A hearing, a note or an event outside this
// range is a typing mistake (0001-01-01, 9999-12-31), and years past 9999
// cannot even be written as JSON, so the vault refuses them at input with
// a message that says so.
var (
	MinDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) // exclusive
)

// CheckDate returns an error naming what (e.g. "the hearing's scheduled
// date") unless t lies between MinDate and MaxDate.
func CheckDate(what string, t time.Time) error {
	if t.Before(MinDate) || !t.Before(MaxDate) {
		return fmt.Errorf("%s %s is outside the years %d to %d; check the date (write YYYY-MM-DD, e.g. 2024-05-02)",
			what, t.Format("2006-01-02"), MinDate.Year(), MaxDate.Year()-1)
	}
	return nil
}
