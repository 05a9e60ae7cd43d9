package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// checklistFixture is a case with four defendants (one with a Khmer name)
// and one hearing, opened on the Checklist tab.
type checklistFixture struct {
	u       *appUI
	v       *storage.Vault
	h       *storage.Hearing
	persons []*storage.Person
}

func newChecklistFixture(t *testing.T) *checklistFixture {
	t.Helper()
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 002/2021", Title: "Incitement: fictional trial"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	f := &checklistFixture{u: u, v: v}
	for _, p := range []*storage.Person{
		{Name: "Sok Dara"}, {Name: "Chea Lina"}, {Name: "Prak Sovann", NameLocal: "ប្រាក់ សុវណ្ណ"}, {Name: "Vann Rithy"},
	} {
		if err := v.Put(p); err != nil {
			t.Fatal(err)
		}
		if err := v.Put(&storage.CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: storage.StatusDetained}); err != nil {
			t.Fatal(err)
		}
		f.persons = append(f.persons, p)
	}
	f.h = &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)}
	if err := v.Put(f.h); err != nil {
		t.Fatal(err)
	}
	u.dir = "/home/monitor/courtwatch-vault" // as shown; the vault is in a temporary folder
	u.opened(v)
	f.open()
	return f
}

// open opens the hearing on the Checklist tab.
func (f *checklistFixture) open() *checklistPanel {
	f.u.openHearing(f.h.ID)
	f.u.hearing.showTab(2)
	return f.u.hearing.checklist
}

func (f *checklistFixture) panel() *checklistPanel { return f.u.hearing.checklist }

// enterKey is Enter typed in the question list: save.
var enterKey = &fyne.KeyEvent{Name: fyne.KeyReturn}

// answer selects a question, presses key 1–5 in the list, types a comment
// and saves with Enter in the comment field.
func (f *checklistFixture) answer(id string, key rune, comment string) {
	p := f.panel()
	p.selectQuestion(id)
	p.list.TypedRune(key)
	if comment != "" {
		test.Type(p.form.comment, comment)
	}
	test.Tap(p.form.save)
}

// stored returns the answers in the vault, by question and person.
func (f *checklistFixture) stored(t *testing.T) map[answerKey]*storage.ChecklistAnswer {
	t.Helper()
	out := map[answerKey]*storage.ChecklistAnswer{}
	err := f.v.View(func(tx *storage.Tx) error {
		as, err := tx.ChecklistOfHearing(f.h.ID)
		for _, a := range as {
			k := answerKey{a.Question, a.PersonID}
			if out[k] != nil {
				t.Errorf("two answers for %v", k)
			}
			out[k] = a
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rowText is the answer shown in the list row of a question.
func rowText(p *checklistPanel, id string) string {
	text, _ := p.rowAnswer(p.cl.Question(id))
	return text
}

func TestChecklistHearingQuestion(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()

	f.answer("PUB-01", '1', "")
	got := f.stored(t)[answerKey{"PUB-01", uuid.Nil}]
	if got == nil || got.Answer != storage.AnswerYes || got.ChecklistVersion != "1" || got.Comment != "" {
		t.Fatalf("PUB-01 stored %+v, want yes under checklist version 1", got)
	}
	if p.selected.ID != "PUB-02" {
		t.Errorf("after saving PUB-01 the form shows %s, want the next question PUB-02", p.selected.ID)
	}

	// "No" without a comment is refused and stores nothing.
	p.list.TypedRune('2')
	p.list.TypedKey(enterKey)
	if a := f.stored(t)[answerKey{"PUB-02", uuid.Nil}]; a != nil {
		t.Fatalf("no without a comment was stored: %+v", a)
	}
	if !strings.Contains(p.form.message.Text, "needs a comment") || p.chosen() != storage.AnswerNo {
		t.Errorf("refusal shows %q with answer %q; want a message and the answer kept", p.form.message.Text, p.chosen())
	}
	test.Type(p.form.comment, "Family members were turned away at the gate")
	// Keys work on the answer buttons too: 3 chooses "unclear", 2 "no" again, Enter saves.
	test.Type(p.form.choices[0], "3")
	if p.chosen() != storage.AnswerUnclear {
		t.Errorf("key 3 on an answer button chose %q", p.chosen())
	}
	test.Type(p.form.choices[0], "2")
	p.form.choices[0].TypedKey(enterKey)
	got = f.stored(t)[answerKey{"PUB-02", uuid.Nil}]
	if got == nil || got.Answer != storage.AnswerNo || got.Comment != "Family members were turned away at the gate" {
		t.Fatalf("PUB-02 stored %+v, want no with the comment", got)
	}

	// Answering again makes a new version of the same record.
	first := f.stored(t)[answerKey{"PUB-01", uuid.Nil}]
	f.answer("PUB-01", '4', "")
	again := f.stored(t)[answerKey{"PUB-01", uuid.Nil}]
	if again.ID != first.ID || again.Version != 2 || again.Answer != storage.AnswerNotObserved {
		t.Errorf("re-answer stored %v v%d %q, want %v v2 not_observed", again.ID, again.Version, again.Answer, first.ID)
	}
	if hist, err := f.v.History(first.ID); err != nil || len(hist) != 2 {
		t.Errorf("history of PUB-01: %d versions (%v), want 2", len(hist), err)
	}
}

func TestChecklistConcernYesNeedsComment(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()
	for _, id := range []string{"PRES-02", "PRES-01"} { // hearing and per-defendant
		f.answer(id, '1', "")
		if n := len(f.stored(t)); n != 0 {
			t.Fatalf("%s yes without a comment stored %d answers", id, n)
		}
		if !strings.Contains(p.form.message.Text, "needs a comment") {
			t.Errorf("%s: message %q, want a refusal", id, p.form.message.Text)
		}
	}
	test.Type(p.form.comment, "All accused in a glass cage throughout")
	test.Tap(p.form.save)
	stored := f.stored(t)
	for _, d := range f.persons {
		if a := stored[answerKey{"PRES-01", d.ID}]; a == nil || a.Answer != storage.AnswerYes {
			t.Errorf("PRES-01 for %s: %+v, want yes", d.Name, a)
		}
	}
	if text, concern := p.rowAnswer(p.cl.Question("PRES-01")); text != "Yes for all" || !concern {
		t.Errorf("PRES-01 row %q concern %v, want \"Yes for all\" as a concern", text, concern)
	}
	if !strings.HasSuffix(p.progress.Text, "concerns: 4") {
		t.Errorf("progress %q, want 4 concerns", p.progress.Text)
	}
}

func TestChecklistAllDefendantsAndOverrides(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()
	want := func(step string, answers ...string) map[answerKey]*storage.ChecklistAnswer {
		t.Helper()
		stored := f.stored(t)
		for i, d := range f.persons {
			a := stored[answerKey{"PRE-01", d.ID}]
			if a == nil || a.Answer != answers[i] {
				t.Errorf("%s: PRE-01 for %s is %+v, want %s", step, d.Name, a, answers[i])
			}
		}
		return stored
	}
	yes, no, unclear, notObs := storage.AnswerYes, storage.AnswerNo, storage.AnswerUnclear, storage.AnswerNotObserved

	f.answer("PRE-01", '1', "")
	before := want("apply to all", yes, yes, yes, yes)
	if len(before) != 4 {
		t.Errorf("apply to all stored %d answers, want one per defendant", len(before))
	}

	// An override changes that defendant only.
	p.whoSel.SetSelectedIndex(2) // Chea Lina
	f.answer("PRE-01", '2', "Says she was told nothing at arrest")
	after := want("override", yes, no, yes, yes)
	for _, d := range []*storage.Person{f.persons[0], f.persons[2], f.persons[3]} {
		k := answerKey{"PRE-01", d.ID}
		if after[k].Version != before[k].Version {
			t.Errorf("override rewrote %s", d.Name)
		}
	}
	if got := rowText(p, "PRE-01"); got != "No (override)" {
		t.Errorf("row for Chea Lina %q", got)
	}
	p.whoSel.SetSelectedIndex(0)
	if got := rowText(p, "PRE-01"); got != "Yes for all, 1 override" {
		t.Errorf("row for all %q, want \"Yes for all, 1 override\"", got)
	}

	// Applying to all again keeps the override and says so.
	p.selectQuestion("PRE-01")
	if !strings.Contains(p.form.scope.Text, "Chea Lina (No)") || !p.form.replace.Visible() {
		t.Errorf("form for all: %q, replace shown %v; want the override listed", p.form.scope.Text, p.form.replace.Visible())
	}
	test.Type(p.form.comment, " Interpreter absent during the reading")
	f.answer("PRE-01", '3', "")
	want("re-apply to all", unclear, no, unclear, unclear)
	if got := rowText(p, "PRE-01"); got != "Unclear for all, 1 override" {
		t.Errorf("row for all %q", got)
	}

	// Ticking "Also replace the overrides" writes everyone.
	p.selectQuestion("PRE-01")
	p.form.replace.SetChecked(true)
	f.answer("PRE-01", '4', "")
	want("replace overrides", notObs, notObs, notObs, notObs)
	if got := rowText(p, "PRE-01"); got != "Not observed for all" {
		t.Errorf("row for all %q", got)
	}
}

func TestChecklistProgressAndReopen(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()
	// 15 hearing questions + 26 per-defendant questions × 4 defendants.
	if want := "Answered 0 / 119, concerns: 0"; p.progress.Text != want {
		t.Errorf("progress %q, want %q", p.progress.Text, want)
	}
	f.answer("PUB-01", '1', "")
	f.answer("PUB-02", '2', "Police kept relatives outside")
	f.answer("CNS-01", '1', "")
	p.whoSel.SetSelectedIndex(3)
	f.answer("CNS-01", '2', "Lawyer of his choice refused entry")
	if want := "Answered 6 / 119, concerns: 2"; p.progress.Text != want {
		t.Errorf("progress %q, want %q", p.progress.Text, want)
	}

	f.u.leaveHearing()
	p = f.open()
	if want := "Answered 6 / 119, concerns: 2"; p.progress.Text != want {
		t.Errorf("reopened progress %q, want %q", p.progress.Text, want)
	}
	for id, want := range map[string]string{"PUB-01": "Yes", "PUB-02": "No", "CNS-01": "Yes for all, 1 override", "PRE-01": ""} {
		if got := rowText(p, id); got != want {
			t.Errorf("reopened row %s: %q, want %q", id, got, want)
		}
	}
	p.selectQuestion("PUB-02")
	if p.chosen() != storage.AnswerNo || p.form.comment.Text != "Police kept relatives outside" {
		t.Errorf("reopened form: %q %q", p.chosen(), p.form.comment.Text)
	}
}

// Answers written elsewhere, without the remembered overrides, are split by
// the answer most defendants share.
func TestChecklistOverridesWithoutMemory(t *testing.T) {
	f := newChecklistFixture(t)
	answers := []string{storage.AnswerYes, storage.AnswerYes, storage.AnswerNo, storage.AnswerYes}
	for i, d := range f.persons {
		a := &storage.ChecklistAnswer{HearingID: f.h.ID, PersonID: d.ID, Question: "INT-01", ChecklistVersion: "1", Answer: answers[i], Comment: map[bool]string{true: "No interpreter"}[answers[i] == storage.AnswerNo]}
		if err := f.v.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	f.u.leaveHearing()
	p := f.open()
	if got := rowText(p, "INT-01"); got != "Yes for all, 1 override" {
		t.Fatalf("row %q", got)
	}
	f.answer("INT-01", '5', "")
	stored := f.stored(t)
	for i, d := range f.persons {
		want := storage.AnswerNotApplicable
		if i == 2 {
			want = storage.AnswerNo
		}
		if got := stored[answerKey{"INT-01", d.ID}].Answer; got != want {
			t.Errorf("%s: %s, want %s", d.Name, got, want)
		}
	}
}

func TestChecklistLayout(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()
	f.answer("PRE-01", '1', "")
	p.whoSel.SetSelectedIndex(3)
	f.answer("PRE-01", '2', "Arrested at night, no reason given")
	p.whoSel.SetSelectedIndex(0)
	f.answer("PUB-01", '1', "")
	p.selectQuestion("PRE-01")
	test.AssertRendersToMarkup(t, "checklist.xml", f.u.win.Canvas())
}

// BenchmarkChecklistApplyAll measures answering a per-defendant question
// for all of 150 defendants: 150 answers in one durable transaction, and
// the list and progress redrawn.
func BenchmarkChecklistApplyAll(b *testing.B) {
	u, v := newBenchUI(b)
	c := &storage.Case{Title: "Mass trial"}
	if err := v.Put(c); err != nil {
		b.Fatal(err)
	}
	for i := range 150 {
		p := &storage.Person{Name: fmt.Sprintf("Defendant %03d", i)}
		if err := v.Put(p); err != nil {
			b.Fatal(err)
		}
		if err := v.Put(&storage.CaseDefendant{CaseID: c.ID, PersonID: p.ID}); err != nil {
			b.Fatal(err)
		}
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Now()}
	if err := v.Put(h); err != nil {
		b.Fatal(err)
	}
	u.opened(v)
	u.openHearing(h.ID)
	u.hearing.showTab(2)
	p := u.hearing.checklist
	keys := []rune{'1', '4'} // yes, not observed: each save changes every answer

	n := 0
	for b.Loop() {
		p.selectQuestion("PRE-01")
		p.list.TypedRune(keys[n%2])
		p.save()
		n++
	}
	b.StopTimer()
	if got := rowText(p, "PRE-01"); !strings.HasSuffix(got, "for all") {
		b.Fatalf("after %d saves the row shows %q", n, got)
	}
}
