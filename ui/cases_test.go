package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/demo"
	"courtwatch/storage"
)

// casesUI opens the main screens on a new vault that seed fills first.
func casesUI(t *testing.T, seed func(v *storage.Vault)) (*appUI, *casesScreen) {
	t.Helper()
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	if seed != nil {
		seed(v)
	}
	u.dir = "/home/monitor/courtwatch-vault" // as shown; the vault itself is in a temporary folder
	u.opened(v)
	return u, u.cases
}

func mustPut(t *testing.T, v *storage.Vault, rs ...storage.Record) {
	t.Helper()
	if err := v.Put(rs...); err != nil {
		t.Fatal(err)
	}
}

func vaultCases(t *testing.T, v *storage.Vault) []*storage.Case {
	t.Helper()
	var cs []*storage.Case
	if err := v.View(func(tx *storage.Tx) (err error) { cs, err = tx.Cases(); return err }); err != nil {
		t.Fatal(err)
	}
	return cs
}

func vaultDefendants(t *testing.T, v *storage.Vault, c *storage.Case) []*storage.CaseDefendant {
	t.Helper()
	var ds []*storage.CaseDefendant
	if err := v.View(func(tx *storage.Tx) (err error) { ds, err = tx.DefendantsOfCase(c.ID); return err }); err != nil {
		t.Fatal(err)
	}
	return ds
}

func vaultHearings(t *testing.T, v *storage.Vault, c *storage.Case) []*storage.Hearing {
	t.Helper()
	var hs []*storage.Hearing
	if err := v.View(func(tx *storage.Tx) (err error) { hs, err = tx.HearingsOfCase(c.ID); return err }); err != nil {
		t.Fatal(err)
	}
	return hs
}

// shows reports whether o draws text containing want. It renders o, so
// that it also sees the cells of tables.
func shows(o fyne.CanvasObject, want string) bool {
	return strings.Contains(test.RenderObjectToMarkup(o), want)
}

// refused checks that the form f is still open and says what to fix.
func refused(t *testing.T, u *appUI, f *formDialog, want string) {
	t.Helper()
	if !f.errors.Visible() || !strings.Contains(f.errors.Text, want) {
		t.Errorf("form error = %q (shown %v), want it to mention %q", f.errors.Text, f.errors.Visible(), want)
	}
	if u.win.Canvas().Overlays().Top() == nil {
		t.Error("form closed although nothing was saved")
	}
}

// saved checks that the form f closed without an error.
func saved(t *testing.T, u *appUI, f *formDialog) {
	t.Helper()
	if f.errors.Visible() {
		t.Fatalf("form refused: %s", f.errors.Text)
	}
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("form still open after saving")
	}
}

func TestCaseForm(t *testing.T) {
	u, s := casesUI(t, nil)
	test.Tap(s.newCase)
	f := s.caseForm
	if f == nil || u.win.Canvas().Focused() != f.court {
		t.Fatal("New case… did not open the form with the focus on Court")
	}
	test.Type(f.court, "Phnom Penh Municipal Court")
	test.Type(f.number, "123/2026")
	test.Type(f.title, "Prosecutor v. Kem Sokha កឹម សុខា")
	f.zone.SetText("Asia/Phnom_Penh")
	f.judges.SetText("Chea Sovannara (presiding)\n\n Lim Bunthoeun ")
	f.prosecutors.SetText("Seng Vichet")
	f.charges.SetText("453 Plotting\nplotting again")
	f.court.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter saves
	refused(t, u, f.formDialog, "line 2")
	if n := len(vaultCases(t, u.vault)); n != 0 {
		t.Fatalf("%d cases stored from an invalid form", n)
	}

	f.charges.SetText("453 Plotting\nArt. 494 Incitement to commit a felony")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	cs := vaultCases(t, u.vault)
	if len(cs) != 1 {
		t.Fatalf("%d cases in vault, want 1", len(cs))
	}
	c := cs[0]
	wantCharges := []storage.Charge{{Article: "453", Label: "Plotting"}, {Article: "494", Label: "Incitement to commit a felony"}}
	if c.Title != "Prosecutor v. Kem Sokha កឹម សុខា" || c.Number != "123/2026" || c.Court != "Phnom Penh Municipal Court" ||
		!slices.Equal(c.Judges, []string{"Chea Sovannara (presiding)", "Lim Bunthoeun"}) ||
		!slices.Equal(c.Prosecutors, []string{"Seng Vichet"}) || !slices.Equal(c.Charges, wantCharges) {
		t.Errorf("stored case = %+v", c)
	}
	if s.cur == nil || s.cur.ID != c.ID || !hasLabel(s.content, "Art. 494: Incitement to commit a felony") {
		t.Errorf("the new case is not shown; labels %q", labelTexts(s.content))
	}

	// Edit: without title and number it is refused and the vault keeps the case.
	test.Tap(s.editCase)
	f = s.caseForm
	if f.title.Text != c.Title || f.charges.Text != "453 Plotting\n494 Incitement to commit a felony" {
		t.Errorf("edit form not filled in: title %q charges %q", f.title.Text, f.charges.Text)
	}
	f.title.SetText("")
	f.number.SetText(" ")
	test.Tap(f.save)
	refused(t, u, f.formDialog, "Title and number")
	if got := vaultCases(t, u.vault)[0]; got.Title != c.Title || got.Version != 1 {
		t.Fatalf("refused edit changed the vault: %+v", got)
	}
	test.Type(f.title, "Prosecutor v. Kem Sokha")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	cs = vaultCases(t, u.vault)
	if len(cs) != 1 || cs[0].ID != c.ID || cs[0].Version != 2 || cs[0].Title != "Prosecutor v. Kem Sokha" || cs[0].Number != "" {
		t.Errorf("after edit the vault has %+v", cs)
	}
	if !hasLabel(s.content, "Prosecutor v. Kem Sokha") || hasLabel(s.content, "កឹម") {
		t.Errorf("page not refreshed after the edit; labels %q", labelTexts(s.content))
	}
}

func TestDefendantForm(t *testing.T) {
	c := &storage.Case{Title: "Plotting: mass trial V", Charges: []storage.Charge{{Article: "453", Label: "Plotting"}}}
	sam := &storage.Person{Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី"}
	mu := &storage.Person{Name: "Mu Sochua", NameLocal: "មូរ សុខហួរ"}
	u, s := casesUI(t, func(v *storage.Vault) { mustPut(t, v, c, sam, mu) })
	s.list.Select(0)
	if s.addDef.Disabled() || !s.editDef.Disabled() {
		t.Fatal("Add defendant… should be enabled and Edit defendant… disabled with no row selected")
	}

	// An existing person, found by the Khmer name; in absentia needs a reason.
	test.Tap(s.addDef)
	f := s.defForm
	test.Type(f.filter, "រង្ស៊ី")
	if len(f.shown) != 1 || f.shown[0].ID != sam.ID {
		t.Fatalf("filter shows %d persons", len(f.shown))
	}
	f.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // picks the first match
	f.status.SetSelectedIndex(slices.Index(storage.Statuses, storage.StatusInAbsentia))
	test.Tap(f.save)
	refused(t, u, f.formDialog, "Reason")
	if ds := vaultDefendants(t, u.vault, c); len(ds) != 0 {
		t.Fatalf("defendant stored without a reason: %+v", ds[0])
	}
	test.Type(f.reason, "abroad, refused entry")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	ds := vaultDefendants(t, u.vault, c)
	if len(ds) != 1 || ds[0].PersonID != sam.ID || ds[0].Status != storage.StatusInAbsentia ||
		ds[0].StatusReason != "abroad, refused entry" || !slices.Equal(ds[0].Charges, c.Charges) {
		t.Fatalf("defendants in vault: %+v", ds)
	}

	// A new person: a name is required, then person and defendant are stored.
	test.Tap(s.addDef)
	f = s.defForm
	for _, p := range f.people {
		if p.ID == sam.ID {
			t.Error("a person already in the case is offered again")
		}
	}
	f.mode.SetSelected("New person")
	if u.win.Canvas().Focused() != f.name {
		t.Error("choosing New person does not put the focus in the name")
	}
	f.charges.SetText("494 Incitement")
	test.Type(f.counsel, "Sok Chea")
	f.status.SetSelectedIndex(slices.Index(storage.Statuses, storage.StatusDetained))
	test.Tap(f.save)
	refused(t, u, f.formDialog, "Name")
	test.Type(f.name, "Chan Dara")
	test.Type(f.nameLocal, "ចាន់ ដារា")
	f.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	saved(t, u, f.formDialog)
	ds = vaultDefendants(t, u.vault, c)
	if len(ds) != 2 {
		t.Fatalf("%d defendants in vault, want 2", len(ds))
	}
	p, err := storage.Load[storage.Person](u.vault, ds[1].PersonID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Chan Dara" || p.NameLocal != "ចាន់ ដារា" || ds[1].Counsel != "Sok Chea" ||
		ds[1].Status != storage.StatusDetained || !slices.Equal(ds[1].Charges, []storage.Charge{{Article: "494", Label: "Incitement"}}) {
		t.Errorf("new defendant %+v, person %+v", ds[1], p)
	}

	// The page shows both, with names, charges and status.
	for _, want := range []string{"Defendants (2)", "Sam Rainsy (សម រង្ស៊ី)", "In absentia: abroad",
		"Chan Dara (ចាន់ ដារា)", "494 Incitement", "Sok Chea", "Detained"} {
		if !shows(s.content, want) {
			t.Errorf("case page does not show %q", want)
		}
	}

	// Edit the second defendant: released on bail.
	s.defTable.Select(widget.TableCellID{Row: 1, Col: 0})
	test.Tap(s.editDef)
	f = s.defForm
	if f.counsel.Text != "Sok Chea" {
		t.Errorf("edit form counsel = %q", f.counsel.Text)
	}
	f.status.SetSelectedIndex(slices.Index(storage.Statuses, storage.StatusBail))
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	ds = vaultDefendants(t, u.vault, c)
	if ds[1].ID != s.defs[1].d.ID || ds[1].Version != 2 || ds[1].Status != storage.StatusBail || ds[1].PersonID != p.ID {
		t.Errorf("edited defendant %+v", ds[1])
	}
	if !shows(s.content, "On bail") {
		t.Error("page does not show the new status")
	}
}

func TestHearingForm(t *testing.T) {
	c := &storage.Case{Title: "Incitement: mass trial II", Judges: []string{"Keo Sophorn"}, Prosecutors: []string{"Seng Vichet"}}
	u, s := casesUI(t, func(v *storage.Vault) { mustPut(t, v, c) })
	s.list.Select(0)

	test.Tap(s.addHearing)
	f := s.hearForm
	if f.date.Text != "2026-03-04" || f.judges.Text != "Keo Sophorn" {
		t.Errorf("new hearing form: date %q judges %q", f.date.Text, f.judges.Text)
	}
	f.date.SetText("2026-13-40")
	test.Type(f.clock, "8:30")
	test.Tap(f.save)
	refused(t, u, f.formDialog, "Date: write it as YYYY-MM-DD")
	if hs := vaultHearings(t, u.vault, c); len(hs) != 0 {
		t.Fatal("hearing stored with a bad date")
	}
	f.date.SetText("2026-03-10")
	test.Type(f.courtroom, "2")
	f.observers.SetText("Monitor A\nMonitor B")
	f.clock.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	saved(t, u, f.formDialog)

	test.Tap(s.addHearing)
	f = s.hearForm
	f.date.SetText("2026-03-02")
	f.clock.SetText("14:05")
	f.access.SetSelectedIndex(0)
	test.Tap(f.save)
	saved(t, u, f.formDialog)

	hs := vaultHearings(t, u.vault, c)
	if len(hs) != 2 {
		t.Fatalf("%d hearings in vault, want 2", len(hs))
	}
	first, second := hs[0], hs[1]
	if !first.Scheduled.Equal(time.Date(2026, 3, 2, 14, 5, 0, 0, time.Local)) || first.Access != "public" {
		t.Errorf("first hearing %+v", first)
	}
	if !second.Scheduled.Equal(time.Date(2026, 3, 10, 8, 30, 0, 0, time.Local)) || second.Courtroom != "2" ||
		!slices.Equal(second.Observers, []string{"Monitor A", "Monitor B"}) || !slices.Equal(second.Judges, c.Judges) {
		t.Errorf("second hearing %+v", second)
	}

	// The timeline is in date order, past and upcoming marked.
	if len(s.hearings) != 2 || s.hearings[0].ID != first.ID {
		t.Fatal("timeline not in date order")
	}
	for _, want := range []string{"Past · Mon 2 Mar 2026 14:05", "Upcoming · Tue 10 Mar 2026 08:30", "Courtroom 2 · Not started"} {
		if !hasLabel(s.hearList, want) {
			t.Errorf("timeline does not show %q; labels %q", want, labelTexts(s.content))
		}
	}

	if !hasLabel(s.content, "Hearings (2)") {
		t.Error("the hearings heading does not count 2")
	}

	// Edit the first hearing from its row: the start time is kept.
	started := time.Date(2026, 3, 2, 14, 20, 0, 0, time.UTC)
	first.Started = started
	mustPut(t, u.vault, first)
	s.reload(c.ID)
	test.Tap(findButton(t, s.hearList, "Edit…"))
	f = s.hearForm
	if f.clock.Text != "14:05" || f.access.Selected != "Public" {
		t.Errorf("edit form: time %q access %q", f.clock.Text, f.access.Selected)
	}
	f.courtroom.SetText("3")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	got, err := storage.Load[storage.Hearing](u.vault, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Courtroom != "3" || !got.Started.Equal(started) || !got.Scheduled.Equal(first.Scheduled) || got.Version != 3 {
		t.Errorf("edited hearing %+v", got)
	}

	// Tapping a hearing opens it.
	s.hearList.Select(1)
	if u.hearing == nil || u.hearing.hearing.ID != second.ID {
		t.Error("tapping the hearing did not open it")
	}
}

// seedCase stores a case with three defendants and two hearings.
func seedCase(t *testing.T, v *storage.Vault) *storage.Case {
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 003/2021",
		Title:  "Plotting: the attempted return of 9 November 2019 (mass trial III)",
		Judges: []string{"Chea Sovannara (presiding)", "Prak Daravuth"}, Prosecutors: []string{"Touch Sarith"},
		Charges: []storage.Charge{{Article: "453", Label: "Plotting"}, {Article: "494", Label: "Incitement to commit a felony"}}}
	other := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 004/2021", Title: "Incitement: online expression"}
	ps := []*storage.Person{{Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី"}, {Name: "Mu Sochua", NameLocal: "មូរ សុខហួរ"}, {NameLocal: "ចាន់ ដារា"}}
	mustPut(t, v, c, other, ps[0], ps[1], ps[2])
	mustPut(t, v,
		&storage.CaseDefendant{CaseID: c.ID, PersonID: ps[0].ID, Charges: c.Charges, Status: storage.StatusInAbsentia, StatusReason: "abroad, refused entry"},
		&storage.CaseDefendant{CaseID: c.ID, PersonID: ps[1].ID, Charges: c.Charges[:1], Counsel: "Sok Chea", Status: storage.StatusBail},
		&storage.CaseDefendant{CaseID: c.ID, PersonID: ps[2].ID, Charges: c.Charges[1:], Status: storage.StatusDetained},
		&storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC), Courtroom: "1", Access: "restricted"},
		&storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 2, 3, 8, 30, 0, 0, time.UTC), Courtroom: "2", Access: "public",
			Started: time.Date(2026, 2, 3, 8, 47, 0, 0, time.UTC), Ended: time.Date(2026, 2, 3, 11, 15, 0, 0, time.UTC)},
	)
	return c
}

func TestCaseLayout(t *testing.T) {
	var c *storage.Case
	u, s := casesUI(t, func(v *storage.Vault) { c = seedCase(t, v) })
	s.showCase(c.ID)
	if s.cur == nil || s.cur.ID != c.ID || len(s.defs) != 3 || len(s.hearings) != 2 {
		t.Fatalf("case page: %d defendants, %d hearings", len(s.defs), len(s.hearings))
	}
	if !s.hearings[0].Scheduled.Before(s.hearings[1].Scheduled) {
		t.Error("hearings not in date order")
	}
	test.AssertRendersToMarkup(t, "case.xml", u.win.Canvas())
}

// TestCaseMassTrial checks that a case of 60 defendants lists every one
// while drawing only the rows in view.
func TestCaseMassTrial(t *testing.T) {
	var sum *demo.Summary
	_, s := casesUI(t, func(v *storage.Vault) {
		var err error
		if sum, err = demo.Build(v, 1); err != nil {
			t.Fatal(err)
		}
	})
	s.showCase(sum.Cases[0])
	if len(s.defs) != 60 {
		t.Fatalf("%d defendants shown, want 60", len(s.defs))
	}
	m := test.RenderObjectToMarkup(s.defTable)
	first := []rune(s.defs[0].person.DisplayName())[:6]
	if !strings.Contains(m, string(first)) {
		t.Errorf("the first defendant (%s) is not drawn", s.defs[0].person.DisplayName())
	}
	if n := strings.Count(m, "<text"); n >= 60*len(s.defColumns) {
		t.Errorf("%d texts drawn in the defendants table: not virtualised", n)
	}
}
