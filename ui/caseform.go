package ui

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// formDialog is a modal form with a line saying what to fix and Save and
// Cancel buttons. Save, Enter in a one-line field or Shift+Enter in a
// multi-line one calls onSave. While onSave returns an error the dialog
// stays open with everything typed and shows the error; nothing is stored
// until the input is valid.
type formDialog struct {
	errors *widget.Label
	save   *widget.Button
	cancel *widget.Button
	dlg    *dialog.CustomDialog
	onSave func() error
}

func newFormDialog(title string, body fyne.CanvasObject, win fyne.Window, onSave func() error) *formDialog {
	f := &formDialog{onSave: onSave}
	f.errors = widget.NewLabel("")
	f.errors.Importance = widget.DangerImportance
	f.errors.Wrapping = fyne.TextWrapWord
	f.errors.Hide()
	f.save = widget.NewButtonWithIcon(lang.L("Save (Enter)"), theme.ConfirmIcon(), f.submit)
	f.save.Importance = widget.HighImportance
	f.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.save)
	content := container.NewBorder(nil, container.NewVBox(f.errors, buttons), nil, nil, container.NewVScroll(body))
	f.dlg = dialog.NewCustomWithoutButtons(title, content, win)
	f.dlg.Resize(fyne.NewSize(660, 540))
	return f
}

// submitOn makes Enter (Shift+Enter in multi-line fields) save the form.
func (f *formDialog) submitOn(entries ...*keyEntry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { f.submit() }
	}
}

// submit saves, or shows what to fix and keeps the dialog open.
func (f *formDialog) submit() {
	if err := f.onSave(); err != nil {
		f.errors.SetText(err.Error())
		f.errors.Show()
		return
	}
	f.errors.Hide()
	f.dlg.Hide()
}

// show opens the dialog with the focus in first.
func (f *formDialog) show(win fyne.Window, first fyne.Focusable) {
	f.dlg.Show()
	win.Canvas().Focus(first)
}

// formErrors are the problems found in a form, each saying what to fix.
type formErrors []string

func (e formErrors) Error() string { return strings.Join(e, "\n") }

// saveError says that a valid form could not be stored and what to do.
func saveError(err error) error {
	return fmt.Errorf("%s: %v. %s", lang.L("Nothing was saved"), err,
		lang.L("What you typed is kept: try Save again; if it keeps failing, lock and unlock the vault."))
}

// lines splits text into its non-blank lines, trimmed.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// parseCharges reads one charge per line as "ARTICLE label", e.g.
// "453 Plotting"; a leading "Art." is allowed. It returns the charges and,
// for each bad line, what to fix.
func parseCharges(text string) ([]storage.Charge, formErrors) {
	var out []storage.Charge
	var problems formErrors
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if low := strings.ToLower(l); strings.HasPrefix(low, "art.") {
			l = strings.TrimSpace(l[len("art."):])
		} else if strings.HasPrefix(low, "article ") {
			l = strings.TrimSpace(l[len("article "):])
		}
		if l == "" {
			continue
		}
		article, label, _ := strings.Cut(l, " ")
		if r := []rune(article)[0]; !unicode.IsDigit(r) {
			problems = append(problems, lang.L("Charges, line {{.N}}: start with the article number, then the label, e.g. “453 Plotting”.", map[string]any{"N": i + 1}))
			continue
		}
		out = append(out, storage.Charge{Article: article, Label: strings.TrimSpace(label)})
	}
	return out, problems
}

// chargeLines is charges as the charges field shows them, one per line.
func chargeLines(cs []storage.Charge) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "\n")
}

// listEntry is a multi-line entry for one item per line.
func listEntry(items []string) *keyEntry {
	e := newKeyMultiLineEntry()
	e.SetMinRowsVisible(2)
	e.SetText(strings.Join(items, "\n"))
	return e
}

// hinted is a form item with a hint under the field.
func hinted(label string, w fyne.CanvasObject, hint string) *widget.FormItem {
	item := widget.NewFormItem(label, w)
	item.HintText = hint
	return item
}

// caseForm creates or edits a case.
type caseForm struct {
	*formDialog
	court, number, title         *keyEntry
	judges, prosecutors, charges *keyEntry
	zone                         *keySelectEntry // the court's IANA time zone
}

// courtZones are offered in the case form's time zone field; any IANA
// name may be typed.
var courtZones = []string{"Asia/Phnom_Penh", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Vientiane", "Asia/Yangon",
	"Asia/Kuala_Lumpur", "Asia/Jakarta", "Asia/Manila", "Asia/Hong_Kong", "UTC"}

// openCaseForm opens the form for a new case (c nil) or for editing c.
func (s *casesScreen) openCaseForm(c *storage.Case) {
	if c == nil {
		c = &storage.Case{}
	}
	f := &caseForm{court: newKeyEntry(), number: newKeyEntry(), title: newKeyEntry(),
		judges: listEntry(c.Judges), prosecutors: listEntry(c.Prosecutors), charges: listEntry(nil)}
	f.court.SetText(c.Court)
	f.number.SetText(c.Number)
	f.title.SetText(c.Title)
	f.charges.SetText(chargeLines(c.Charges))
	f.zone = newKeySelectEntry(courtZones)
	f.zone.SetText(c.TimeZone)
	f.zone.SetPlaceHolder("Asia/Phnom_Penh")
	f.number.SetPlaceHolder("001/2026")
	perLine := lang.L("One per line; Shift+Enter saves")
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Court"), f.court),
		widget.NewFormItem(lang.L("Number"), f.number),
		widget.NewFormItem(lang.L("Title"), f.title),
		hinted(lang.L("Time zone"), f.zone, lang.L("The court's, not this laptop's: times are read and shown in it")),
		hinted(lang.L("Judges"), f.judges, perLine),
		hinted(lang.L("Prosecutors"), f.prosecutors, perLine),
		hinted(lang.L("Charges"), f.charges, lang.L("One per line: article, then label, e.g. 453 Plotting")),
	)
	title := lang.L("New case")
	if c.ID != uuid.Nil {
		title = lang.L("Edit case")
	}
	f.formDialog = newFormDialog(title, form, s.u.win, func() error { return s.saveCase(c, f) })
	f.submitOn(f.court, f.number, f.title, f.judges, f.prosecutors, f.charges)
	s.caseForm = f
	f.show(s.u.win, f.court)
}

// saveCase checks the form and stores the case as a new version of old.
func (s *casesScreen) saveCase(old *storage.Case, f *caseForm) error {
	charges, problems := parseCharges(f.charges.Text)
	if strings.TrimSpace(f.title.Text) == "" && strings.TrimSpace(f.number.Text) == "" {
		problems = append(formErrors{lang.L("Title and number: give at least one of them.")}, problems...)
	}
	zone := strings.TrimSpace(f.zone.Text)
	if _, err := (&storage.Case{TimeZone: zone}).Location(); err != nil {
		problems = append(problems, lang.L("Time zone: give an IANA name such as Asia/Phnom_Penh."))
	} else if zone == "" && (old.ID == uuid.Nil || old.TimeZone != "") {
		problems = append(problems, lang.L("Time zone: give the court's, e.g. Asia/Phnom_Penh."))
	}
	if len(problems) > 0 {
		return problems
	}
	c := *old // keeps the id of a case being edited
	c.Court, c.Number, c.Title = strings.TrimSpace(f.court.Text), strings.TrimSpace(f.number.Text), strings.TrimSpace(f.title.Text)
	c.TimeZone = zone
	c.Judges, c.Prosecutors, c.Charges = lines(f.judges.Text), lines(f.prosecutors.Text), charges
	if err := s.vault.Put(&c); err != nil {
		return saveError(err)
	}
	s.reload(c.ID)
	return nil
}

// defendantForm adds a person to the case as a defendant, picking an
// existing person or creating a new one, or edits a defendant's charges,
// counsel and status.
type defendantForm struct {
	*formDialog
	row *defendantRow // nil when adding

	mode            *keySelect // existing or new person, when adding
	filter          *keyEntry
	people, shown   []*storage.Person
	picked          *storage.Person
	pickedLabel     *widget.Label
	pick            *keyList
	name, nameLocal *keyEntry

	charges, counsel, reason *keyEntry
	status                   *keySelect
}

// openDefendantForm opens the form to add a defendant (row nil) or to edit row.
func (s *casesScreen) openDefendantForm(row *defendantRow) {
	if s.cur == nil {
		return
	}
	f := &defendantForm{row: row, counsel: newKeyEntry(), reason: newKeyEntry()}
	d := &storage.CaseDefendant{Charges: s.cur.Charges}
	if row != nil {
		d = row.d
	}
	f.charges = listEntry(nil)
	f.charges.SetText(chargeLines(d.Charges))
	f.counsel.SetText(d.Counsel)
	f.reason.SetText(d.StatusReason)
	var labels []string
	for _, st := range storage.Statuses {
		labels = append(labels, statusLabel(st))
	}
	f.status = newKeySelect(labels, nil)
	f.status.PlaceHolder = lang.L("Choose a status")
	if i := slices.Index(storage.Statuses, d.Status); i >= 0 {
		f.status.SetSelectedIndex(i)
	}
	form := widget.NewForm(
		hinted(lang.L("Charges"), f.charges, lang.L("One per line: article, then label, e.g. 453 Plotting")),
		widget.NewFormItem(lang.L("Counsel"), f.counsel),
		widget.NewFormItem(lang.L("Status"), f.status),
		hinted(lang.L("Reason"), f.reason, lang.L("Required for in absentia, e.g. abroad, refused entry")),
	)
	var body fyne.CanvasObject
	first := fyne.Focusable(f.charges)
	title := lang.L("Edit defendant")
	if row == nil {
		title = lang.L("Add defendant")
		person, err := s.personPicker(f)
		if err != nil {
			s.u.fail(lang.L("The list of persons could not be read"), err)
			return
		}
		body, first = container.NewVBox(person, widget.NewSeparator(), form), f.filter
	} else {
		name := widget.NewLabelWithStyle(row.person.DisplayName(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		body = container.NewVBox(name, form)
	}
	f.formDialog = newFormDialog(title, body, s.u.win, func() error { return s.saveDefendant(f) })
	f.submitOn(f.charges, f.counsel, f.reason)
	if f.name != nil {
		f.submitOn(f.name, f.nameLocal)
	}
	s.defForm = f
	f.show(s.u.win, first)
}

// personPicker is the top of the add form: a choice between an existing
// person, found with a type-to-filter list, and a new person with Latin
// and Khmer names. Persons already in the case are left out.
func (s *casesScreen) personPicker(f *defendantForm) (fyne.CanvasObject, error) {
	in := map[uuid.UUID]bool{}
	for _, r := range s.defs {
		in[r.d.PersonID] = true
	}
	err := s.vault.View(func(tx *storage.Tx) error {
		all, err := tx.Persons()
		for _, p := range all {
			if !in[p.ID] {
				f.people = append(f.people, p)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(f.people, func(a, b *storage.Person) int {
		return strings.Compare(strings.ToLower(a.DisplayName()), strings.ToLower(b.DisplayName()))
	})
	f.shown = f.people
	f.pickedLabel = widget.NewLabel(lang.L("No one chosen yet"))
	f.pick = newKeyList(
		func() int { return len(f.shown) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(f.shown[i].DisplayName()) },
	)
	f.pick.OnSelected = func(i widget.ListItemID) { f.choose(f.shown[i]) }
	f.filter = newKeyEntry()
	f.filter.SetPlaceHolder(lang.L("Type a Latin or Khmer name to filter; Enter picks the first"))
	f.filter.OnChanged = f.applyFilter
	f.filter.OnSubmitted = func(string) {
		if len(f.shown) > 0 {
			f.pick.Select(0)
		}
	}
	existing := container.NewVBox(f.filter, minHeight(f.pick, 150), f.pickedLabel)

	f.name, f.nameLocal = newKeyEntry(), newKeyEntry()
	f.nameLocal.SetPlaceHolder("ឈ្មោះ")
	fresh := widget.NewForm(widget.NewFormItem(lang.L("Name (Latin)"), f.name),
		widget.NewFormItem(lang.L("Name (Khmer)"), f.nameLocal))
	// A stack lays out the hidden choice too, so it shows at its full size.
	freshBox := container.NewVBox(fresh)
	freshBox.Hide()
	choice := container.NewStack(existing, freshBox)

	existingLabel, newLabel := lang.L("Existing person"), lang.L("New person")
	// A select, not a radio group: Fyne's radio buttons keep Escape
	// from the dialog when they have the focus.
	f.mode = newKeySelect([]string{existingLabel, newLabel}, nil)
	f.mode.SetSelected(existingLabel)
	f.mode.OnChanged = func(v string) {
		if v == newLabel {
			existing.Hide()
			freshBox.Show()
			s.u.win.Canvas().Focus(f.name)
			return
		}
		freshBox.Hide()
		existing.Show()
		s.u.win.Canvas().Focus(f.filter)
	}
	return container.NewVBox(f.mode, choice), nil
}

// applyFilter shows the persons whose names or aliases contain text.
func (f *defendantForm) applyFilter(text string) {
	q := foldName(text) // as the Defendants tab filters
	f.shown = f.people
	if q != "" {
		f.shown = nil
		for _, p := range f.people {
			if strings.Contains(filterKey(p), q) {
				f.shown = append(f.shown, p)
			}
		}
	}
	f.pick.UnselectAll()
	f.pick.Refresh()
	f.pick.ScrollToTop()
}

// choose makes p the person to add.
func (f *defendantForm) choose(p *storage.Person) {
	f.picked = p
	f.pickedLabel.SetText(lang.L("Chosen: {{.Name}}", map[string]any{"Name": p.DisplayName()}))
}

// newPerson reports whether the form adds a person not yet in the vault.
func (f *defendantForm) newPerson() bool {
	return f.mode != nil && f.mode.Selected == lang.L("New person")
}

// saveDefendant checks the form and stores the defendant and, when adding
// a new person, the person, in one transaction.
func (s *casesScreen) saveDefendant(f *defendantForm) error {
	charges, problems := parseCharges(f.charges.Text)
	var status string
	if i := f.status.SelectedIndex(); i >= 0 {
		status = storage.Statuses[i]
	}
	reason := strings.TrimSpace(f.reason.Text)
	if status == storage.StatusInAbsentia && reason == "" {
		problems = append(problems, lang.L("Reason: say why the defendant is tried in absentia, e.g. abroad, refused entry."))
	}
	var p *storage.Person
	switch {
	case f.row != nil:
	case f.newPerson():
		p = &storage.Person{Name: strings.TrimSpace(f.name.Text), NameLocal: strings.TrimSpace(f.nameLocal.Text)}
		if p.Name == "" && p.NameLocal == "" {
			problems = append(formErrors{lang.L("Name: give the Latin or the Khmer name, or both.")}, problems...)
		}
	case f.picked == nil:
		problems = append(formErrors{lang.L("Person: choose someone from the list, or choose “New person”.")}, problems...)
	}
	if len(problems) > 0 {
		return problems
	}
	d := storage.CaseDefendant{CaseID: s.cur.ID}
	if f.row != nil {
		d = *f.row.d // keeps the id, case and person
	}
	d.Charges, d.Counsel, d.Status, d.StatusReason = charges, strings.TrimSpace(f.counsel.Text), status, reason
	err := s.vault.Update(func(tx *storage.Tx) error {
		switch {
		case p != nil:
			if err := tx.Put(p); err != nil {
				return err
			}
			d.PersonID = p.ID
		case f.row == nil:
			d.PersonID = f.picked.ID
		}
		return tx.Put(&d)
	})
	if err != nil {
		return saveError(err)
	}
	s.reload(s.cur.ID)
	return nil
}
