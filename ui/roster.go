package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/report"
	"courtwatch/storage"
	"courtwatch/storage/fulltext"
)

// Shortcuts of the Defendants tab. They work while the tab is showing and
// no dialog is open, also from the filter field.
var (
	newPersonShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	editPersonShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	importRosterShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// rosterEntry is one person of the list, with what the filter compares.
type rosterEntry struct {
	person *storage.Person
	cases  int
	key    string // folded names and aliases, one per line, without spaces
}

// rosterScreen is the Defendants tab: every person in a filtered list on
// the left and the selected person, with their cases, on the right.
type rosterScreen struct {
	u *appUI

	all      []rosterEntry  // sorted by name
	shown    []int          // indexes into all that pass the filter
	selected uuid.UUID      // person shown on the right, or uuid.Nil
	report   *widget.Button // "Defendant report…" for the selected person
	selRow   int            // list row selected, or -1
	quiet    bool           // set while the screen moves the list selection itself

	filter  *filterEntry
	count   *widget.Label
	list    *widget.List
	detail  *fyne.Container
	scroll  *container.Scroll
	edit    *widget.Button
	editor  *personEditor // the open person form, if any
	content fyne.CanvasObject
}

func newRosterScreen(u *appUI) (*rosterScreen, error) {
	r := &rosterScreen{u: u, selRow: -1}
	if err := r.load(); err != nil {
		return nil, err
	}
	r.build()
	r.applyFilter("")
	r.addShortcuts()
	u.onVaultChange("roster", r.reload)
	return r, nil
}

// load reads every person and counts their cases.
func (r *rosterScreen) load() error {
	var all []rosterEntry
	err := r.u.vault.View(func(tx *storage.Tx) error {
		persons, err := tx.Persons()
		if err != nil {
			return err
		}
		cases, err := tx.Cases()
		if err != nil {
			return err
		}
		counts := map[uuid.UUID]int{}
		for _, c := range cases {
			ds, err := tx.DefendantsOfCase(c.ID)
			if err != nil {
				return err
			}
			for _, d := range ds {
				counts[d.PersonID]++
			}
		}
		for _, p := range persons {
			all = append(all, rosterEntry{person: p, cases: counts[p.ID], key: filterKey(p)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(all, func(a, b rosterEntry) int { return strings.Compare(sortKey(a.person), sortKey(b.person)) })
	r.all = all
	return nil
}

// foldName is the form in which the filter compares names: fulltext.FoldName
// (case and Latin diacritics dropped, zero-width characters and white space
// removed), the form roster import uses to find near-matches.
func foldName(s string) string { return fulltext.FoldName(s) }

func filterKey(p *storage.Person) string {
	keys := []string{foldName(p.Name), foldName(p.NameLocal)}
	for _, a := range p.Aliases {
		keys = append(keys, foldName(a))
	}
	return strings.Join(keys, "\n")
}

func sortKey(p *storage.Person) string {
	if p.Name != "" {
		return fulltext.Fold(p.Name)
	}
	return fulltext.Fold(p.NameLocal)
}

func (r *rosterScreen) build() {
	r.filter = newFilterEntry(r)
	r.filter.SetPlaceHolder(lang.L("Filter by name, in Latin or Khmer script"))
	r.filter.OnChanged = r.applyFilter
	r.count = widget.NewLabel("")
	r.list = widget.NewList(
		func() int { return len(r.shown) },
		func() fyne.CanvasObject {
			// The count's template text sets the width of its column.
			latin, local, n := widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(caseCount(99))
			latin.Truncation, local.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, nil, n, container.NewGridWithColumns(2, latin, local))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := r.all[r.shown[i]]
			row := o.(*fyne.Container)
			names := row.Objects[0].(*fyne.Container).Objects
			setText(names[0].(*widget.Label), e.person.Name)
			setText(names[1].(*widget.Label), e.person.NameLocal)
			setText(row.Objects[1].(*widget.Label), caseCount(e.cases))
		},
	)
	r.list.OnSelected = func(i widget.ListItemID) {
		r.selRow = i
		if !r.quiet {
			r.show(r.all[r.shown[i]].person.ID)
		}
	}
	r.detail = container.NewVBox(widget.NewLabel(lang.L("Choose a person on the left, or type a name above the list.")))
	r.scroll = container.NewVScroll(r.detail)

	newBtn := widget.NewButtonWithIcon(lang.L("New person…")+"  (Ctrl+Shift+N)", theme.ContentAddIcon(), r.newPerson)
	r.edit = widget.NewButtonWithIcon(lang.L("Edit person…")+"  (Ctrl+Shift+E)", theme.DocumentCreateIcon(), r.editPerson)
	r.edit.Disable()
	importBtn := widget.NewButtonWithIcon(lang.L("Import roster CSV…")+"  (Ctrl+Shift+I)", theme.UploadIcon(), r.chooseRosterFile)

	r.report = widget.NewButtonWithIcon(lang.L("Defendant report…"), theme.DocumentSaveIcon(), func() {
		if r.selected != uuid.Nil {
			r.u.exportReport(report.SubjectDefendant, r.selected)
		}
	})
	r.report.Disable()

	left := container.NewBorder(container.NewBorder(nil, nil, nil, r.count, r.filter), nil, nil, nil, r.list)
	right := container.NewBorder(container.NewHBox(layout.NewSpacer(), r.report), nil, nil, nil, r.scroll)
	split := container.NewHSplit(left, right)
	split.Offset = 0.5
	r.content = container.NewBorder(container.NewHBox(newBtn, r.edit, importBtn), nil, nil, nil, split)
}

// setText sets l's text only if it changed: a truncated label shapes its
// text again on every SetText, which is most of a keystroke's cost.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

func caseCount(n int) string {
	switch n {
	case 0:
		return lang.L("no case")
	case 1:
		return lang.L("1 case")
	}
	return lang.L("{{.N}} cases", map[string]any{"N": n})
}

// applyFilter shows the persons whose names or aliases contain q, keeping
// the selection on the same person while it stays visible.
func (r *rosterScreen) applyFilter(q string) {
	r.match(q)
	r.count.SetText(lang.L("{{.N}} of {{.M}}", map[string]any{"N": len(r.shown), "M": len(r.all)}))
	r.syncSelection()
	r.list.Refresh()
}

// match sets shown to the persons whose names or aliases contain q.
func (r *rosterScreen) match(q string) {
	q = foldName(q)
	r.shown = r.shown[:0]
	for i := range r.all {
		if q == "" || strings.Contains(r.all[i].key, q) {
			r.shown = append(r.shown, i)
		}
	}
}

// rowOf returns the list row of person id, or -1 if it is filtered out.
func (r *rosterScreen) rowOf(id uuid.UUID) int {
	return slices.IndexFunc(r.shown, func(i int) bool { return r.all[i].person.ID == id })
}

// syncSelection moves the list selection to the row of the shown person.
func (r *rosterScreen) syncSelection() {
	row := -1
	if r.selected != uuid.Nil {
		row = r.rowOf(r.selected)
	}
	if row == r.selRow {
		return
	}
	r.quiet = true
	defer func() { r.quiet = false }()
	if row >= 0 {
		r.list.Select(row)
	} else {
		r.list.UnselectAll()
		r.selRow = -1
	}
}

// showPerson selects the person with this id and shows their details,
// clearing the filter if it hides them.
func (r *rosterScreen) showPerson(id uuid.UUID) {
	if !slices.ContainsFunc(r.all, func(e rosterEntry) bool { return e.person.ID == id }) {
		r.reload() // added elsewhere since the list was read
	}
	if r.rowOf(id) < 0 && r.filter.Text != "" {
		r.filter.SetText("")
	}
	r.show(id)
	r.syncSelection()
	if r.selRow >= 0 {
		r.list.ScrollTo(r.selRow)
	}
}

// reload reads the persons again, keeping the filter and the selection.
func (r *rosterScreen) reload() {
	if err := r.load(); err != nil {
		r.u.fail(lang.L("The list of defendants could not be read"), err)
		return
	}
	r.applyFilter(r.filter.Text)
	if r.selected != uuid.Nil {
		r.show(r.selected)
	}
}

// show fills the right side with person id and every case they are in.
func (r *rosterScreen) show(id uuid.UUID) {
	p := &storage.Person{}
	var defs []*storage.CaseDefendant
	cases := map[uuid.UUID]*storage.Case{}
	err := r.u.vault.View(func(tx *storage.Tx) error {
		if err := tx.Get(id, p); err != nil {
			return err
		}
		var err error
		if defs, err = tx.CasesOfPerson(id); err != nil {
			return err
		}
		for _, d := range defs {
			c := &storage.Case{}
			if err := tx.Get(d.CaseID, c); err != nil {
				return err
			}
			cases[d.CaseID] = c
		}
		return nil
	})
	if err != nil {
		r.selected = uuid.Nil
		r.edit.Disable()
		r.report.Disable()
		r.setDetail(wrapLabel(lang.L("This person could not be read: {{.Err}}", map[string]any{"Err": err.Error()})))
		return
	}
	r.selected = id
	r.edit.Enable()
	r.report.Enable()
	r.setDetail(personDetail(p, defs, cases)...)
}

func (r *rosterScreen) setDetail(objs ...fyne.CanvasObject) {
	r.detail.Objects = objs
	r.detail.Refresh()
	r.scroll.ScrollToTop()
}

// personDetail lists a person's names and affiliation, then each case with
// the charges, counsel and status that hold in it.
func personDetail(p *storage.Person, defs []*storage.CaseDefendant, cases map[uuid.UUID]*storage.Case) []fyne.CanvasObject {
	name := p.Name
	if name == "" {
		name = p.NameLocal
	}
	objs := []fyne.CanvasObject{widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	if p.Name != "" && p.NameLocal != "" {
		objs = append(objs, widget.NewLabel(p.NameLocal))
	}
	if len(p.Aliases) > 0 {
		objs = append(objs, wrapLabel(lang.L("Also known as: {{.Aliases}}", map[string]any{"Aliases": strings.Join(p.Aliases, "; ")})))
	}
	if p.Affiliation != "" {
		objs = append(objs, wrapLabel(lang.L("Affiliation: {{.Affiliation}}", map[string]any{"Affiliation": p.Affiliation})))
	}
	objs = append(objs, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Cases")+fmt.Sprintf(" (%d)", len(defs)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if len(defs) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("Not a defendant in any case yet.")))
	}
	for _, d := range defs {
		c := cases[d.CaseID]
		title := widget.NewLabelWithStyle(strings.TrimSpace(c.Number+"  "+c.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapWord
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s\n", lang.L("Charges"), chargesText(d.Charges))
		counsel := d.Counsel
		if counsel == "" {
			counsel = lang.L("none recorded")
		}
		fmt.Fprintf(&b, "%s: %s\n", lang.L("Counsel"), counsel)
		fmt.Fprintf(&b, "%s: %s", lang.L("Status"), statusText(d.Status, d.StatusReason))
		objs = append(objs, title, wrapLabel(b.String()))
	}
	return objs
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// chargesText lists charges as "Art. 453 Plotting; Art. 494 Incitement".
func chargesText(cs []storage.Charge) string {
	if len(cs) == 0 {
		return lang.L("none recorded")
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = lang.L("Art.") + " " + c.String()
	}
	return strings.Join(parts, "; ")
}

// statusText is a defendant's status in words, with its reason.
func statusText(status, reason string) string {
	var s string
	switch status {
	case storage.StatusDetained:
		s = lang.L("Detained")
	case storage.StatusBail:
		s = lang.L("On bail")
	case storage.StatusAtLiberty:
		s = lang.L("At liberty")
	case storage.StatusInAbsentia:
		s = lang.L("In absentia")
	case "":
		s = lang.L("Unknown")
	default:
		s = status
	}
	if reason != "" {
		s += " (" + reason + ")"
	}
	return s
}

// addShortcuts registers the tab's shortcuts on the window. They look up
// the current screen when they fire, so a locked vault's screen is not
// kept alive by them.
func (r *rosterScreen) addShortcuts() {
	u := r.u
	for _, s := range []*desktop.CustomShortcut{newPersonShortcut, editPersonShortcut, importRosterShortcut} {
		u.win.Canvas().AddShortcut(s, func(s fyne.Shortcut) {
			if r := u.roster; r != nil && r.visible() {
				r.typedShortcut(s)
			}
		})
	}
}

// visible reports whether the tab is on screen with no dialog over it.
func (r *rosterScreen) visible() bool {
	u := r.u
	if u.hearing != nil || u.tabs == nil || u.win.Canvas().Overlays().Top() != nil {
		return false
	}
	t := u.tabs.Selected()
	return t != nil && t.Content == r.content
}

// typedShortcut runs the tab's action for s and reports whether s is one.
func (r *rosterScreen) typedShortcut(s fyne.Shortcut) bool {
	switch s.ShortcutName() {
	case newPersonShortcut.ShortcutName():
		r.newPerson()
	case editPersonShortcut.ShortcutName():
		r.editPerson()
	case importRosterShortcut.ShortcutName():
		r.chooseRosterFile()
	default:
		return false
	}
	return true
}

// filterEntry is the filter field: Down moves to the list, Enter shows
// the first match, Escape clears it, and the tab's shortcuts work in it.
type filterEntry struct {
	widget.Entry
	r *rosterScreen
}

func newFilterEntry(r *rosterScreen) *filterEntry {
	e := &filterEntry{r: r}
	e.ExtendBaseWidget(e)
	return e
}

func (e *filterEntry) TypedKey(k *fyne.KeyEvent) {
	r := e.r
	switch k.Name {
	case fyne.KeyDown:
		r.u.win.Canvas().Focus(r.list)
	case fyne.KeyReturn, fyne.KeyEnter:
		if len(r.shown) > 0 {
			r.showPerson(r.all[r.shown[0]].person.ID)
			r.u.win.Canvas().Focus(r.list)
		}
	case fyne.KeyEscape:
		e.SetText("")
	default:
		e.Entry.TypedKey(k)
	}
}

func (e *filterEntry) TypedShortcut(s fyne.Shortcut) {
	if !e.r.typedShortcut(s) {
		e.Entry.TypedShortcut(s)
	}
}
