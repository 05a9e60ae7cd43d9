package ui

import (
	"encoding/json"
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

// answerValues are the stored answers in the order of the form and of the
// keys 1–5.
var answerValues = []string{storage.AnswerYes, storage.AnswerNo, storage.AnswerUnclear,
	storage.AnswerNotObserved, storage.AnswerNotApplicable}

// answerDraft is what the form held for one question (and defendant)
// before it was saved; kept in memory only, while the hearing is open.
type answerDraft struct{ answer, comment string }

// checklistForm is the answer area beside the question list.
type checklistForm struct {
	title, text, scope, message *widget.Label
	choices                     []*answerButton // one per answerValues, the chosen one highlighted
	answer                      string          // the chosen answer, or ""
	comment                     *noteEntry
	replace                     *keyCheck
	save                        *widget.Button
	question                    *container.Scroll // title, text and scope
	box                         *fyne.Container
	empty                       *widget.Label
}

func (p *checklistPanel) buildForm() fyne.CanvasObject {
	f := &p.form
	f.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.title.Wrapping = fyne.TextWrapWord
	f.text = widget.NewLabel("")
	f.text.Wrapping = fyne.TextWrapWord
	f.scope = widget.NewLabel("") // not italic: see newCheckRowView
	f.scope.Importance = widget.LowImportance
	f.scope.Wrapping = fyne.TextWrapWord
	choice := container.NewGridWithColumns(3)
	for i, a := range answerValues {
		b := newAnswerButton(fmt.Sprintf("%s  (%d)", answerLabel(a), i+1), func() { p.s.activity(); p.choose(a) }, p)
		f.choices = append(f.choices, b)
		choice.Add(b)
	}
	f.comment = newNoteEntry(func(string) { p.save() })
	// Word wrapping in Fyne 2.7.1 moves a space typed at the wrap point to
	// the end of the text; breaking anywhere keeps the text as typed.
	f.comment.Wrapping = fyne.TextWrapBreak
	f.comment.onKey = func() { p.s.activity() }
	f.comment.OnChanged = func(string) { p.formChanged() }
	f.comment.setHint(lang.L("Comment: what was seen or heard. Required for No, Unclear and concerns. Enter saves, Shift+Enter starts a new line"))
	f.replace = newKeyCheck(lang.L("Also replace the overrides"), func(bool) { p.s.activity() })
	f.comment.SetMinRowsVisible(2)
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.save = widget.NewButtonWithIcon(lang.L("Save")+"  (Enter)", theme.DocumentSaveIcon(), p.save)

	// The answer controls stay in view; a long question scrolls above them.
	f.question = container.NewVScroll(container.NewVBox(f.title, f.text, f.scope))
	saveRow := container.NewBorder(nil, nil, nil, container.NewVBox(f.save), container.NewVBox(f.replace, f.message))
	f.box = container.NewBorder(nil, container.NewVBox(choice, f.comment, saveRow), nil, nil, f.question)
	f.box.Hide()
	f.empty = widget.NewLabel(lang.L("Choose a question on the left (arrow keys, then Space). Keys 1–5 then choose an answer and Enter saves it."))
	f.empty.Wrapping = fyne.TextWrapWord
	return container.NewStack(f.empty, f.box)
}

// show fills the form with question q: a draft typed earlier, else the
// stored answer for the hearing, all defendants, or the chosen defendant.
func (p *checklistPanel) show(q *report.Question) {
	f := &p.form
	p.selected = q
	p.loading = true
	defer func() { p.loading = false }()
	f.title.SetText(fmt.Sprintf("%s · %s · %s", q.ID, q.Section.Title, q.Standard))
	f.text.SetText(q.Text)
	f.scope.SetText(p.scopeText(q))
	d, ok := p.drafts[p.formKey()]
	if a := p.stored(); !ok && a != nil {
		d = answerDraft{a.Answer, a.Comment}
	}
	p.choose(d.answer)
	f.comment.SetText(d.comment)
	_, overrides := p.split(q.ID)
	f.replace.SetChecked(false)
	if q.Scope == report.ScopeDefendant && p.who == 0 && len(overrides) > 0 {
		f.replace.Show()
	} else {
		f.replace.Hide()
	}
	if q.Scope == report.ScopeDefendant && len(p.defendants) == 0 {
		f.save.Disable()
	} else {
		f.save.Enable()
	}
	p.setMessage("", false)
	f.empty.Hide()
	f.box.Show()
	f.box.Refresh() // the labels above may wrap to more lines than before
	f.question.ScrollToTop()
}

// formKey names what the form answers: the question, and the chosen
// defendant for a per-defendant question (uuid.Nil for all).
func (p *checklistPanel) formKey() answerKey {
	q := p.selected
	if q.Scope == report.ScopeDefendant && p.who > 0 {
		return answerKey{q.ID, p.defendants[p.who-1].id}
	}
	return answerKey{q.ID, uuid.Nil}
}

// stored is the saved answer the form starts from, or nil.
func (p *checklistPanel) stored() *storage.ChecklistAnswer {
	if p.selected.Scope == report.ScopeDefendant && p.who == 0 {
		all, _ := p.split(p.selected.ID)
		return all
	}
	return p.answers[p.formKey()]
}

// scopeText says whom the answer is for and, for all defendants, which
// overrides are kept.
func (p *checklistPanel) scopeText(q *report.Question) string {
	switch {
	case q.Scope == report.ScopeHearing:
		return lang.L("For the whole hearing.")
	case len(p.defendants) == 0:
		return lang.L("This hearing has no defendants; add them to the case first.")
	case p.who > 0:
		return lang.L("For {{.Name}} only: an override of the answer for all defendants.",
			map[string]any{"Name": p.defendants[p.who-1].label})
	}
	text := lang.L("For all {{.N}} defendants.", map[string]any{"N": len(p.defendants)})
	_, overrides := p.split(q.ID)
	if len(overrides) == 0 {
		return text
	}
	const shown = 5
	var names []string
	for _, d := range p.defendants {
		if slices.Contains(overrides, d.id) && len(names) < shown {
			names = append(names, fmt.Sprintf("%s (%s)", d.label, answerLabel(p.answers[answerKey{q.ID, d.id}].Answer)))
		}
	}
	list := strings.Join(names, ", ")
	if len(overrides) > shown {
		list += " " + lang.L("and {{.N}} more", map[string]any{"N": len(overrides) - shown})
	}
	return text + " " + lang.L("Overrides, kept unless replaced: {{.List}}.", map[string]any{"List": list})
}

// split returns, for a per-defendant question, the answer given to all
// defendants (nil if none) and the defendants answered one by one; see
// checklistPanel.
func (p *checklistPanel) split(question string) (*storage.ChecklistAnswer, []uuid.UUID) {
	explicit := p.overrides[question]
	type group struct {
		a *storage.ChecklistAnswer
		n int
	}
	var groups []*group
	for _, d := range p.defendants {
		a := p.answers[answerKey{question, d.id}]
		if a == nil || slices.Contains(explicit, d.id) {
			continue
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return sameAnswer(g.a, a.Answer, a.Comment) })
		if i < 0 {
			groups = append(groups, &group{a: a})
			i = len(groups) - 1
		}
		groups[i].n++
	}
	var all *storage.ChecklistAnswer
	most := 0
	for _, g := range groups {
		if g.n > most { // strictly more: ties go to the defendant listed first
			all, most = g.a, g.n
		}
	}
	var overrides []uuid.UUID
	for _, d := range p.defendants {
		a := p.answers[answerKey{question, d.id}]
		if a != nil && (slices.Contains(explicit, d.id) || all == nil || !sameAnswer(all, a.Answer, a.Comment)) {
			overrides = append(overrides, d.id)
		}
	}
	return all, overrides
}

func sameAnswer(a *storage.ChecklistAnswer, answer, comment string) bool {
	return a.Answer == answer && strings.TrimSpace(a.Comment) == strings.TrimSpace(comment)
}

// formChanged keeps what the form holds as a draft of the selected key.
func (p *checklistPanel) formChanged() {
	if p.loading || p.selected == nil {
		return
	}
	p.s.activity()
	p.drafts[p.formKey()] = answerDraft{p.chosen(), p.form.comment.Text}
}

// chosen is the answer chosen in the form, or "".
func (p *checklistPanel) chosen() string { return p.form.answer }

// choose highlights answer ("" for none) as the form's choice.
func (p *checklistPanel) choose(answer string) {
	f := &p.form
	f.answer = answer
	for i, b := range f.choices {
		imp := widget.MediumImportance
		if answerValues[i] == answer {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
	p.formChanged()
}

// answerRune chooses answer n for keys 1–5 typed in the list.
func (p *checklistPanel) answerRune(r rune) {
	p.s.activity()
	n := int(r - '1')
	if n < 0 || n >= len(answerValues) {
		return
	}
	if p.selected == nil {
		p.setMessage(lang.L("Select a question first: arrow keys, then Space."), true)
		return
	}
	p.choose(answerValues[n])
}

// needsComment reports whether an answer must say what was observed: "no",
// "unclear", and the question's concern answer.
func needsComment(q *report.Question, answer string) bool {
	return answer == storage.AnswerNo || q.IsConcern(answer)
}

// save stores the form's answer and moves to the next question. A refused
// or failed save keeps the form as it is and changes nothing stored.
func (p *checklistPanel) save() {
	p.s.activity()
	q := p.selected
	if q == nil {
		p.setMessage(lang.L("Select a question first: arrow keys, then Space."), true)
		return
	}
	answer, comment := p.chosen(), strings.TrimSpace(p.form.comment.Text)
	switch {
	case answer == "":
		p.setMessage(lang.L("Choose an answer first: keys 1–5 in the list, or the buttons. Nothing was saved."), true)
		return
	case comment == "" && needsComment(q, answer):
		p.setMessage(lang.L("“{{.Answer}}” to {{.ID}} needs a comment saying what was observed. Nothing was saved.",
			map[string]any{"Answer": answerLabel(answer), "ID": q.ID}), true)
		p.s.win.Canvas().Focus(p.form.comment)
		return
	case q.Scope == report.ScopeDefendant && len(p.defendants) == 0:
		p.setMessage(lang.L("This hearing has no defendants; add them to the case first."), true)
		return
	}
	targets, overrides := p.targets(q, answer, comment)
	written, err := p.write(q, targets, overrides, answer, comment)
	if err != nil {
		p.s.showError(lang.L("The answer was not saved; it is still in the form"), err)
		return
	}
	for _, a := range written {
		p.answers[answerKey{a.Question, a.PersonID}] = a
	}
	if q.Scope == report.ScopeDefendant {
		p.overrides[q.ID] = overrides
	}
	delete(p.drafts, p.formKey())
	p.refresh()
	p.selectNext()
	// Back to the list, so that keys 1–5 answer the next question even
	// when Enter was pressed in the comment.
	p.focus()
	p.setMessage(lang.L("Saved {{.ID}}: {{.Answer}}.", map[string]any{"ID": q.ID, "Answer": answerLabel(answer)}), false)
}

// targets returns whom a save writes (uuid.Nil for the hearing) and the
// overrides of the question afterwards; see checklistPanel.
func (p *checklistPanel) targets(q *report.Question, answer, comment string) ([]uuid.UUID, []uuid.UUID) {
	if q.Scope == report.ScopeHearing {
		return []uuid.UUID{uuid.Nil}, nil
	}
	all, overrides := p.split(q.ID)
	if p.who > 0 {
		id := p.defendants[p.who-1].id
		rest := slices.DeleteFunc(slices.Clone(overrides), func(x uuid.UUID) bool { return x == id })
		if all == nil || !sameAnswer(all, answer, comment) {
			rest = append(rest, id)
		}
		return []uuid.UUID{id}, rest
	}
	if p.form.replace.Visible() && p.form.replace.Checked {
		return p.persons(q), nil
	}
	var ts []uuid.UUID
	for _, d := range p.defendants {
		if !slices.Contains(overrides, d.id) {
			ts = append(ts, d.id)
		}
	}
	return ts, overrides
}

// write stores the answer for each target in one transaction, skipping
// those that already hold it, together with the question's overrides.
func (p *checklistPanel) write(q *report.Question, targets, overrides []uuid.UUID, answer, comment string) ([]*storage.ChecklistAnswer, error) {
	var written []*storage.ChecklistAnswer
	err := p.s.vault.Update(func(tx *storage.Tx) error {
		written = written[:0]
		for _, person := range targets {
			a := storage.ChecklistAnswer{HearingID: p.s.hearing.ID, PersonID: person, Question: q.ID}
			if old := p.answers[answerKey{q.ID, person}]; old != nil {
				if old.Answer == answer && old.Comment == comment && old.ChecklistVersion == checklistVersion {
					continue
				}
				a = *old // a new version of the same record
			}
			a.ChecklistVersion, a.Answer, a.Comment = checklistVersion, answer, comment
			if err := tx.Put(&a); err != nil {
				return err
			}
			written = append(written, &a)
		}
		if q.Scope == report.ScopeHearing {
			return nil
		}
		all := make(map[string][]uuid.UUID, len(p.overrides)+1)
		for k, v := range p.overrides {
			all[k] = v
		}
		all[q.ID] = overrides
		raw, err := json.Marshal(all)
		if err != nil {
			return err
		}
		return tx.SetAux(overridesKey(p.s.hearing.ID), raw)
	})
	return written, err
}

// setMessage shows a refusal (bad) or a confirmation under the form.
func (p *checklistPanel) setMessage(text string, bad bool) {
	p.form.message.Importance = widget.SuccessImportance
	if bad {
		p.form.message.Importance = widget.DangerImportance
	}
	p.form.message.SetText(text)
	if text == "" {
		p.form.message.Hide()
	} else {
		p.form.message.Show()
	}
	// Twice: the first layout gives the wrapping message its width, the
	// second the height it then needs.
	p.form.box.Refresh()
	p.form.box.Refresh()
}

// answerButton is one of the answer choices. Like the list, it takes keys
// 1–5 to choose and Enter to save, so the keyboard works wherever the
// focus is in the answer area.
type answerButton struct {
	widget.Button
	p *checklistPanel
}

func newAnswerButton(label string, tapped func(), p *checklistPanel) *answerButton {
	b := &answerButton{p: p}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *answerButton) TypedRune(r rune) { b.p.answerRune(r) }

func (b *answerButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		b.p.save()
		return
	}
	b.Button.TypedKey(k)
}

// checkList is the question list. Keys 1–5 choose an answer for the
// selected question and Enter saves it; the list's own keys (arrows,
// Space to select) work as usual.
type checkList struct {
	widget.List
	width   float32
	onWidth func(float32)
	onRune  func(rune)
	onEnter func()
}

func newCheckList(n int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *checkList {
	l := &checkList{}
	l.Length = func() int { return n }
	l.CreateItem = create
	l.UpdateItem = update
	l.ExtendBaseWidget(l)
	return l
}

// Resize refits the row heights when the width changes, since the
// question text wraps.
func (l *checkList) Resize(s fyne.Size) {
	if s.Width != l.width {
		l.width = s.Width
		l.onWidth(s.Width)
	}
	l.List.Resize(s)
}

func (l *checkList) TypedRune(r rune) { l.onRune(r) }

func (l *checkList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		l.onEnter()
		return
	}
	l.List.TypedKey(k)
}
