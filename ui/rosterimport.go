package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"courtwatch/storage"
	"courtwatch/storage/roster"
)

// maxRosterBytes bounds a roster file, which is read into memory only: a
// roster of roster.MaxRows defendants is far smaller.
const maxRosterBytes = 64 << 20

// The roster tab's dialogs: the person form (new and edit) and the import
// of a roster CSV.
//
// Import of a roster CSV: choose the file, then the case, then a preview of
// every row (or of every problem in the file). Nothing is stored until the
// user confirms the preview; rows that match several persons already in
// the vault are settled in one more dialog before anything is stored.

// chooseRosterFile asks for a .csv file and reads it into memory.
func (r *rosterScreen) chooseRosterFile() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			r.importError(lang.L("The roster file could not be opened"), err)
			return
		}
		if rc == nil {
			return // cancelled
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxRosterBytes+1))
		rc.Close()
		if err == nil && len(data) > maxRosterBytes {
			err = errors.New(lang.L("the file is larger than 64 MiB; split the roster into several files"))
		}
		if err != nil {
			r.importError(lang.L("The roster file could not be read"), err)
			return
		}
		r.chooseCase(data)
	}, r.u.win)
	d.SetFilter(fynestorage.NewExtensionFileFilter([]string{".csv"}))
	showFileDialog(d, r.u.win)
}

// chooseCase asks which case the roster belongs to, then previews it.
func (r *rosterScreen) chooseCase(data []byte) {
	var cases []*storage.Case
	if err := r.u.vault.View(func(tx *storage.Tx) (err error) {
		cases, err = tx.Cases()
		return err
	}); err != nil {
		r.u.fail(lang.L("The cases could not be read"), err)
		return
	}
	if len(cases) == 0 {
		dialog.ShowInformation(lang.L("No case yet"), lang.L("A roster lists the defendants of one case. Create the case on the Cases tab first, then import the roster."), r.u.win)
		return
	}
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = strings.TrimSpace(c.Number + "  " + c.Title)
	}
	sel := newKeySelect(uniqueOptions(names), nil)
	sel.PlaceHolder = lang.L("(choose a case)")
	if len(cases) == 1 {
		sel.SetSelectedIndex(0)
	}
	items := []*widget.FormItem{{Text: lang.L("Case"), Widget: sel, HintText: lang.L("The rows become defendants of this case")}}
	showFormDialog(r.u.win, lang.L("Import roster CSV"), lang.L("Preview"), items, func() error {
		i := sel.SelectedIndex()
		if i < 0 {
			return errors.New(lang.L("Choose the case the roster belongs to."))
		}
		r.previewImport(data, cases[i].ID)
		return nil
	}, nil)
}

// previewImport parses a roster and shows its rows, or every problem in it,
// for case caseID. It stores nothing; "Import N rows" does.
func (r *rosterScreen) previewImport(data []byte, caseID uuid.UUID) {
	c, err := storage.Load[storage.Case](r.u.vault, caseID)
	if err != nil {
		r.u.fail(lang.L("The case could not be read"), err)
		return
	}
	rows, err := roster.Parse(bytes.NewReader(data))
	if err != nil {
		r.showProblems(err)
		return
	}
	intro := wrapLabel(lang.L("{{.N}} defendants for {{.Case}}. Nothing is stored until you choose Import.",
		map[string]any{"N": len(rows), "Case": caseName(c)}))
	header := container.NewGridWithColumns(5)
	for _, h := range []string{lang.L("Name"), lang.L("Khmer name"), lang.L("Charges"), lang.L("Status"), lang.L("Counsel")} {
		header.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	list := newKeyList(
		func() int { return len(rows) },
		func() fyne.CanvasObject {
			g := container.NewGridWithColumns(5)
			for range 5 {
				l := widget.NewLabel("")
				l.Truncation = fyne.TextTruncateEllipsis
				g.Add(l)
			}
			return g
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := rows[i]
			for j, s := range []string{row.Name, row.NameLocal, rowCharges(row), statusText(row.Status, row.StatusReason), row.Counsel} {
				o.(*fyne.Container).Objects[j].(*widget.Label).SetText(s)
			}
		},
	)
	content := container.NewBorder(container.NewVBox(intro, header), nil, nil, nil, list)
	d := dialog.NewCustomConfirm(lang.L("Import roster: preview"), importLabel(len(rows)), lang.L("Cancel"), content, func(ok bool) {
		if ok {
			r.runImport(rows, c, nil)
		}
	}, r.u.win)
	d.Resize(fyne.NewSize(960, 540))
	d.Show()
}

func caseName(c *storage.Case) string { return strings.TrimSpace(c.Number + " " + c.Title) }

func importLabel(n int) string {
	if n == 1 {
		return lang.L("Import 1 row")
	}
	return lang.L("Import {{.N}} rows", map[string]any{"N": n})
}

func rowCharges(row roster.Row) string {
	parts := make([]string, len(row.Charges))
	for i, c := range row.Charges {
		parts[i] = strings.TrimSpace(c.Article + " " + c.Label)
	}
	return strings.Join(parts, "; ")
}

// showProblems lists every problem Parse found, by line; there is nothing
// to import.
func (r *rosterScreen) showProblems(err error) {
	problems := []string{err.Error()}
	var perr *roster.Error
	if errors.As(err, &perr) && len(perr.Problems) > 0 {
		problems = problems[:0]
		for _, p := range perr.Problems {
			problems = append(problems, p.Error())
		}
	}
	box := container.NewVBox()
	for _, p := range problems {
		box.Add(wrapLabel(p))
	}
	intro := wrapLabel(lang.L("The roster has problems, so nothing can be imported. Correct these lines in the file (the header is line 1) and import it again."))
	content := container.NewBorder(intro, nil, nil, nil, container.NewVScroll(box))
	d := dialog.NewCustom(lang.L("Roster not imported"), lang.L("Close"), content, r.u.win)
	d.Resize(fyne.NewSize(900, 500))
	d.Show()
}

// runImport stores the rows, all or nothing. Rows that match several
// persons are settled first; res holds the decisions made so far.
func (r *rosterScreen) runImport(rows []roster.Row, c *storage.Case, res roster.Resolution) {
	before := map[uuid.UUID]bool{}
	err := r.u.vault.View(func(tx *storage.Tx) error {
		ps, err := tx.Persons()
		for _, p := range ps {
			before[p.ID] = true
		}
		return err
	})
	if err != nil {
		r.u.fail(lang.L("The persons in the vault could not be read; nothing was imported"), err)
		return
	}
	rep, err := roster.ImportResolved(r.u.vault, c.ID, rows, res)
	switch {
	case errors.Is(err, roster.ErrAmbiguous) && rep != nil:
		r.settleAmbiguous(rows, c, res, rep.Ambiguous)
	case err != nil:
		r.importError(lang.L("The roster was not imported; nothing was stored"), err)
	default:
		r.u.vaultChanged() // the case page lists the new defendants
		r.showReport(rows, c, rep, before)
	}
}

// settleAmbiguous asks, for each row that matches several persons, which
// of them it is, or whether it is a new person; then imports again.
func (r *rosterScreen) settleAmbiguous(rows []roster.Row, c *storage.Case, res roster.Resolution, amb []roster.Ambiguity) {
	var items []*widget.FormItem
	var choices []func() (uuid.UUID, bool)
	err := r.u.vault.View(func(tx *storage.Tx) error {
		for _, a := range amb {
			var options []string
			for _, id := range a.Candidates {
				p := &storage.Person{}
				if err := tx.Get(id, p); err != nil {
					return err
				}
				options = append(options, strings.TrimSpace(p.DisplayName()+"  "+p.Affiliation))
			}
			options = append(options, lang.L("A new person"))
			sel := newKeySelect(uniqueOptions(options), nil)
			sel.PlaceHolder = lang.L("(choose)")
			what := wrapLabel(lang.L("“{{.Name}}” matches {{.N}} persons already in the vault; which is it?", map[string]any{"Name": a.Name, "N": len(a.Candidates)}))
			items = append(items, widget.NewFormItem(lang.L("Line {{.Line}}", map[string]any{"Line": a.Line}), container.NewVBox(what, sel)))
			choices = append(choices, func() (uuid.UUID, bool) {
				i := sel.SelectedIndex()
				if i < 0 || i > len(a.Candidates) {
					return uuid.Nil, false
				}
				if i == len(a.Candidates) {
					return uuid.Nil, true
				}
				return a.Candidates[i], true
			})
		}
		return nil
	})
	if err != nil {
		r.u.fail(lang.L("The matching persons could not be read"), err)
		return
	}
	showFormDialog(r.u.win, lang.L("Which person is it?"), importLabel(len(rows)), items, func() error {
		next := roster.Resolution{}
		for line, id := range res {
			next[line] = id
		}
		for i, choose := range choices {
			id, ok := choose()
			if !ok {
				return errors.New(lang.L("Choose a person, or a new person, for every line."))
			}
			next[amb[i].Line] = id
		}
		r.runImport(rows, c, next)
		return nil
	}, nil)
}

// showReport says what the import did, naming the rows that were linked
// to persons already in the vault so that the user can check them.
func (r *rosterScreen) showReport(rows []roster.Row, c *storage.Case, rep *roster.Report, before map[uuid.UUID]bool) {
	msg := lang.L("{{.Rows}} rows imported into {{.Case}}.\nPersons: {{.Created}} new, {{.Linked}} linked to persons already in the vault.\nDefendants: {{.Added}} added, {{.Updated}} updated, {{.Unchanged}} unchanged.",
		map[string]any{"Rows": len(rows), "Case": caseName(c), "Created": rep.Created, "Linked": rep.Linked,
			"Added": rep.Added, "Updated": rep.Updated, "Unchanged": rep.Unchanged})
	box := container.NewVBox(wrapLabel(msg))
	if rep.Linked > 0 {
		box.Add(widget.NewLabelWithStyle(lang.L("Linked"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for i, id := range rep.Persons {
			if i >= len(rows) || !before[id] {
				continue
			}
			box.Add(wrapLabel(lang.L("Line {{.Line}}: {{.Row}} → {{.Person}}", map[string]any{
				"Line": rows[i].Line, "Row": rowName(rows[i]), "Person": r.personName(id)})))
		}
	}
	d := dialog.NewCustom(lang.L("Roster imported"), lang.L("OK"), container.NewVScroll(box), r.u.win)
	d.Resize(fyne.NewSize(700, 420))
	d.Show()
}

func rowName(row roster.Row) string {
	return strings.TrimSpace(strings.Join([]string{row.Name, row.NameLocal}, " "))
}

// personName is the display name of a listed person.
func (r *rosterScreen) personName(id uuid.UUID) string {
	for _, e := range r.all {
		if e.person.ID == id {
			return e.person.DisplayName()
		}
	}
	return id.String()
}

func (r *rosterScreen) importError(what string, err error) {
	dialog.ShowError(fmt.Errorf("%s: %w. %s", what, err, lang.L("Check the file and try again.")), r.u.win)
}

// personEditor is the form that creates or edits a person.
type personEditor struct {
	name, local, aliases, affiliation *keyEntry
}

func (r *rosterScreen) newPerson() { r.openEditor(&storage.Person{}) }

func (r *rosterScreen) editPerson() {
	if r.selected == uuid.Nil {
		return
	}
	p, err := storage.Load[storage.Person](r.u.vault, r.selected)
	if err != nil {
		r.u.fail(lang.L("The person could not be read"), err)
		return
	}
	r.openEditor(p)
}

// openEditor shows the person form for p (a zero ID makes a new person).
// A failed save keeps the form open with what was typed.
func (r *rosterScreen) openEditor(p *storage.Person) {
	ed := &personEditor{name: newKeyEntry(), local: newKeyEntry(), aliases: newKeyMultiLineEntry(), affiliation: newKeyEntry()}
	ed.name.SetText(p.Name)
	ed.local.SetText(p.NameLocal)
	ed.aliases.SetText(strings.Join(p.Aliases, "\n"))
	ed.aliases.SetMinRowsVisible(3)
	ed.affiliation.SetText(p.Affiliation)
	needName := func(string) error {
		if strings.TrimSpace(ed.name.Text) == "" && strings.TrimSpace(ed.local.Text) == "" {
			return errors.New(lang.L("Give the name in Latin script, in Khmer script, or both"))
		}
		return nil
	}
	ed.name.Validator, ed.local.Validator = needName, needName
	// Either name satisfies both fields.
	ed.name.OnChanged = func(string) { ed.local.Validate() }
	ed.local.OnChanged = func(string) { ed.name.Validate() }
	ed.name.SetPlaceHolder("Kem Sokha")
	ed.local.SetPlaceHolder("កឹម សុខា")

	title, submit := lang.L("New person"), lang.L("Create")
	if p.ID != uuid.Nil {
		title, submit = lang.L("Edit person"), lang.L("Save")
	}
	items := []*widget.FormItem{
		{Text: lang.L("Name (Latin script)"), Widget: ed.name},
		{Text: lang.L("Name (Khmer script)"), Widget: ed.local},
		{Text: lang.L("Aliases"), Widget: ed.aliases, HintText: lang.L("One per line")},
		{Text: lang.L("Affiliation"), Widget: ed.affiliation},
	}
	r.editor = ed
	showFormDialog(r.u.win, title, submit, items, func() error {
		q := *p // a failed save must leave p as it was
		q.Name, q.NameLocal = cleanName(ed.name.Text), cleanName(ed.local.Text)
		q.Aliases = splitLines(ed.aliases.Text)
		q.Affiliation = strings.TrimSpace(ed.affiliation.Text)
		if err := r.u.vault.Put(&q); err != nil {
			return fmt.Errorf("%s: %w", lang.L("The person was not saved; fix the form and save again"), err)
		}
		r.editor = nil
		r.u.vaultChanged() // the roster and the case pages show the name
		r.showPerson(q.ID)
		return nil
	}, func() { r.editor = nil })
	r.u.win.Canvas().Focus(ed.name)
}

// splitLines returns the non-empty lines of s, trimmed and without repeats.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = cleanName(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// showFormDialog shows a form with an error line. submit, which runs once
// every field is valid, returns an error to keep the dialog open with the
// error shown, or nil to close it; cancel (may be nil) runs when the user
// closes it instead. The buttons are the dialog's, not the form's, so that
// Escape and Enter find them (dialogKey).
func showFormDialog(win fyne.Window, title, submitText string, items []*widget.FormItem, submit func() error, cancel func()) {
	errLabel := widget.NewLabel("")
	errLabel.Wrapping = fyne.TextWrapWord
	errLabel.Importance = widget.DangerImportance
	errLabel.Hide()
	form := widget.NewForm(items...)
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(form, errLabel), win)
	cancelBtn := newKeyButton(lang.L("Cancel"), theme.CancelIcon(), func() {
		d.Hide()
		if cancel != nil {
			cancel()
		}
	})
	submitBtn := newKeyButton(submitText, theme.ConfirmIcon(), func() {
		err := form.Validate()
		if err == nil {
			err = submit()
		}
		if err != nil {
			errLabel.SetText(err.Error())
			errLabel.Show()
			return
		}
		d.Hide()
	})
	submitBtn.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{cancelBtn, submitBtn})
	d.Resize(fyne.NewSize(640, d.MinSize().Height))
	d.Show()
}

// uniqueOptions numbers repeated options ("Chea Dara (2)"), because a
// Select tells its options apart by their text.
func uniqueOptions(opts []string) []string {
	seen := map[string]int{}
	for i, o := range opts {
		if seen[o]++; seen[o] > 1 {
			opts[i] = fmt.Sprintf("%s (%d)", o, seen[o])
		}
	}
	return opts
}

// cleanName trims s and puts it in Unicode NFC, as roster import does.
func cleanName(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }
