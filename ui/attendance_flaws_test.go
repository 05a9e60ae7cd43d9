package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// TestAttendanceCounselThreeStates checks that counsel presence is
// recorded only as chosen: "Mark all present" records nothing about
// counsel, absence can be recorded (for all or on a row) and taken back to
// "not recorded" (issue 10, flaw 1).
func TestAttendanceCounselThreeStates(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 14)
	test.Tap(findButton(t, p.content, "Mark all present"))
	for _, a := range attendanceOf(t, v, h) {
		if a.CounselState() != storage.CounselNotRecorded {
			t.Fatalf("Mark all present recorded counsel %q for %s", a.CounselState(), a.PersonID)
		}
	}
	view := rowView(t, p, 0)
	if view.counsel.Selected != lang.L("Counsel not recorded") || len(view.counsel.Options) != 3 {
		t.Fatalf("counsel shows %q of %q", view.counsel.Selected, view.counsel.Options)
	}
	test.Tap(findButton(t, p.content, "Counsel absent for all"))
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		test.Tap(findButton(t, top, "Change them"))
	}
	got := attendanceOf(t, v, h)
	for _, pe := range persons {
		if a := got[pe.ID]; a == nil || a.CounselState() != storage.CounselWasAbsent {
			t.Fatalf("after Counsel absent for all, %s has %+v", pe.Name, a)
		}
	}
	// Mark all present again leaves the recorded counsel alone.
	test.Tap(findButton(t, p.content, "Mark all present"))
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		test.Tap(findButton(t, top, "Change them"))
	}
	for _, a := range attendanceOf(t, v, h) {
		if a.CounselState() != storage.CounselWasAbsent {
			t.Fatalf("Mark all present changed counsel to %q", a.CounselState())
		}
	}
	// A row can take its answer back.
	view = rowView(t, p, 0)
	view.counsel.SetSelected(lang.L("Counsel not recorded"))
	if a := attendanceOf(t, v, h)[persons[0].ID]; a.CounselState() != storage.CounselNotRecorded {
		t.Errorf("counsel taken back, stored %q", a.CounselState())
	}
	view.counsel.SetSelected(lang.L("Counsel absent"))
	if a := attendanceOf(t, v, h)[persons[0].ID]; a.CounselState() != storage.CounselWasAbsent {
		t.Errorf("counsel absent on the row, stored %q", a.CounselState())
	}
}

// TestAttendanceMarkAllKeepsInAbsentia checks that "Mark all present"
// neither turns defendants tried in absentia into present ones behind the
// monitor's back nor leaves them out of what it says (issue 10, flaw 3).
func TestAttendanceMarkAllKeepsInAbsentia(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 150)
	test.Type(p.filter, "sok")
	absentia := 0
	for _, i := range p.shown {
		if p.rows[i].status == storage.StatusInAbsentia {
			absentia++
		}
	}
	if absentia < 2 {
		t.Fatalf("fixture: %d in-absentia defendants shown for sok", absentia)
	}
	// One differing answer recorded, so that the action asks.
	rowView(t, p, 0).presence.SetSelected(lang.L("Absent"))
	test.Tap(findButton(t, p.content, "Mark all present"))
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question before changing a recorded answer")
	}
	if !hasLabel(top, "1 of these defendants") {
		t.Errorf("dialog says %q", labelTexts(top))
	}
	test.Tap(findButton(t, top, "Change them"))
	got := attendanceOf(t, v, h)
	for _, i := range p.shown {
		r := p.rows[i]
		a := got[r.person.ID]
		if r.status == storage.StatusInAbsentia {
			if a != nil && a.Presence != storage.PresenceInAbsentia {
				t.Errorf("%s, tried in absentia, stored as %q", r.person.Name, a.Presence)
			}
			if r.shown.presence != storage.PresenceInAbsentia {
				t.Errorf("%s, tried in absentia, now shows %q", r.person.Name, r.shown.presence)
			}
			continue
		}
		if a == nil || a.Presence != storage.PresencePresent {
			t.Errorf("%s not marked present: %+v", r.person.Name, a)
		}
	}
	want := lang.L("{{.N}} defendants tried in absentia were not changed; set them on their rows if they came.", map[string]any{"N": absentia})
	if !strings.Contains(p.msg.Text, want) {
		t.Errorf("message %q, want it to say %q", p.msg.Text, want)
	}
	_ = persons
}

// TestAttendanceAbsentiaMessage checks that "Mark in-absentia defendants"
// says what it did in plain words: the other defendants were never meant,
// so nothing was "left out" (issue 10, flaw 10).
func TestAttendanceAbsentiaMessage(t *testing.T) {
	_, v, h, _, p := newAttendanceTest(t, 30)
	test.Tap(findButton(t, p.content, "Mark in-absentia defendants"))
	n := len(attendanceOf(t, v, h))
	if n != 4 { // rows 3, 10, 17, 24
		t.Fatalf("%d records, want 4", n)
	}
	if strings.Contains(p.msg.Text, "left out") || p.msg.Importance == widget.WarningImportance {
		t.Errorf("message %q with importance %v", p.msg.Text, p.msg.Importance)
	}
	if !strings.Contains(p.msg.Text, "4 defendants recorded") {
		t.Errorf("message %q", p.msg.Text)
	}
}
