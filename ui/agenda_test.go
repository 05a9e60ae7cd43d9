package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// TestAgenda lists today's hearing first, then upcoming ones soonest first,
// then past ones latest first, marked as such; a tap opens the hearing.
func TestAgenda(t *testing.T) {
	u := newTestUI(t) // the clock reads 4 March 2026, shortly after 09:00
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Number: "DEMO 002/2020", Title: "Incitement: mass trial II"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) *storage.Hearing {
		return &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC)}
	}
	past, earlier, today, soon, later := at(3, 8), at(1, 8), at(4, 8), at(5, 8), at(20, 8)
	if err := v.Put(later, past, today, earlier, soon); err != nil {
		t.Fatal(err)
	}
	u.opened(v)
	u.tabs.SelectIndex(2)
	a := u.agenda
	want := []*storage.Hearing{today, soon, later, past, earlier}
	for i, h := range want {
		if a.rows[i].hearing.ID != h.ID {
			t.Fatalf("row %d is the hearing of %v, want %v", i, a.rows[i].hearing.Scheduled, h.Scheduled)
		}
	}
	row := func(i int) *widget.Label {
		l := widget.NewLabel("")
		a.list.UpdateItem(i, l)
		return l
	}
	for i, prefix := range []string{"Today: Wed 4 Mar 2026 08:00   DEMO 002/2020", "Thu 5 Mar", "Fri 20 Mar", "Past: Tue 3 Mar", "Past: Sun 1 Mar"} {
		if l := row(i); !strings.HasPrefix(l.Text, prefix) || l.TextStyle.Bold != (i < 3) {
			t.Errorf("row %d = %q (bold %v), want it to start with %q", i, l.Text, l.TextStyle.Bold, prefix)
		}
	}
	a.list.Select(1)
	if u.hearing == nil || u.hearing.hearing.ID != soon.ID {
		t.Error("choosing a hearing on the agenda did not open it")
	}
}
