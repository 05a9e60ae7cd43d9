package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"courtwatch/storage"
)

// TestChecklistKeysAfterComment: after an answer saved with Enter in its
// comment, the next keys answer the next question instead of being typed
// into the comment (issue 10, flaw 4).
func TestChecklistKeysAfterComment(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()
	c := f.u.win.Canvas()
	p.selectQuestion("PUB-01")
	p.list.TypedRune('2') // no: needs a comment
	c.Focus(p.form.comment)
	test.Type(p.form.comment, "Public kept outside")
	p.form.comment.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	next := p.selected
	if next == nil || next.ID == "PUB-01" {
		t.Fatalf("selection after saving: %+v", next)
	}
	// The keys go wherever the focus is, as the window sends them.
	focused := c.Focused()
	if focused == nil {
		t.Fatal("nothing has the focus")
	}
	focused.TypedRune('1')
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := f.stored(t)
	if a := got[answerKey{next.ID, [16]byte{}}]; a == nil || a.Answer != storage.AnswerYes {
		t.Errorf("answer to %s after the comment: %+v (comment field holds %q)", next.ID, a, p.form.comment.Text)
	}
}

// TestChecklistHintWraps: the comment's placeholder breaks between words,
// never inside one (issue 10, flaw 10).
func TestChecklistHintWraps(t *testing.T) {
	f := newChecklistFixture(t)
	p := f.panel()
	p.selectQuestion("PUB-01")
	e := p.form.comment
	width := e.Size().Width - 2*theme.InnerPadding()
	if width <= 0 {
		t.Fatal("the comment field is not laid out")
	}
	lines := strings.Split(e.PlaceHolder, "\n")
	if strings.Join(lines, " ") != e.hint {
		t.Errorf("placeholder %q does not keep the words of %q", e.PlaceHolder, e.hint)
	}
	for _, l := range lines {
		if w := fyne.MeasureText(l, theme.TextSize(), fyne.TextStyle{}).Width; w > width {
			t.Errorf("placeholder line %q is %.0f wide, the field %.0f", l, w, width)
		}
	}
}
