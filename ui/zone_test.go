package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// inZone sets this computer's zone, as the app sees it, for one test.
// (Setting time.Local races with the runtime's timers, which read it.)
func inZone(t *testing.T, loc *time.Location) {
	t.Helper()
	old := localZone
	localZone = loc
	t.Cleanup(func() { localZone = old })
}

// showsText reports whether a label or text in o's laid-out tree
// contains sub.
func showsText(o fyne.CanvasObject, sub string) bool {
	for _, obj := range test.LaidOutObjects(o) {
		switch x := obj.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, sub) {
				return true
			}
		case *canvas.Text:
			if strings.Contains(x.Text, sub) {
				return true
			}
		}
	}
	return false
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestCourtZoneHearingLog: on a laptop set to UTC, a note recorded at
// 10:05 in Phnom Penh shows 10:05:00 in the hearing's log, a note from
// early morning there is not marked as written on another day, and the
// screen names the court's zone.
func TestCourtZoneHearingLog(t *testing.T) {
	inZone(t, time.UTC)
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 001/2020", Title: "Plotting", TimeZone: "Asia/Phnom_Penh"}
	mustPut(t, v, c)
	h := &storage.Hearing{CaseID: c.ID, Scheduled: mustTime(t, "2020-11-26T08:00:00+07:00")}
	mustPut(t, v, h)
	mustPut(t, v,
		&storage.Note{HearingID: h.ID, Time: mustTime(t, "2020-11-26T10:05:00+07:00"), Text: "Judge asks for the list", Source: storage.SourceSeen},
		&storage.Note{HearingID: h.ID, Time: mustTime(t, "2020-11-26T06:30:00+07:00"), Text: "Crowd outside", Source: storage.SourceSeen})
	u.opened(v)
	u.openHearing(h.ID)
	content := u.win.Canvas().Content()
	if !hasLabel(content, "10:05:00") || hasLabel(content, "03:05:00") {
		t.Errorf("log does not show the note at 10:05:00, court time: %q", labelTexts(content))
	}
	if !hasLabel(content, "06:30:00") || hasLabel(content, "[") {
		t.Errorf("the 06:30 note is not shown at 06:30:00 on the hearing's day: %q", labelTexts(content))
	}
	if got := u.hearing.started.Text; !strings.Contains(got, "Scheduled 08:00") || !strings.Contains(got, "Asia/Phnom_Penh, UTC+07:00") {
		t.Errorf("hearing header %q, want scheduled 08:00 in Asia/Phnom_Penh, UTC+07:00", got)
	}
	if got := u.hearing.header.Text; !strings.Contains(got, "Thu 26 Nov 2020") {
		t.Errorf("hearing header %q, want the court's day", got)
	}
	name, err := exportBaseName(v, "hearing", h.ID)
	if err != nil || name != "hearing-2020-11-26" {
		t.Errorf("export file name %q, %v; want hearing-2020-11-26", name, err)
	}
}

// TestCourtZoneLegacyCase: a case made before cases carried a zone shows
// its times in this computer's zone, and says so.
func TestCourtZoneLegacyCase(t *testing.T) {
	inZone(t, time.FixedZone("UTC+07:00", 7*3600))
	u := newTestUI(t)
	_, _, h := openTestVault(t, u)
	u.openHearing(h.ID)
	if got := u.hearing.started.Text; !strings.Contains(got, "Scheduled 15:30") || !strings.Contains(got, "UTC+07:00, this computer's zone: the case names none") {
		t.Errorf("hearing header %q, want 15:30 in this computer's zone, said so", got)
	}
}

// TestCourtZoneHearingForm: 08:00 typed into the hearing form of a case in
// Phnom Penh is 01:00 UTC, whatever this computer's zone; editing shows it
// as 08:00 again, and the form names the zone.
func TestCourtZoneHearingForm(t *testing.T) {
	inZone(t, time.UTC)
	c := &storage.Case{Number: "DEMO 001/2020", Title: "Plotting", TimeZone: "Asia/Phnom_Penh"}
	u, s := casesUI(t, func(v *storage.Vault) { mustPut(t, v, c) })
	s.list.Select(0)
	test.Tap(s.addHearing)
	f := s.hearForm
	if !showsText(u.win.Canvas().Overlays().Top(), "in Asia/Phnom_Penh, UTC+07:00") {
		t.Error("the hearing form does not name the court's zone")
	}
	f.date.SetText("2020-11-26")
	f.clock.SetText("08:00")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	hs := vaultHearings(t, u.vault, c)
	if len(hs) != 1 || !hs[0].Scheduled.Equal(mustTime(t, "2020-11-26T01:00:00Z")) {
		t.Fatalf("stored hearings %+v, want one at 2020-11-26T01:00:00Z", hs)
	}
	if text, _ := s.hearingWhen(hs[0]); !strings.Contains(text, "Thu 26 Nov 2020 08:00") {
		t.Errorf("timeline row %q, want Thu 26 Nov 2020 08:00", text)
	}
	if !strings.Contains(s.detail.Text, "Time zone: Asia/Phnom_Penh, UTC+07:00") {
		t.Errorf("case page %q does not name the zone", s.detail.Text)
	}
	s.openHearingForm(hs[0])
	if f := s.hearForm; f.date.Text != "2020-11-26" || f.clock.Text != "08:00" {
		t.Errorf("edit form shows %s %s, want 2020-11-26 08:00", f.date.Text, f.clock.Text)
	}
}

// TestCourtZoneAgenda: "Today" and "Past" are judged on the court's day,
// not this computer's. At 20:00 UTC on 4 March it is already 5 March in
// Phnom Penh: that morning's hearing is today's, and the afternoon hearing
// of 4 March is past.
func TestCourtZoneAgenda(t *testing.T) {
	inZone(t, time.UTC)
	u := newTestUI(t)
	u.now = ticker(mustTime(t, "2026-03-04T20:00:00Z"))
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Number: "DEMO 002/2020", Title: "Incitement", TimeZone: "Asia/Phnom_Penh"}
	mustPut(t, v, c)
	yesterday := &storage.Hearing{CaseID: c.ID, Scheduled: mustTime(t, "2026-03-04T15:00:00+07:00")}
	today := &storage.Hearing{CaseID: c.ID, Scheduled: mustTime(t, "2026-03-05T08:00:00+07:00")}
	mustPut(t, v, yesterday, today)
	u.opened(v)
	a := u.agenda
	row := func(i int) string {
		l := widget.NewLabel("")
		a.list.UpdateItem(i, l)
		return l.Text
	}
	for i, want := range []string{"Today: Thu 5 Mar 2026 08:00", "Past: Wed 4 Mar 2026 15:00"} {
		if got := row(i); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "(Asia/Phnom_Penh)") {
			t.Errorf("agenda row %d = %q, want it to start with %q and name the zone", i, got, want)
		}
	}
}
