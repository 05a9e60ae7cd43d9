package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"courtwatch/demo"
)

// BenchmarkRosterFilter measures one keystroke in the filter of the
// Defendants tab over the 150 demo persons: the key reaches the entry, the
// list is filtered and refreshed on a 1024×600 window. Each op is one
// keystroke; the name is typed char by char and then cleared (the clearing
// is not timed). "baseline" is a keystroke in an entry that filters nothing,
// then the list is set to the rows the filter would show for "Sam Rainsy"
// at that keystroke and refreshed: filter/Sam_Rainsy over baseline is the
// cost of folding and matching. "match_only" is that folding and matching
// alone, without the entry or the list.
func BenchmarkRosterFilter(b *testing.B) {
	u, v := newBenchUI(b)
	if _, err := demo.Build(v, 1); err != nil {
		b.Fatal(err)
	}
	u.opened(v)
	u.tabs.SelectIndex(1)
	r := u.roster
	if r.list.Length() != demo.Persons {
		b.Fatalf("%d persons listed", r.list.Length())
	}

	typeName := func(b *testing.B, e *widget.Entry, name string, after func()) {
		keys := []rune(name)
		for i := 0; i < b.N; i++ {
			k := i % len(keys)
			if k == 0 && i > 0 {
				b.StopTimer()
				e.SetText("")
				b.StartTimer()
			}
			test.Type(e, string(keys[k]))
			after()
		}
	}
	for _, name := range []string{"Sam Rainsy", "សម រង្ស៊ី"} {
		b.Run("filter/"+name, func(b *testing.B) {
			r.filter.SetText("")
			typeName(b, &r.filter.Entry, name, func() {})
			b.StopTimer()
			if r.filter.Text == "" || r.list.Length() == demo.Persons && len([]rune(r.filter.Text)) > 3 {
				b.Fatalf("filter %q shows %d persons", r.filter.Text, r.list.Length())
			}
		})
	}
	// The list states the filter goes through, to replay without filtering.
	name := []rune("Sam Rainsy")
	states := make([][]int, len(name))
	for k := range name {
		r.filter.SetText(string(name[:k+1]))
		states[k] = append([]int(nil), r.shown...)
	}
	r.filter.SetText("")
	b.Run("match_only", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r.match(string(name[:i%len(name)+1]))
		}
	})
	r.filter.SetText("")
	plain := widget.NewEntry()
	b.Run("baseline", func(b *testing.B) {
		k := 0
		typeName(b, plain, string(name), func() {
			r.shown = append(r.shown[:0], states[k%len(states)]...)
			r.list.Refresh()
			k++
		})
	})
}
