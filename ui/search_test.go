package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// searchFixture is a vault with a case, a hearing, a note and a defendant
// with a Khmer name, open in u.
func searchFixture(t *testing.T, u *appUI) (*storage.Hearing, *storage.Person) {
	t.Helper()
	v, c, h := openTestVault(t, u)
	p := &storage.Person{Name: "Kem Sokha", NameLocal: "កឹម សុខា"}
	n := &storage.Note{HearingID: h.ID, Time: time.Date(2026, 3, 4, 9, 5, 0, 0, time.UTC),
		Text: "Judge reads the charges; the interpreter is missing", Source: storage.SourceSeen}
	if err := v.Put(p, n); err != nil {
		t.Fatal(err)
	}
	if err := v.Put(&storage.CaseDefendant{CaseID: c.ID, PersonID: p.ID}); err != nil {
		t.Fatal(err)
	}
	u.showMain()
	return h, p
}

func TestSearchOpensHearing(t *testing.T) {
	u := newTestUI(t)
	h, _ := searchFixture(t, u)
	s := u.openSearch()
	if u.win.Canvas().Focused() != s.query {
		t.Error("the query field does not have the focus")
	}
	test.Type(s.query, "interpret")
	if len(s.results) != 1 {
		t.Fatalf("%d results for interpret, want the note", len(s.results))
	}
	r := s.results[0]
	if r.kind != lang.L("Note") || !strings.Contains(r.snippet, "interpreter") ||
		r.where != "Plotting: mass trial I, Wed 4 Mar 2026" {
		t.Errorf("result %+v", r)
	}
	s.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.hearing == nil || u.hearing.hearing.ID != h.ID {
		t.Fatal("Enter did not open the hearing of the note")
	}
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("the search is still shown")
	}
}

func TestSearchKhmerName(t *testing.T) {
	u := newTestUI(t)
	_, p := searchFixture(t, u)
	u.openHearing(mustHearing(t, u))
	test.Type(u.hearing.note, "kept")
	hearingID := u.hearing.hearing.ID

	s := u.openSearch()
	test.Type(s.query, "សុខា")
	if len(s.results) != 1 || s.results[0].person != p.ID {
		t.Fatalf("results for សុខា: %+v", s.results)
	}
	if r := s.results[0]; r.kind != lang.L("Defendant") || r.where != "Plotting: mass trial I" || !strings.Contains(r.snippet, "សុខា") {
		t.Errorf("result %+v", r)
	}
	s.list.Select(0) // a tap or Space on the result
	if u.hearing != nil {
		t.Fatal("the hearing screen is still shown")
	}
	if got := u.tabs.Selected().Text; got != lang.L("Defendants") {
		t.Errorf("tab %q is selected, want Defendants", got)
	}
	// The hearing left behind kept its half-typed note.
	u.openHearing(hearingID)
	if got := u.hearing.note.Text; got != "kept" {
		t.Errorf("half-typed note %q after search", got)
	}
}

func mustHearing(t *testing.T, u *appUI) uuid.UUID {
	t.Helper()
	var hs []*storage.Hearing
	if err := u.vault.View(func(tx *storage.Tx) (err error) { hs, err = tx.Hearings(); return err }); err != nil || len(hs) == 0 {
		t.Fatal("no hearing", err)
	}
	return hs[0].ID
}

func TestSearchCaseAndEscape(t *testing.T) {
	u := newTestUI(t)
	searchFixture(t, u)
	u.tabs.SelectIndex(2)
	s := u.openSearch()
	test.Type(s.query, "plott")
	if len(s.results) != 1 || s.results[0].kind != lang.L("Case") {
		t.Fatalf("results for plott: %+v", s.results)
	}
	s.activate(0)
	if got := u.tabs.Selected().Text; got != lang.L("Cases") {
		t.Errorf("tab %q is selected, want Cases", got)
	}
	if !hasLabel(u.cases.content, "Phnom Penh Municipal Court") {
		t.Error("the case is not shown")
	}

	s = u.openSearch()
	test.Type(s.query, "nothing-like-this")
	if len(s.results) != 0 || s.status.Text != lang.L("Nothing found") {
		t.Errorf("%d results, status %q", len(s.results), s.status.Text)
	}
	s.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("Escape did not close the search")
	}
}

// Results arriving after a newer query are dropped.
func TestSearchStaleResults(t *testing.T) {
	u := newTestUI(t)
	searchFixture(t, u)
	var pending []func()
	u.spawn = func(f func()) { pending = append(pending, f) }
	s := u.openSearch()
	s.query.SetText("judge")
	s.query.SetText("kem")
	if len(pending) != 2 {
		t.Fatalf("%d searches started, want 2", len(pending))
	}
	pending[1]() // the newer query finishes first
	pending[0]()
	if len(s.results) != 1 || s.results[0].kind != lang.L("Defendant") {
		t.Errorf("results %+v, want those for kem", s.results)
	}
}

func TestSearchLayout(t *testing.T) {
	u := newTestUI(t)
	searchFixture(t, u)
	// Only the dialog: the screens under it have masters of their own.
	u.win.SetContent(widget.NewLabel(""))
	s := u.openSearch()
	test.Type(s.query, "k")
	test.AssertRendersToMarkup(t, "search.xml", u.win.Canvas())
}
