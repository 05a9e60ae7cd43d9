package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/demo"
	"courtwatch/storage"
)

// openRoster creates the vault of u, fills it and shows the Defendants tab.
func openRoster(t *testing.T, u *appUI, fill func(v *storage.Vault)) *rosterScreen {
	t.Helper()
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	fill(v)
	u.opened(v)
	u.tabs.SelectIndex(1)
	return u.roster
}

// demoRoster opens the demo mass-trial vault plus two persons whose names
// test folding: Latin diacritics and a Khmer-only name with a zero-width
// space between the words.
func demoRoster(t *testing.T, u *appUI) (*rosterScreen, *demo.Summary, []*storage.Person) {
	t.Helper()
	var s *demo.Summary
	extra := []*storage.Person{{Name: "Nguyễn Văn Đức", Aliases: []string{"Đức"}}, {NameLocal: "ទេព\u200bវណ្ណារី"}}
	r := openRoster(t, u, func(v *storage.Vault) {
		var err error
		if s, err = demo.Build(v, 1); err != nil {
			t.Fatal(err)
		}
		if err := v.Put(extra[0], extra[1]); err != nil {
			t.Fatal(err)
		}
	})
	return r, s, extra
}

// shownIDs returns the persons the list shows, in order.
func shownIDs(r *rosterScreen) []uuid.UUID {
	var ids []uuid.UUID
	for i := range r.list.Length() {
		ids = append(ids, r.all[r.shown[i]].person.ID)
	}
	return ids
}

func persons(t *testing.T, v *storage.Vault) []*storage.Person {
	t.Helper()
	var ps []*storage.Person
	if err := v.View(func(tx *storage.Tx) (err error) { ps, err = tx.Persons(); return err }); err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestRosterFilter(t *testing.T) {
	u := newTestUI(t)
	r, s, extra := demoRoster(t, u)
	all := persons(t, u.vault)
	if len(all) != demo.Persons+2 || r.list.Length() != len(all) {
		t.Fatalf("list shows %d of %d persons", r.list.Length(), len(all))
	}
	// Independent counts for plain substrings of the demo names.
	count := func(match func(p *storage.Person) bool) int {
		n := 0
		for _, p := range all {
			if match(p) {
				n++
			}
		}
		return n
	}
	sokha := count(func(p *storage.Person) bool { return strings.Contains(strings.ToLower(p.Name), "sokha") })
	sokhaKm := count(func(p *storage.Person) bool { return strings.Contains(p.NameLocal, "សុខា") })
	if sokha < 2 || sokhaKm < 2 {
		t.Fatalf("demo has %d Sokha and %d សុខា; the test needs several", sokha, sokhaKm)
	}
	tests := []struct {
		query string
		n     int       // persons shown
		want  uuid.UUID // one of them; uuid.Nil for none
	}{
		{"", len(all), s.SamRainsy},
		{"SAM rainsy", 1, s.SamRainsy},
		{"rainsy sam", 1, s.SamRainsy},         // alias
		{"nguyen van duc", 1, extra[0].ID},     // diacritics dropped, đ is d
		{"NGUYỄN VĂN ĐỨC", 1, extra[0].ID},     // upper case with diacritics
		{"Nguye\u0302\u0303n", 1, extra[0].ID}, // decomposed (NFD) input
		{"sokha", sokha, s.KemSokha},           // given name of several
		{"សុខា", sokhaKm, s.KemSokha},          // Khmer substring
		{"សម រង្ស៊ី", 1, s.SamRainsy},          // Khmer with a space
		{"សម\u200bរង្ស៊ី", 1, s.SamRainsy},     // Khmer with a zero-width space
		{"រង្ស៊ី", 1, s.SamRainsy},             // Khmer, the second word
		{"ទេពវណ្ណារី", 1, extra[1].ID},         // stored with a zero-width space
		{"\u200b", len(all), s.SamRainsy},      // invisible only: no filter
		{"zzz", 0, uuid.Nil},
	}
	for _, tt := range tests {
		r.filter.SetText("")
		test.Type(r.filter, tt.query)
		got := shownIDs(r)
		if len(got) != tt.n {
			t.Errorf("%q: %d persons shown, want %d", tt.query, len(got), tt.n)
		}
		if tt.want != uuid.Nil && !containsID(got, tt.want) {
			t.Errorf("%q: %s not shown", tt.query, tt.want)
		}
		if wantCount := fmt.Sprintf("%d of %d", tt.n, len(all)); r.count.Text != wantCount {
			t.Errorf("%q: count %q, want %q", tt.query, r.count.Text, wantCount)
		}
	}
	// The rendered rows follow the filter.
	r.filter.SetText("")
	test.Type(r.filter, "mu soch")
	if !hasLabel(r.list, "Mu Sochua") || !hasLabel(r.list, "មូរ សុខហួរ") || hasLabel(r.list, "Sam Rainsy") {
		t.Errorf("rows shown for \"mu soch\": %q", labelTexts(r.list))
	}
}

func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestRosterShowPerson(t *testing.T) {
	u := newTestUI(t)
	r, s, _ := demoRoster(t, u)
	test.Type(r.filter, "zzz")
	r.showPerson(s.MuSochua) // hidden by the filter, which is cleared
	if r.filter.Text != "" || r.selected != s.MuSochua || r.selRow < 0 || shownIDs(r)[r.selRow] != s.MuSochua {
		t.Fatalf("filter %q, selected %s at row %d", r.filter.Text, r.selected, r.selRow)
	}
	for _, want := range []string{"Mu Sochua", "មូរ សុខហួរ", "Also known as: Sochua", "Affiliation: CNRP vice-president"} {
		if !hasLabel(r.detail, want) {
			t.Errorf("detail lacks %q: %q", want, labelTexts(r.detail))
		}
	}
	// Every case of the person, with the charges, counsel and status held in it.
	err := u.vault.View(func(tx *storage.Tx) error {
		defs, err := tx.CasesOfPerson(s.MuSochua)
		if err != nil {
			return err
		}
		if len(defs) != 3 {
			t.Errorf("Mu Sochua is in %d cases, want 3", len(defs))
		}
		for _, d := range defs {
			c := &storage.Case{}
			if err := tx.Get(d.CaseID, c); err != nil {
				return err
			}
			if !hasLabel(r.detail, c.Title) || !hasLabel(r.detail, "Art. "+d.Charges[0].String()) ||
				!hasLabel(r.detail, "Status: "+statusText(d.Status, d.StatusReason)) {
				t.Errorf("detail lacks case %s as %+v: %q", c.Number, d, labelTexts(r.detail))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The selection follows the person while filtering, and comes back.
	test.Type(r.filter, "sam")
	if r.selRow != -1 || r.selected != s.MuSochua {
		t.Errorf("filtered out: row %d, selected %s", r.selRow, r.selected)
	}
	r.filter.SetText("")
	if r.selRow < 0 || shownIDs(r)[r.selRow] != s.MuSochua {
		t.Errorf("after clearing the filter the selection is at row %d", r.selRow)
	}
	// Enter in the filter shows the first match.
	test.Type(r.filter, "kem sokha")
	r.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if r.selected != s.KemSokha || !hasLabel(r.detail, "Kem Sokha") {
		t.Errorf("Enter selected %s", r.selected)
	}
}

// overlay returns the top dialog of the window.
func overlay(t *testing.T, u *appUI) fyne.CanvasObject {
	t.Helper()
	o := u.win.Canvas().Overlays().Top()
	if o == nil {
		t.Fatal("no dialog is open")
	}
	return o
}

func TestRosterNewAndEditPerson(t *testing.T) {
	u := newTestUI(t)
	r := openRoster(t, u, func(*storage.Vault) {})
	// The window's shortcut acts only while the tab is showing.
	sc := u.win.Canvas().(fyne.Shortcutable)
	u.tabs.SelectIndex(0)
	sc.TypedShortcut(newPersonShortcut)
	if r.editor != nil || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Ctrl+Shift+N opened the form on the Cases tab")
	}
	u.tabs.SelectIndex(1)
	sc.TypedShortcut(newPersonShortcut)
	if r.editor == nil {
		t.Fatal("Ctrl+Shift+N did not open the form")
	}
	test.Tap(findButton(t, overlay(t, u), "Cancel"))
	if r.editor != nil || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Cancel did not close the form")
	}
	r.filter.TypedShortcut(newPersonShortcut)
	ed := r.editor
	if ed == nil {
		t.Fatal("Ctrl+Shift+N in the filter did not open the form")
	}
	create := findButton(t, overlay(t, u), "Create")
	test.Tap(create) // no name yet: the form refuses
	test.Type(ed.affiliation, "trade unionist")
	test.Tap(create)
	if ps := persons(t, u.vault); len(ps) != 0 || r.editor == nil {
		t.Fatalf("a person without a name: %d stored, form open %v", len(ps), r.editor != nil)
	}
	test.Type(ed.name, "  Nguye\u0302\u0303n Va\u0306n Đức ") // decomposed, as some keyboards type it
	test.Type(ed.local, "ហេង សុធា")
	ed.aliases.SetText("Duc\n\n  Nguyen V. D.  \nDuc")
	test.Tap(create)
	ps := persons(t, u.vault)
	if len(ps) != 1 {
		t.Fatalf("%d persons stored", len(ps))
	}
	p := ps[0]
	if p.Name != "Nguyễn Văn Đức" || p.NameLocal != "ហេង សុធា" || p.Affiliation != "trade unionist" ||
		strings.Join(p.Aliases, "|") != "Duc|Nguyen V. D." {
		t.Errorf("stored %+v", p)
	}
	if u.win.Canvas().Overlays().Top() != nil || r.selected != p.ID || r.list.Length() != 1 || !hasLabel(r.detail, "Also known as: Duc; Nguyen V. D.") {
		t.Errorf("after saving: selected %s, %d rows, detail %q", r.selected, r.list.Length(), labelTexts(r.detail))
	}

	test.Tap(r.edit)
	ed = r.editor
	if ed.name.Text != "Nguyễn Văn Đức" || ed.aliases.Text != "Duc\nNguyen V. D." {
		t.Fatalf("form shows %q, %q", ed.name.Text, ed.aliases.Text)
	}
	ed.affiliation.SetText("CNRP member")
	test.Tap(findButton(t, overlay(t, u), "Save"))
	got, err := storage.Load[storage.Person](u.vault, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Affiliation != "CNRP member" || got.Version != 2 || got.Name != p.Name || len(persons(t, u.vault)) != 1 {
		t.Errorf("after editing: %+v (version %d)", got, got.Version)
	}
	if !hasLabel(r.detail, "Affiliation: CNRP member") {
		t.Errorf("detail %q", labelTexts(r.detail))
	}
}

const rosterCSV = `name,name_local,aliases,status,status_reason,charges,counsel
Kem Sokha,កឹម សុខា,,bail,released on bail,453 Plotting,Lim Vannak
Sam Rainsy,សម រង្ស៊ី,Rainsy Sam,in absentia,"abroad, refused entry",453 Plotting;494 Incitement,
,ហេង សុធា,,detained,,494 Incitement,Ouk Sreyneang
`

// defendantsOf returns the defendants of case c.
func defendantsOf(t *testing.T, v *storage.Vault, c uuid.UUID) []*storage.CaseDefendant {
	t.Helper()
	var ds []*storage.CaseDefendant
	if err := v.View(func(tx *storage.Tx) (err error) { ds, err = tx.DefendantsOfCase(c); return err }); err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestRosterImport(t *testing.T) {
	u := newTestUI(t)
	c := &storage.Case{Number: "DEMO 001/2020", Title: "Plotting: mass trial I"}
	kem := &storage.Person{Name: "Kem Sokha", Affiliation: "CNRP president"}
	r := openRoster(t, u, func(v *storage.Vault) {
		if err := v.Put(c, kem); err != nil {
			t.Fatal(err)
		}
	})

	// Cancelling the preview stores nothing.
	r.previewImport([]byte(rosterCSV), c.ID)
	test.Tap(findButton(t, overlay(t, u), "Cancel"))
	r.previewImport([]byte(rosterCSV), c.ID)
	preview := overlay(t, u)
	for _, want := range []string{"Sam Rainsy", "សម រង្ស៊ី", "453 Plotting; 494 Incitement", "In absentia (abroad, refused entry)", "Ouk Sreyneang"} {
		if !hasLabel(preview, want) {
			t.Errorf("preview lacks %q: %q", want, labelTexts(preview))
		}
	}
	if n, d := len(persons(t, u.vault)), len(defendantsOf(t, u.vault, c.ID)); n != 1 || d != 0 {
		t.Fatalf("before confirming: %d persons, %d defendants stored", n, d)
	}

	test.Tap(findButton(t, preview, "Import 3 rows"))
	ps := persons(t, u.vault)
	ds := defendantsOf(t, u.vault, c.ID)
	if len(ps) != 3 || len(ds) != 3 {
		t.Fatalf("after importing: %d persons, %d defendants", len(ps), len(ds))
	}
	byName := map[string]*storage.Person{}
	for _, p := range ps {
		byName[p.DisplayName()] = p
	}
	if p := byName["Kem Sokha (កឹម សុខា)"]; p == nil || p.ID != kem.ID {
		t.Errorf("Kem Sokha was not linked to the stored person: %v", byName)
	}
	for _, d := range ds {
		if d.PersonID == byName["Sam Rainsy (សម រង្ស៊ី)"].ID && (d.Status != storage.StatusInAbsentia || d.StatusReason != "abroad, refused entry" || len(d.Charges) != 2) {
			t.Errorf("Sam Rainsy stored as %+v", d)
		}
	}
	report := overlay(t, u)
	for _, want := range []string{"Persons: 2 new, 1 linked", "Line 2: Kem Sokha កឹម សុខា → Kem Sokha (កឹម សុខា)"} {
		if !hasLabel(report, want) {
			t.Errorf("report lacks %q: %q", want, labelTexts(report))
		}
	}
	if r.list.Length() != 3 || r.count.Text != "3 of 3" {
		t.Errorf("list not refreshed: %d rows, %q", r.list.Length(), r.count.Text)
	}
}

func TestRosterImportMalformed(t *testing.T) {
	u := newTestUI(t)
	c := &storage.Case{Title: "Plotting: mass trial I"}
	r := openRoster(t, u, func(v *storage.Vault) {
		if err := v.Put(c); err != nil {
			t.Fatal(err)
		}
	})
	bad := "name,status,charges\nSok Chea,jailed,453\n\"Keo \"Tiger\" Dara\",detained,453\nChan Dara,detained,Plotting\n"
	r.previewImport([]byte(bad), c.ID)
	o := overlay(t, u)
	for _, want := range []string{"line 2, column status", "line 3:", "line 4, column charges", "nothing can be imported"} {
		if !hasLabel(o, want) {
			t.Errorf("problems lack %q: %q", want, labelTexts(o))
		}
	}
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && strings.HasPrefix(b.Text, "Import") {
			t.Errorf("a malformed roster offers %q", b.Text)
		}
	}
	test.Tap(findButton(t, o, "Close"))
	if n, d := len(persons(t, u.vault)), len(defendantsOf(t, u.vault, c.ID)); n != 0 || d != 0 || r.list.Length() != 0 {
		t.Errorf("a malformed roster stored %d persons, %d defendants", n, d)
	}
}

func TestRosterImportAmbiguous(t *testing.T) {
	u := newTestUI(t)
	c := &storage.Case{Title: "Incitement: mass trial II"}
	first := &storage.Person{Name: "Chea Dara", Affiliation: "youth activist"}
	second := &storage.Person{Name: "Chea Dara", Affiliation: "trade unionist"}
	r := openRoster(t, u, func(v *storage.Vault) {
		if err := v.Put(c, first, second); err != nil {
			t.Fatal(err)
		}
	})
	r.previewImport([]byte("name,status\nChea Dara,detained\nSok Chea,bail\n"), c.ID)
	test.Tap(findButton(t, overlay(t, u), "Import 2 rows"))
	settle := overlay(t, u)
	if !hasLabel(settle, "“Chea Dara” matches 2 persons") {
		t.Fatalf("no choice offered: %q", labelTexts(settle))
	}
	var sel *widget.Select
	for _, obj := range test.LaidOutObjects(settle) {
		if s, ok := obj.(*keySelect); ok {
			sel = &s.Select
		}
	}
	test.Tap(findButton(t, settle, "Import 2 rows")) // nothing chosen yet
	if !hasLabel(settle, "Choose a person") || len(defendantsOf(t, u.vault, c.ID)) != 0 {
		t.Fatalf("imported without a choice: %q", labelTexts(settle))
	}
	if len(sel.Options) != 3 || !strings.Contains(sel.Options[1], "trade unionist") || sel.Options[2] != "A new person" {
		t.Fatalf("options %q", sel.Options)
	}
	sel.SetSelectedIndex(1)
	test.Tap(findButton(t, settle, "Import 2 rows"))
	ds := defendantsOf(t, u.vault, c.ID)
	if len(ds) != 2 || len(persons(t, u.vault)) != 3 {
		t.Fatalf("%d defendants, %d persons", len(ds), len(persons(t, u.vault)))
	}
	if ds[0].PersonID != second.ID && ds[1].PersonID != second.ID {
		t.Errorf("Chea Dara was not linked to the chosen person")
	}
}

func TestRosterLayout(t *testing.T) {
	u := newTestUI(t)
	r, s, _ := demoRoster(t, u)
	u.dir = "/home/monitor/courtwatch-vault" // as shown; the vault itself is in a temporary folder
	u.status.SetText("Vault open: " + u.dir)
	r.showPerson(s.SamRainsy)
	test.AssertRendersToMarkup(t, "roster.xml", u.win.Canvas())
}

func TestUniqueOptions(t *testing.T) {
	got := uniqueOptions([]string{"Chea Dara", "Sok Chea", "Chea Dara", "Chea Dara"})
	want := []string{"Chea Dara", "Sok Chea", "Chea Dara (2)", "Chea Dara (3)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestRosterDefendantReport: the person shown has "Defendant report…",
// which previews the report about them across their cases.
func TestRosterDefendantReport(t *testing.T) {
	u := newTestUI(t)
	r, s, _ := demoRoster(t, u)
	if !r.report.Disabled() {
		t.Error("Defendant report… enabled with nobody chosen")
	}
	r.showPerson(s.MuSochua)
	test.Tap(r.report)
	preview := overlay(t, u)
	if texts := richTexts(preview); !strings.Contains(strings.Join(texts, "\n"), "Defendant report") ||
		!strings.Contains(strings.Join(texts, "\n"), "Mu Sochua") {
		t.Errorf("the preview is not the report about Mu Sochua: %q", texts)
	}
}
