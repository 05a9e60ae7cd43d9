package ui

import (
	"testing"

	"courtwatch/storage"
)

// BenchmarkAttendance150 measures the attendance tab of a hearing with 150
// defendants on a real vault: a bulk action that stores all 150 records in
// one transaction and refreshes the list (alternating all present and all
// absent, so every run changes every record), a per-row toggle of counsel
// present, and one keystroke of the name filter.
func BenchmarkAttendance150(b *testing.B) {
	u, v := newBenchUI(b)
	h, _ := buildAttendanceCase(b, v, 150)
	u.opened(v)
	u.openHearing(h.ID)
	u.hearing.showTab(1)
	p := u.hearing.attendance

	b.Run("bulk", func(b *testing.B) {
		presence := []string{storage.PresencePresent, storage.PresenceAbsent}
		n := 0
		for b.Loop() {
			// What "Change them" in the confirm dialog runs.
			pl := p.plan(markAll(presence[n%2]))
			if len(pl.rows) != 150 {
				b.Fatalf("%d rows to change, want 150", len(pl.rows))
			}
			p.apply(pl)
			n++
		}
	})
	b.Run("toggle", func(b *testing.B) {
		p.list.ScrollTo(0)
		view := p.bound[0]
		n := 0
		for b.Loop() {
			view.counsel.SetSelected(counselLabel(counselStates[n%2]))
			n++
		}
		if p.rows[0].unsaved() || counselLabel(p.rows[0].rec.CounselState()) != view.counsel.Selected {
			b.Fatal("toggle not stored")
		}
	})
	b.Run("filter", func(b *testing.B) {
		for b.Loop() {
			p.filter.SetText("chea")
			p.filter.SetText("")
		}
		if len(p.shown) != 150 {
			b.Fatalf("%d rows shown", len(p.shown))
		}
	})
}
