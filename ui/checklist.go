package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/report"
	"courtwatch/storage"
)

// checklistVersion is the fair-trial checklist the tab shows; answers are
// stored under it.
const checklistVersion = "1"

// checklistPanel is the Checklist tab of the hearing screen: the questions
// of the fair-trial checklist by section, with the current answers, a
// progress line, and an answer form (checklistform.go) for the selected
// question.
//
// Comments. A comment is required for "no" and "unclear" (storage refuses
// them without one) and also for the question's concern answer, e.g. "yes"
// to PRES-01 ("was the accused caged"): every answer that a report lists
// as a concern, or that says "no", must say what was observed. The form
// refuses such an answer without a comment and stores nothing.
//
// Per-defendant (scope D) questions are stored as one answer per defendant
// of the hearing; there is no stored "all" record. With "All defendants"
// selected, Save writes every defendant that is not an override: those not
// yet answered and those holding the answer given to all. Overrides are
// the defendants answered one by one with a different answer; they are
// kept, listed in the form, and replaced only when "Also replace the
// overrides" is ticked. Which defendants are overrides is remembered per
// hearing and question in a sealed auxiliary value of the vault (person
// ids only, never answers or comments, so that a purge of answers leaves
// nothing behind). For answers without that memory, e.g. from another
// device, the answer given to all is the one most defendants share (ties
// go to the defendant listed first) and the others are overrides.
// Answering one defendant with exactly the answer given to all makes it an
// ordinary member of "all" again.
type checklistPanel struct {
	s  *hearingScreen
	cl *report.Checklist

	rows       []checkRow
	defendants []defendant
	answers    map[answerKey]*storage.ChecklistAnswer
	overrides  map[string][]uuid.UUID // by D question: defendants answered one by one
	drafts     map[answerKey]answerDraft

	who      int // 0 for all defendants, i for defendants[i-1]
	selected *report.Question
	loading  bool // the form is being filled in from the vault, not typed

	progress *widget.Label
	whoSel   *widget.Select
	list     *checkList
	probe    *checkRowView // measures row heights

	form    checklistForm
	content fyne.CanvasObject
}

// answerKey names one answer: a question and, for a per-defendant
// question, the person (uuid.Nil for the hearing, or in drafts for all).
type answerKey struct {
	question string
	person   uuid.UUID
}

// checkRow is one row of the list: a section header (q nil) or a question.
type checkRow struct {
	section *report.Section
	q       *report.Question
}

// defendant is one accused of the hearing as the selector shows them.
type defendant struct {
	id    uuid.UUID
	label string
}

func newChecklistPanel(s *hearingScreen) (*checklistPanel, error) {
	cl, err := loadChecklist()
	if err != nil {
		return nil, err
	}
	p := &checklistPanel{s: s, cl: cl, answers: map[answerKey]*storage.ChecklistAnswer{},
		overrides: map[string][]uuid.UUID{}, drafts: map[answerKey]answerDraft{}}
	for _, sec := range cl.Sections {
		p.rows = append(p.rows, checkRow{section: sec})
		for _, q := range sec.Questions {
			p.rows = append(p.rows, checkRow{section: sec, q: q})
		}
	}
	if err := p.load(); err != nil {
		return nil, err
	}
	p.build()
	return p, nil
}

func (p *checklistPanel) panel() fyne.CanvasObject { return p.content }

// loadChecklist returns the checklist the tab shows, its texts in the app's
// language where a translation is shipped (report.Checklist.Translated). A
// broken translation is logged and the English texts are shown: the ids,
// and so the answers, are the same.
func loadChecklist() (*report.Checklist, error) {
	cl, err := report.LoadChecklist(checklistVersion)
	if err != nil {
		return nil, err
	}
	tr, err := cl.Translated(currentLanguage())
	if err != nil {
		fyne.LogError("translating the fair-trial checklist", err)
		return cl, nil
	}
	return tr, nil
}

// focus gives the question list the keyboard focus, for when the tab is
// shown with Ctrl+Shift+K.
func (p *checklistPanel) focus() { p.s.win.Canvas().Focus(p.list) }

// overridesKey names the sealed auxiliary value that lists, per question,
// the defendants of a hearing answered one by one.
func overridesKey(hearingID uuid.UUID) string { return "ui/checklist-overrides/" + hearingID.String() }

// load reads the hearing's defendants, its answers and its overrides.
func (p *checklistPanel) load() error {
	h := p.s.hearing
	return p.s.vault.View(func(tx *storage.Tx) error {
		ids := h.Defendants
		if len(ids) == 0 {
			cds, err := tx.DefendantsOfCase(h.CaseID)
			if err != nil {
				return err
			}
			for _, d := range cds {
				ids = append(ids, d.PersonID)
			}
		}
		if err := p.loadDefendants(tx, ids); err != nil {
			return err
		}
		answers, err := tx.ChecklistOfHearing(h.ID)
		if err != nil {
			return err
		}
		for _, a := range answers {
			// Two devices may each have answered the same question: the later wins.
			k := answerKey{a.Question, a.PersonID}
			if old := p.answers[k]; old == nil || old.HLC < a.HLC {
				p.answers[k] = a
			}
		}
		raw, err := tx.Aux(overridesKey(h.ID))
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		return json.Unmarshal(raw, &p.overrides)
	})
}

// loadDefendants names each person once, numbering repeated names so that
// the selector can tell them apart.
func (p *checklistPanel) loadDefendants(tx *storage.Tx, ids []uuid.UUID) error {
	seen := map[uuid.UUID]bool{}
	names := map[string]int{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var person storage.Person
		label := lang.L("Unknown person")
		switch err := tx.Get(id, &person); {
		case err == nil:
			label = person.DisplayName()
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		names[label]++
		if n := names[label]; n > 1 {
			label = fmt.Sprintf("%s (%d)", label, n)
		}
		p.defendants = append(p.defendants, defendant{id: id, label: label})
	}
	return nil
}

func (p *checklistPanel) build() {
	p.progress = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	options := []string{lang.L("All defendants")}
	for _, d := range p.defendants {
		options = append(options, d.label)
	}
	p.whoSel = widget.NewSelect(options, func(string) { p.chooseDefendant(p.whoSel.SelectedIndex()) })
	p.whoSel.SetSelectedIndex(0)
	top := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Per-defendant questions for:")), p.progress, p.whoSel)

	p.probe = newCheckRowView()
	p.list = newCheckList(len(p.rows), newCheckRowViewObject, func(i widget.ListItemID, o fyne.CanvasObject) {
		p.fillRow(i, o.(*checkRowView))
	})
	p.list.onWidth = p.fitRows
	p.list.onRune = p.answerRune
	p.list.onEnter = p.save
	p.list.OnSelected = p.rowSelected

	split := container.NewHSplit(p.list, p.buildForm())
	split.Offset = 0.55
	p.content = container.NewBorder(top, nil, nil, nil, split)
	p.refresh()
}

// chooseDefendant shows the per-defendant answers of all defendants (0) or
// of one (i for defendants[i-1]).
func (p *checklistPanel) chooseDefendant(i int) {
	p.s.activity()
	if i < 0 || i == p.who {
		return
	}
	p.who = i
	p.list.Refresh()
	if q := p.selected; q != nil && q.Scope == report.ScopeDefendant {
		p.show(q)
	}
}

// rowSelected shows the answer form for the question of row i; a section
// header selects its first question.
func (p *checklistPanel) rowSelected(i widget.ListItemID) {
	p.s.activity()
	if p.rows[i].q == nil {
		if i+1 < len(p.rows) {
			p.list.Select(i + 1)
		}
		return
	}
	p.show(p.rows[i].q)
}

// selectQuestion selects the row of the question with this id.
func (p *checklistPanel) selectQuestion(id string) {
	for i, r := range p.rows {
		if r.q != nil && r.q.ID == id {
			p.list.Select(i)
			p.scrollTo(i)
			return
		}
	}
}

// selectNext moves the selection to the question after the selected one.
func (p *checklistPanel) selectNext() {
	found := false
	for i, r := range p.rows {
		if r.q == nil {
			continue
		}
		if found {
			p.list.Select(i)
			p.scrollTo(i)
			return
		}
		found = r.q == p.selected
	}
}

// scrollTo shows row i and, for the first question of a section, the
// section's header above it.
func (p *checklistPanel) scrollTo(i int) {
	if i > 0 && p.rows[i-1].q == nil {
		p.list.ScrollTo(i - 1)
	}
	p.list.ScrollTo(i)
}

// refresh redraws the list and the progress line after answers changed.
func (p *checklistPanel) refresh() {
	p.progress.SetText(p.progressText())
	p.list.Refresh()
}

// progressText counts answers: one per hearing question and one per
// defendant for each per-defendant question.
func (p *checklistPanel) progressText() string {
	done, total, concerns := 0, 0, 0
	for _, r := range p.rows {
		if r.q == nil {
			continue
		}
		for _, person := range p.persons(r.q) {
			total++
			if a := p.answers[answerKey{r.q.ID, person}]; a != nil {
				done++
				if r.q.IsConcern(a.Answer) {
					concerns++
				}
			}
		}
	}
	return lang.L("Answered {{.Done}} / {{.Total}}, concerns: {{.Concerns}}",
		map[string]any{"Done": done, "Total": total, "Concerns": concerns})
}

// persons lists who a question is answered for: uuid.Nil for the hearing,
// or every defendant.
func (p *checklistPanel) persons(q *report.Question) []uuid.UUID {
	if q.Scope == report.ScopeHearing {
		return []uuid.UUID{uuid.Nil}
	}
	ids := make([]uuid.UUID, len(p.defendants))
	for i, d := range p.defendants {
		ids[i] = d.id
	}
	return ids
}

// fillRow shows row i in v.
func (p *checklistPanel) fillRow(i int, v *checkRowView) {
	r := p.rows[i]
	if r.q == nil {
		v.header.SetText(r.section.Title)
		v.header.Show()
		v.item.Hide()
		return
	}
	v.header.Hide()
	v.item.Show()
	v.id.SetText(r.q.ID)
	v.std.SetText(r.q.Standard)
	v.text.SetText(r.q.Text)
	text, concern := p.rowAnswer(r.q)
	v.answer.Importance = widget.MediumImportance
	switch {
	case text == "":
		v.icon.SetResource(nil)
	case concern:
		v.answer.Importance = widget.DangerImportance
		v.icon.SetResource(theme.NewErrorThemedResource(theme.WarningIcon()))
	default:
		v.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	}
	if text == "" {
		text = lang.L("Not answered")
	}
	v.answer.SetText(text)
	v.content.Refresh() // lay out again: the id and answer widths changed
}

// rowAnswer is the answer a row shows, "" when there is none, and whether
// it is or includes a concern.
func (p *checklistPanel) rowAnswer(q *report.Question) (string, bool) {
	if q.Scope == report.ScopeHearing {
		if a := p.answers[answerKey{q.ID, uuid.Nil}]; a != nil {
			return answerLabel(a.Answer), q.IsConcern(a.Answer)
		}
		return "", false
	}
	if len(p.defendants) == 0 {
		return "", false
	}
	all, overrides := p.split(q.ID)
	if p.who > 0 {
		d := p.defendants[p.who-1]
		a := p.answers[answerKey{q.ID, d.id}]
		if a == nil {
			return "", false
		}
		if slices.Contains(overrides, d.id) {
			return lang.L("{{.Answer}} (override)", map[string]any{"Answer": answerLabel(a.Answer)}), q.IsConcern(a.Answer)
		}
		return answerLabel(a.Answer), q.IsConcern(a.Answer)
	}
	concern, holding := false, 0
	for _, d := range p.defendants {
		a := p.answers[answerKey{q.ID, d.id}]
		if a == nil {
			continue
		}
		concern = concern || q.IsConcern(a.Answer)
		if all != nil && !slices.Contains(overrides, d.id) {
			holding++
		}
	}
	var text string
	switch {
	case all == nil && len(overrides) == 0:
		return "", false
	case all == nil:
		return overridesText(len(overrides)), concern
	case holding == len(p.defendants)-len(overrides):
		text = lang.L("{{.Answer}} for all", map[string]any{"Answer": answerLabel(all.Answer)})
	default:
		text = lang.L("{{.Answer}} for {{.N}} of {{.Total}}", map[string]any{
			"Answer": answerLabel(all.Answer), "N": holding, "Total": len(p.defendants)})
	}
	if len(overrides) > 0 {
		text += ", " + overridesText(len(overrides))
	}
	return text, concern
}

func overridesText(n int) string {
	if n == 1 {
		return lang.L("1 override")
	}
	return lang.L("{{.N}} overrides", map[string]any{"N": n})
}

// answerLabel is how an answer is shown.
func answerLabel(answer string) string {
	switch answer {
	case storage.AnswerYes:
		return lang.L("Yes")
	case storage.AnswerNo:
		return lang.L("No")
	case storage.AnswerUnclear:
		return lang.L("Unclear")
	case storage.AnswerNotObserved:
		return lang.L("Not observed")
	case storage.AnswerNotApplicable:
		return lang.L("Not applicable")
	}
	return strings.ReplaceAll(answer, "_", " ")
}

// fitRows sets each row's height to what its wrapped question text needs
// at this list width.
func (p *checklistPanel) fitRows(width float32) {
	if width <= 0 {
		return
	}
	for i := range p.rows {
		p.fillRow(i, p.probe)
		p.probe.Resize(fyne.NewSize(width, p.probe.MinSize().Height))
		p.list.SetItemHeight(i, p.probe.MinSize().Height)
	}
}

// checkRowView is one row of the list: a section header, or a question
// with its id, standard, answer and wrapping text.
type checkRowView struct {
	widget.BaseWidget
	header, id, std, answer, text *widget.Label
	icon                          *widget.Icon
	item, content                 *fyne.Container
}

func newCheckRowViewObject() fyne.CanvasObject { return newCheckRowView() }

func newCheckRowView() *checkRowView {
	v := &checkRowView{
		header: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		// Bold and plain only: each text style costs memory for its fonts
		// (tools/measure), and Khmer has no italic anyway.
		id:     widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		std:    widget.NewLabel(""),
		answer: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		text:   widget.NewLabel(""),
		icon:   widget.NewIcon(nil),
	}
	v.header.SizeName = theme.SizeNameSubHeadingText
	v.std.Truncation = fyne.TextTruncateEllipsis
	v.std.Importance = widget.LowImportance
	v.text.Wrapping = fyne.TextWrapWord
	line := container.NewBorder(nil, nil, v.id, container.NewHBox(v.answer, v.icon), v.std)
	v.item = container.NewBorder(line, nil, nil, nil, v.text)
	v.content = container.NewStack(v.header, v.item)
	v.ExtendBaseWidget(v)
	return v
}

func (v *checkRowView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.content)
}
