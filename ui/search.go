package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// searchLimit is how many hits a search shows.
const searchLimit = 100

// searchResult is one hit with what the list shows and where it leads.
type searchResult struct {
	kind    string // translated: Note, Event, Defendant, …
	snippet string
	where   string    // case and hearing date, or a person's cases
	hearing uuid.UUID // opens this hearing, if set
	record  uuid.UUID // and shows this note or event in its log, if set
	cas     uuid.UUID // else selects this case, if set
	person  uuid.UUID // else shows this person
}

// searchView is the global search (Ctrl+F): a query field over the whole
// vault and the hits, each opening where it belongs. It searches as the
// query changes, off the UI goroutine; results of an older query are
// dropped when they arrive late.
type searchView struct {
	u       *appUI
	vault   *storage.Vault
	query   *searchEntry
	list    *keyList
	status  *widget.Label
	results []searchResult
	seq     int // number of the latest query; only its results are shown
	dlg     *dialog.CustomDialog
}

// showSearch opens global search (Ctrl+F).
func (u *appUI) showSearch() { u.openSearch() }

// openSearch shows the search dialog with the query field focused and
// returns it, or nil while the vault is locked.
func (u *appUI) openSearch() *searchView {
	if u.vault == nil {
		return nil
	}
	u.touch()
	s := &searchView{u: u, vault: u.vault}
	s.query = newSearchEntry()
	s.query.SetPlaceHolder(lang.L("Search notes, events, names and cases, in Latin or Khmer"))
	s.query.OnChanged = s.search
	s.query.OnSubmitted = func(string) { s.activate(0) }
	s.query.onEscape = s.close
	s.query.onDown = func() {
		if len(s.results) > 0 {
			u.win.Canvas().Focus(s.list)
		}
	}
	s.status = widget.NewLabel(lang.L("Type to search. Enter opens the first result, Down moves to the list, Escape closes."))
	s.status.Importance = widget.LowImportance
	s.status.Truncation = fyne.TextTruncateEllipsis
	s.list = newKeyList(
		func() int { return len(s.results) },
		func() fyne.CanvasObject {
			kind := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			where := widget.NewLabel("")
			where.Truncation = fyne.TextTruncateEllipsis
			snippet := widget.NewLabel("")
			snippet.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(container.NewBorder(nil, nil, kind, nil, where), snippet)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := s.results[i]
			box := o.(*fyne.Container)
			top := box.Objects[0].(*fyne.Container)
			top.Objects[0].(*widget.Label).SetText(r.where)
			top.Objects[1].(*widget.Label).SetText(r.kind)
			box.Objects[1].(*widget.Label).SetText(r.snippet)
			top.Refresh() // the kind's width changed: lay the row out again
		},
	)
	s.list.OnSelected = func(i widget.ListItemID) { s.activate(i) }

	content := container.NewBorder(container.NewVBox(s.query, s.status), nil, nil, nil, s.list)
	s.dlg = dialog.NewCustom(lang.L("Search"), lang.L("Close")+"  (Esc)", content, u.win)
	s.dlg.Resize(fyne.NewSize(900, 540))
	// While open, the results follow the vault: a change runs the query again.
	u.onVaultChange("search", func() { s.find(s.query.Text) })
	s.dlg.SetOnClosed(func() { u.forget("search") })
	s.dlg.Show()
	u.win.Canvas().Focus(s.query)
	return s
}

// search looks for q in the background and shows the hits when they come.
func (s *searchView) search(q string) {
	s.u.touch()
	s.find(q)
}

// find runs query q in the background; show puts its results on screen.
func (s *searchView) find(q string) {
	s.seq++
	seq := s.seq
	if strings.TrimSpace(q) == "" {
		s.show(seq, nil, nil)
		return
	}
	s.u.spawn(func() {
		results, err := findResults(s.vault, q)
		s.u.do(func() { s.show(seq, results, err) })
	})
}

// show puts the results of query number seq on screen, unless a newer
// query has been typed since or the search was closed.
func (s *searchView) show(seq int, results []searchResult, err error) {
	if seq != s.seq || s.u.vault != s.vault {
		return
	}
	s.results = results
	s.list.UnselectAll()
	s.list.Refresh()
	s.list.ScrollToTop()
	switch {
	case err != nil:
		s.status.SetText(lang.L("The search failed: {{.Err}}", map[string]any{"Err": err.Error()}))
	case strings.TrimSpace(s.query.Text) == "":
		s.status.SetText(lang.L("Type to search. Enter opens the first result, Down moves to the list, Escape closes."))
	case len(results) == 0:
		s.status.SetText(lang.L("Nothing found"))
	case len(results) == 1:
		s.status.SetText(lang.L("1 result"))
	case len(results) == searchLimit:
		s.status.SetText(lang.L("The first {{.N}} results; type more to narrow them", map[string]any{"N": searchLimit}))
	default:
		s.status.SetText(lang.L("{{.N}} results", map[string]any{"N": len(results)}))
	}
}

// findResults runs the search and says, for each hit, where it belongs.
// It only reads the vault, so it may run on any goroutine.
func findResults(v *storage.Vault, q string) ([]searchResult, error) {
	hits, err := v.Search(q, searchLimit)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	results := make([]searchResult, 0, len(hits))
	err = v.View(func(tx *storage.Tx) error {
		p := placer{tx: tx, cases: map[uuid.UUID]*storage.Case{}, hearings: map[uuid.UUID]*storage.Hearing{}}
		for _, h := range hits {
			r, err := p.place(h)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
		return nil
	})
	return results, err
}

// placer finds where hits belong, reading each case and hearing once.
type placer struct {
	tx       *storage.Tx
	cases    map[uuid.UUID]*storage.Case
	hearings map[uuid.UUID]*storage.Hearing
}

func (p *placer) place(h storage.Hit) (searchResult, error) {
	r := searchResult{snippet: strings.ReplaceAll(h.Snippet, "\n", " / ")}
	var err error
	switch rec := h.Record.(type) {
	case *storage.Note:
		r.kind, r.hearing, r.record = lang.L("Note"), rec.HearingID, rec.ID
		r.where, err = p.hearingPlace(rec.HearingID)
	case *storage.Event:
		r.kind, r.hearing, r.record = lang.L("Event"), rec.HearingID, rec.ID
		r.where, err = p.hearingPlace(rec.HearingID)
	case *storage.Attachment:
		r.kind, r.hearing, r.cas = lang.L("Attachment"), rec.HearingID, rec.CaseID
		if rec.HearingID != uuid.Nil {
			r.where, err = p.hearingPlace(rec.HearingID)
		} else {
			r.where, err = p.casePlace(rec.CaseID)
		}
	case *storage.Hearing:
		r.kind, r.hearing = lang.L("Hearing"), rec.ID
		r.where, err = p.hearingPlace(rec.ID)
	case *storage.Case:
		r.kind, r.cas = lang.L("Case"), rec.ID
		r.where = caseTitle(rec)
	case *storage.Person:
		r.kind, r.person = lang.L("Defendant"), rec.ID
		r.where, err = p.personPlace(rec)
	default:
		r.kind = h.Kind
	}
	if errors.Is(err, storage.ErrNotFound) {
		err = nil // a dangling reference: show the hit without its place
	}
	return r, err
}

func (p *placer) caseOf(id uuid.UUID) (*storage.Case, error) {
	if c, ok := p.cases[id]; ok {
		return c, nil
	}
	c := &storage.Case{}
	if err := p.tx.Get(id, c); err != nil {
		return nil, err
	}
	p.cases[id] = c
	return c, nil
}

// hearingPlace is "case title, hearing date".
func (p *placer) hearingPlace(id uuid.UUID) (string, error) {
	h, ok := p.hearings[id]
	if !ok {
		h = &storage.Hearing{}
		if err := p.tx.Get(id, h); err != nil {
			return "", err
		}
		p.hearings[id] = h
	}
	c, err := p.caseOf(h.CaseID)
	if err != nil {
		return "", err
	}
	return caseTitle(c) + ", " + formatDay(h.Scheduled, zoneOf(c).loc), nil
}

func (p *placer) casePlace(id uuid.UUID) (string, error) {
	c, err := p.caseOf(id)
	if err != nil {
		return "", err
	}
	return caseTitle(c), nil
}

// personPlace lists the cases a person is accused in.
func (p *placer) personPlace(person *storage.Person) (string, error) {
	ds, err := p.tx.CasesOfPerson(person.ID)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(ds))
	for _, d := range ds {
		c, err := p.caseOf(d.CaseID)
		if err != nil {
			return "", err
		}
		names = append(names, caseTitle(c))
	}
	if len(names) == 0 {
		return lang.L("in no case"), nil
	}
	return strings.Join(names, "; "), nil
}

// caseTitle is a case's title, or its number when it has no title.
func caseTitle(c *storage.Case) string {
	if strings.TrimSpace(c.Title) != "" {
		return c.Title
	}
	return c.Number
}

// activate opens the ith result where it belongs and closes the search.
func (s *searchView) activate(i int) {
	if i < 0 || i >= len(s.results) {
		return
	}
	r := s.results[i]
	s.close()
	u := s.u
	if u.vault == nil {
		return
	}
	if r.hearing != uuid.Nil {
		u.showInHearing(r.hearing, r.record)
		return
	}
	if u.hearing != nil {
		u.leaveHearing()
		if u.hearing != nil {
			return // the draft could not be kept; leaveHearing said so
		}
	}
	switch {
	case r.cas != uuid.Nil:
		if u.selectTab(lang.L("Cases")) {
			u.cases.showCase(r.cas)
		}
	case r.person != uuid.Nil:
		if u.selectTab(lang.L("Defendants")) {
			u.roster.showPerson(r.person)
		}
	}
}

// showInHearing shows hearing id and in its log the note or event record
// (if not Nil), scrolled to and highlighted. The hearing on screen stays
// as it is when it is that hearing; another one is kept (its half-typed
// note in the vault) and Back on the result's hearing returns to it.
func (u *appUI) showInHearing(id, record uuid.UUID) {
	if h := u.hearing; h == nil || h.hearing.ID != id {
		var from uuid.UUID
		if h != nil {
			if err := h.saveDraft(); err != nil {
				u.fail(lang.L("The half-typed note could not be kept"), err)
				return
			}
			from = h.hearing.ID
		}
		u.openHearing(id)
		if u.hearing == nil || u.hearing.hearing.ID != id {
			return
		}
		u.hearing.backTo = from
	}
	if record != uuid.Nil {
		u.hearing.showTab(0)
		u.hearing.highlight(record)
	}
}

// selectTab selects the main tab with this label.
func (u *appUI) selectTab(label string) bool {
	if u.tabs == nil {
		return false
	}
	for i, t := range u.tabs.Items {
		if t.Text == label {
			u.tabs.SelectIndex(i)
			return true
		}
	}
	return false
}

func (s *searchView) close() {
	s.seq++ // drop results still on their way
	s.dlg.Hide()
}

// searchEntry is the query field: Escape closes the search and Down moves
// to the results.
type searchEntry struct {
	widget.Entry
	onEscape func()
	onDown   func()
}

func newSearchEntry() *searchEntry {
	e := &searchEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		e.onEscape()
	case fyne.KeyDown:
		e.onDown()
	default:
		e.Entry.TypedKey(k)
	}
}
