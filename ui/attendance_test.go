package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"courtwatch/demo"
	"courtwatch/storage"
)

// Names of the attendance fixture: 15 × 10 different persons.
var (
	attFamilies = [][2]string{{"Chea", "ជា"}, {"Sok", "សុខ"}, {"Keo", "កែវ"}, {"Meas", "មាស"}, {"Chan", "ចាន់"},
		{"Heng", "ហេង"}, {"Ly", "លី"}, {"Nuon", "នួន"}, {"Prak", "ប្រាក់"}, {"Yim", "យឹម"},
		{"Ouk", "អ៊ុក"}, {"Seng", "សេង"}, {"Touch", "ទូច"}, {"Phan", "ផាន់"}, {"Chhim", "ឈឹម"}}
	attGivens = [][2]string{{"Sokha", "សុខា"}, {"Dara", "ដារ៉ា"}, {"Vannak", "វណ្ណៈ"}, {"Sophal", "សុផល"},
		{"Chenda", "ចិន្តា"}, {"Bopha", "បុប្ផា"}, {"Rith", "រិទ្ធ"}, {"Vuthy", "វុទ្ធី"}, {"Kosal", "កុសល"}, {"Theary", "ធារី"}}
)

// buildAttendanceCase stores a case with n defendants (every seventh,
// from the fourth, tried in absentia; n ≤ 150) and a hearing of it that
// lists no defendants, so all of the case's attend.
func buildAttendanceCase(tb testing.TB, v *storage.Vault, n int) (*storage.Hearing, []*storage.Person) {
	tb.Helper()
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 001/2020", Title: "Plotting: mass trial I"}
	h := &storage.Hearing{Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC), Courtroom: "Courtroom 2"}
	var persons []*storage.Person
	recs := []storage.Record{c}
	for i := range n {
		f, g := attFamilies[i%len(attFamilies)], attGivens[i/len(attFamilies)]
		p := &storage.Person{Name: f[0] + " " + g[0], NameLocal: f[1] + " " + g[1]}
		persons, recs = append(persons, p), append(recs, p)
	}
	if err := v.Put(recs...); err != nil {
		tb.Fatal(err)
	}
	recs = recs[:0]
	for i, p := range persons {
		d := &storage.CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: storage.StatusDetained}
		if i%7 == 3 {
			d.Status, d.StatusReason = storage.StatusInAbsentia, "abroad, refused entry"
		}
		recs = append(recs, d)
	}
	h.CaseID = c.ID
	if err := v.Put(append(recs, h)...); err != nil {
		tb.Fatal(err)
	}
	return h, persons
}

// openAttendance opens hearing h of the vault in u on the attendance tab.
func openAttendance(t *testing.T, u *appUI, v *storage.Vault, h *storage.Hearing) *attendancePanel {
	t.Helper()
	u.opened(v)
	u.openHearing(h.ID)
	if u.hearing == nil {
		t.Fatal("the hearing did not open")
	}
	u.hearing.showTab(1)
	return u.hearing.attendance
}

// newAttendanceTest opens the attendance tab of a fixture hearing with n
// defendants.
func newAttendanceTest(t *testing.T, n int) (*appUI, *storage.Vault, *storage.Hearing, []*storage.Person, *attendancePanel) {
	t.Helper()
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	h, persons := buildAttendanceCase(t, v, n)
	return u, v, h, persons, openAttendance(t, u, v, h)
}

// rowView scrolls row id (of those shown) into view and returns its widget.
func rowView(t *testing.T, p *attendancePanel, id int) *attendanceRowView {
	t.Helper()
	p.list.ScrollTo(id)
	v := p.bound[id]
	if v == nil || v.row != p.rows[p.shown[id]] {
		t.Fatalf("row %d is not on screen", id)
	}
	return v
}

// attendanceOf returns the stored attendance of the hearing by person.
func attendanceOf(t *testing.T, v *storage.Vault, h *storage.Hearing) map[uuid.UUID]*storage.Attendance {
	t.Helper()
	out := map[uuid.UUID]*storage.Attendance{}
	err := v.View(func(tx *storage.Tx) error {
		recs, err := tx.AttendanceOfHearing(h.ID)
		for _, a := range recs {
			if out[a.PersonID] != nil {
				t.Errorf("two attendance records for %s", a.PersonID)
			}
			out[a.PersonID] = a
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAttendanceRows(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 150)
	if len(p.rows) != 150 || len(p.shown) != 150 || p.list.Length() != 150 {
		t.Fatalf("%d rows, %d shown, list of %d; want 150", len(p.rows), len(p.shown), p.list.Length())
	}
	for i, r := range p.rows {
		if r.person.ID != persons[i].ID {
			t.Fatalf("row %d is %s, want %s", i, r.person.Name, persons[i].Name)
		}
	}
	// An in-absentia defendant is proposed as such, but nothing is stored.
	r := p.rows[3]
	if r.shown.presence != storage.PresenceInAbsentia || r.shown.reason != "abroad, refused entry" || !r.unsaved() {
		t.Errorf("in-absentia row shows %+v", r.shown)
	}
	view := rowView(t, p, 3)
	if view.name.Text != "Meas Sokha  មាស សុខា" || !strings.HasPrefix(view.status.Text, "Not saved") ||
		view.presence.Selected != "In absentia" || view.reason.Text != "abroad, refused entry" {
		t.Errorf("row 3 shows %q, %q, %q, %q", view.name.Text, view.status.Text, view.presence.Selected, view.reason.Text)
	}
	if got := len(attendanceOf(t, v, h)); got != 0 {
		t.Errorf("%d records stored by opening the tab", got)
	}
	if !strings.Contains(p.counts.Text, "not yet recorded 150") {
		t.Errorf("counts: %q", p.counts.Text)
	}

	// A hearing that lists some defendants shows only those.
	h2 := &storage.Hearing{CaseID: h.CaseID, Scheduled: h.Scheduled.Add(24 * time.Hour), Defendants: []uuid.UUID{persons[9].ID, persons[2].ID}}
	if err := v.Put(h2); err != nil {
		t.Fatal(err)
	}
	u.openHearing(h2.ID)
	p = u.hearing.attendance
	if len(p.rows) != 2 || p.rows[0].person.ID != persons[9].ID || p.rows[1].person.ID != persons[2].ID {
		t.Errorf("hearing listing 2 defendants has %d rows", len(p.rows))
	}
}

func TestAttendanceSetPresent(t *testing.T) {
	_, v, h, persons, p := newAttendanceTest(t, 20)
	view := rowView(t, p, 0)
	if !view.counsel.Disabled() {
		t.Error("counsel can be ticked before presence is chosen")
	}
	view.presence.SetSelected(lang.L("Present"))
	view.counsel.SetSelected(lang.L("Counsel present"))
	got := attendanceOf(t, v, h)[persons[0].ID]
	if got == nil || got.Presence != storage.PresencePresent || got.CounselState() != storage.CounselWasPresent || len(attendanceOf(t, v, h)) != 1 {
		t.Fatalf("stored %+v", got)
	}
	// Both changes are versions of one record.
	hist, err := v.History(got.ID)
	if err != nil || len(hist) != 2 {
		t.Errorf("%d versions (%v), want 2", len(hist), err)
	}
	if !strings.HasPrefix(p.counts.Text, "Present 1 · absent 0") || !strings.Contains(p.counts.Text, "counsel present 1 of 20") {
		t.Errorf("counts: %q", p.counts.Text)
	}
	if p.rows[0].unsaved() || strings.HasPrefix(view.status.Text, "Not saved") {
		t.Error("a stored row is marked as not saved")
	}
}

func TestAttendanceInAbsentiaNeedsReason(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 20)
	view := rowView(t, p, 1)
	view.presence.SetSelected(lang.L("In absentia"))
	if len(attendanceOf(t, v, h)) != 0 {
		t.Fatal("in absentia without a reason was stored")
	}
	if !p.msg.Visible() || !strings.Contains(p.msg.Text, "in absentia needs a reason") {
		t.Errorf("message %q (visible %v)", p.msg.Text, p.msg.Visible())
	}
	if u.win.Canvas().Focused() != view.reason {
		t.Error("the reason field does not have the focus")
	}
	test.Type(view.reason, "abroad since 2019")
	view.reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := attendanceOf(t, v, h)[persons[1].ID]
	if got == nil || got.Presence != storage.PresenceInAbsentia || got.Reason != "abroad since 2019" {
		t.Fatalf("stored %+v", got)
	}
	if p.msg.Visible() {
		t.Errorf("message still shown: %q", p.msg.Text)
	}

	// Clearing the reason of a stored in-absentia row is refused too; the
	// vault keeps the reason.
	view.reason.SetText("")
	view.reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := attendanceOf(t, v, h)[persons[1].ID]; got.Reason != "abroad since 2019" {
		t.Errorf("reason now %q", got.Reason)
	}
	// Touching a proposed in-absentia row confirms it with the case's reason.
	rowView(t, p, 3).counsel.SetSelected(lang.L("Counsel present"))
	if got := attendanceOf(t, v, h)[persons[3].ID]; got == nil || got.Presence != storage.PresenceInAbsentia ||
		got.Reason != "abroad, refused entry" || got.CounselState() != storage.CounselWasPresent {
		t.Errorf("stored %+v", got)
	}
}

// tapConfirm taps the confirm button of the dialog on top of the window.
func tapConfirm(t *testing.T, u *appUI, wantText string) {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirm dialog")
	}
	if !hasLabel(top, wantText) {
		t.Errorf("dialog says %q, want %q", labelTexts(top), wantText)
	}
	test.Tap(findButton(t, top, "Change them"))
}

func TestAttendanceBulk150(t *testing.T) {
	u, v, h, _, p := newAttendanceTest(t, 150)
	test.Tap(findButton(t, p.content, "Mark all absent"))
	got := attendanceOf(t, v, h)
	if len(got) != 129 { // the 21 tried in absentia are left as they are
		t.Fatalf("%d records, want 129", len(got))
	}
	if !strings.Contains(p.msg.Text, "21 defendants tried in absentia were not changed") {
		t.Errorf("message %q", p.msg.Text)
	}
	for _, a := range got {
		if a.Presence != storage.PresenceAbsent || a.Version != 1 {
			t.Fatalf("stored %+v", a)
		}
	}
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("a dialog asked before storing answers that changed nothing")
	}
	if !strings.Contains(p.counts.Text, "absent 129") {
		t.Errorf("counts: %q", p.counts.Text)
	}

	// Overwriting asks first, and saying no changes nothing.
	test.Tap(findButton(t, p.content, "Mark all present"))
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Cancel"))
	for _, a := range attendanceOf(t, v, h) {
		if a.Presence != storage.PresenceAbsent {
			t.Fatal("cancelled bulk action stored")
		}
	}
	test.Tap(findButton(t, p.content, "Mark all present"))
	tapConfirm(t, u, "129 of these defendants")
	for id, a := range attendanceOf(t, v, h) {
		if a.Presence != storage.PresencePresent || a.Reason != "" || a.ID != got[id].ID || a.Version != 2 {
			t.Fatalf("after mark all present: %+v", a)
		}
	}
	test.Tap(findButton(t, p.content, "Counsel present for all"))
	tapConfirm(t, u, "129 of these defendants")
	if !strings.Contains(p.counts.Text, "counsel present 150 of 150") {
		t.Errorf("counts: %q", p.counts.Text)
	}
}

func TestAttendanceFilterBulk(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 150)
	test.Type(p.filter, "chea")
	if len(p.shown) != 10 {
		t.Fatalf("%d rows shown for chea, want 10", len(p.shown))
	}
	if !strings.Contains(p.counts.Text, "10 shown") {
		t.Errorf("counts: %q", p.counts.Text)
	}
	test.Tap(findButton(t, p.content, "Mark all present"))
	got := attendanceOf(t, v, h)
	if len(got) != 9 { // one of the ten is tried in absentia
		t.Fatalf("%d records, want 9", len(got))
	}
	for _, a := range got {
		if r := p.rows[indexOfPerson(persons, a.PersonID)]; !strings.HasPrefix(r.person.Name, "Chea ") {
			t.Errorf("%s marked present", r.person.Name)
		}
	}
	// Khmer script: the family name ហេង is Heng.
	p.filter.SetText("ហេង")
	if len(p.shown) != 10 || !strings.HasPrefix(rowView(t, p, 0).name.Text, "Heng ") {
		t.Errorf("%d rows shown for ហេង", len(p.shown))
	}
	p.filter.SetText("")
	if len(p.shown) != 150 {
		t.Errorf("%d rows shown with no filter", len(p.shown))
	}
	// Counsel for all applies to rows with a presence: the 10 stored and
	// the 20 other in-absentia defendants proposed from the case status.
	test.Tap(findButton(t, p.content, "Counsel absent for all"))
	tapConfirm(t, u, "9 of these defendants")
	if got := attendanceOf(t, v, h); len(got) != 30 {
		t.Errorf("%d records, want 30", len(got))
	}
	if !strings.Contains(p.msg.Text, "120 defendants need a presence first") {
		t.Errorf("message %q", p.msg.Text)
	}
}

func indexOfPerson(persons []*storage.Person, id uuid.UUID) int {
	for i, p := range persons {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// TestAttendanceReload opens a demo hearing, whose attendance is recorded,
// and checks that a fresh panel shows what is stored, changes included.
func TestAttendanceReload(t *testing.T) {
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Build(v, 1)
	if err != nil {
		t.Fatal(err)
	}
	h, err := storage.Load[storage.Hearing](v, sum.Hearings[0])
	if err != nil {
		t.Fatal(err)
	}
	p := openAttendance(t, u, v, h)
	stored := attendanceOf(t, v, h)
	if len(p.rows) != len(h.Defendants) || len(stored) != len(p.rows) {
		t.Fatalf("%d rows, %d listed, %d stored", len(p.rows), len(h.Defendants), len(stored))
	}
	for _, r := range p.rows {
		a := stored[r.person.ID]
		if r.rec == nil || r.rec.ID != a.ID || r.shown != (attendanceValues{a.Presence, a.Reason, a.CounselState()}) || r.unsaved() {
			t.Fatalf("%s shows %+v, stored %+v", r.person.Name, r.shown, a)
		}
	}
	if !strings.Contains(p.counts.Text, "not yet recorded 0") {
		t.Errorf("counts: %q", p.counts.Text)
	}

	view := rowView(t, p, 7)
	person := view.row.person.ID
	want := storage.CounselWasAbsent
	if view.row.shown.counsel == want {
		want = storage.CounselWasPresent
	}
	view.counsel.SetSelected(counselLabel(want))
	u.openHearing(h.ID)
	if r := u.hearing.attendance.rows[7]; r.person.ID != person || r.shown.counsel != want || r.rec.Version != 2 {
		t.Errorf("after reopening: %+v, version %d", r.shown, r.rec.Version)
	}
}

// TestAttendanceFailedSave checks that a save that fails says so and
// shows the stored state.
func TestAttendanceFailedSave(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 5)
	view := rowView(t, p, 0)
	view.presence.SetSelected(lang.L("Absent"))
	v.Close() // every save fails from here
	view.counsel.SetSelected(lang.L("Counsel present"))
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !hasLabel(top, "not saved") {
		t.Fatal("no error dialog")
	}
	if r := p.rows[0]; r.shown.counsel != "" || r.unsaved() || view.counsel.Selected != lang.L("Counsel not recorded") {
		t.Errorf("row shows %+v, counsel %q", r.shown, view.counsel.Selected)
	}
	u.vault = nil
	v, err := storage.Open(u.dir, []byte(testPass))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if a := attendanceOf(t, v, h)[persons[0].ID]; a == nil || a.CounselState() == storage.CounselWasPresent || a.Presence != storage.PresenceAbsent {
		t.Errorf("stored %+v", a)
	}
}

// TestAttendanceKeyboard edits a row with the keyboard only: arrows and
// Space in the list, Right in the presence select, Tab to the check.
func TestAttendanceKeyboard(t *testing.T) {
	u, v, h, persons, p := newAttendanceTest(t, 10)
	c := u.win.Canvas()
	c.Focus(p.list)
	p.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	p.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	view := rowView(t, p, 1)
	if c.Focused() != view.presence {
		t.Fatalf("focus on %T after Space", c.Focused())
	}
	view.presence.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // the first option: present
	c.FocusNext()                                               // the reason
	c.FocusNext()                                               // counsel present
	if c.Focused() != view.counsel {
		t.Fatalf("focus on %T after two Tabs", c.Focused())
	}
	view.counsel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // the first option: present
	if a := attendanceOf(t, v, h)[persons[1].ID]; a == nil || a.Presence != storage.PresencePresent || a.CounselState() != storage.CounselWasPresent {
		t.Errorf("stored %+v", a)
	}
}

func TestAttendanceLayout(t *testing.T) {
	u, v, h, persons, _ := newAttendanceTest(t, 150)
	recs := []storage.Record{
		&storage.Attendance{HearingID: h.ID, PersonID: persons[0].ID, Presence: storage.PresencePresent, Counsel: storage.CounselWasPresent},
		&storage.Attendance{HearingID: h.ID, PersonID: persons[1].ID, Presence: storage.PresenceAbsent, Reason: "ill, medical certificate filed"},
	}
	if err := v.Put(recs...); err != nil {
		t.Fatal(err)
	}
	u.dir = "/home/monitor/courtwatch-vault" // as shown; the vault itself is in a temporary folder
	u.opened(v)
	u.openHearing(h.ID)
	u.hearing.showTab(1)
	test.AssertRendersToMarkup(t, "attendance.xml", u.win.Canvas())
}
