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

// attendancePanel is the attendance tab of the hearing screen: one row per
// defendant with presence, a reason and whether counsel is present, bulk
// actions for mass trials, and counts of what is recorded.
//
// Every change is stored at once. A row shows its stored record unless it
// holds a choice that is not saved yet (an in-absentia defendant proposed
// from the case status, or "in absentia" still waiting for its reason),
// which it marks as not saved. The rows live in a widget.List, so only the
// visible ones have widgets, however many accused a mass trial has.
type attendancePanel struct {
	s     *hearingScreen
	rows  []*attendanceRow                         // every defendant, in the hearing's or the case's order
	shown []int                                    // indexes into rows of those that pass the filter
	bound map[widget.ListItemID]*attendanceRowView // the widget showing each visible row

	filter  *widget.Entry
	list    *widget.List
	counts  *widget.Label
	msg     *widget.Label
	content fyne.CanvasObject
}

// attendanceValues are what a row records: presence, reason and counsel
// (storage.CounselWasPresent, CounselWasAbsent or CounselNotRecorded).
type attendanceValues struct {
	presence, reason, counsel string
}

// attendanceRow is one defendant: the person, their status in the case,
// the stored record (nil until one is saved) and the values shown.
type attendanceRow struct {
	person               *storage.Person
	status, statusReason string
	key                  string // lower-cased names, for the filter
	rec                  *storage.Attendance
	shown                attendanceValues
}

// stored is what the vault holds for the row; zero when nothing is recorded.
func (r *attendanceRow) stored() attendanceValues {
	if r.rec == nil {
		return attendanceValues{}
	}
	return attendanceValues{r.rec.Presence, r.rec.Reason, r.rec.CounselState()}
}

// unsaved reports whether the row shows something the vault does not hold.
func (r *attendanceRow) unsaved() bool { return r.shown != r.stored() }

// reset shows the stored values again, keeping a typed reason.
func (r *attendanceRow) reset() {
	reason := r.shown.reason
	r.shown = r.stored()
	r.shown.reason = reason
}

// missingReason reports whether v is in absentia without a reason, which
// is not stored.
func (v attendanceValues) missingReason() bool {
	return v.presence == storage.PresenceInAbsentia && strings.TrimSpace(v.reason) == ""
}

func newAttendancePanel(s *hearingScreen) (*attendancePanel, error) {
	p := &attendancePanel{s: s, bound: map[widget.ListItemID]*attendanceRowView{}}
	if err := p.load(); err != nil {
		return nil, err
	}
	p.build()
	p.applyFilter("")
	return p, nil
}

func (p *attendancePanel) panel() fyne.CanvasObject { return p.content }

// load reads the defendants of the hearing (or, if it lists none, of the
// case) and their attendance records. A person with a record but no
// longer listed gets a row too, so that nothing stored is hidden.
func (p *attendancePanel) load() error {
	h := p.s.hearing
	return p.s.vault.View(func(tx *storage.Tx) error {
		defs, err := tx.DefendantsOfCase(p.s.cas.ID)
		if err != nil {
			return err
		}
		recs, err := tx.AttendanceOfHearing(h.ID)
		if err != nil {
			return err
		}
		ofPerson := map[uuid.UUID]*storage.CaseDefendant{}
		ids := append([]uuid.UUID(nil), h.Defendants...)
		for _, d := range defs {
			ofPerson[d.PersonID] = d
			if len(h.Defendants) == 0 {
				ids = append(ids, d.PersonID)
			}
		}
		latest := map[uuid.UUID]*storage.Attendance{}
		for _, a := range recs {
			if old, ok := latest[a.PersonID]; !ok || a.HLC > old.HLC {
				latest[a.PersonID] = a
			}
			ids = append(ids, a.PersonID)
		}
		seen := map[uuid.UUID]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			person := &storage.Person{}
			if err := tx.Get(id, person); errors.Is(err, storage.ErrNotFound) {
				continue // deleted on another device
			} else if err != nil {
				return err
			}
			p.rows = append(p.rows, newAttendanceRow(person, ofPerson[id], latest[id]))
		}
		return nil
	})
}

// newAttendanceRow makes the row of person, whose case record is d (nil if
// the hearing lists someone who is not a defendant of the case) and whose
// stored attendance is a (nil if none). An in-absentia defendant without a
// record is proposed as in absentia with the case's reason, not stored.
func newAttendanceRow(person *storage.Person, d *storage.CaseDefendant, a *storage.Attendance) *attendanceRow {
	r := &attendanceRow{person: person, rec: a}
	if d != nil {
		r.status, r.statusReason = d.Status, d.StatusReason
	}
	r.key = filterKey(person) // folded as the Defendants tab folds them
	r.shown = r.stored()
	if a == nil && r.status == storage.StatusInAbsentia {
		r.shown = attendanceValues{presence: storage.PresenceInAbsentia, reason: r.statusReason}
	}
	return r
}

func (p *attendancePanel) build() {
	p.filter = widget.NewEntry()
	p.filter.SetPlaceHolder(lang.L("Filter by name, in Latin or Khmer script"))
	p.filter.OnChanged = func(q string) {
		p.s.activity()
		p.applyFilter(q)
	}
	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject { return p.newRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*attendanceRowView).bind(id, p.rows[p.shown[id]]) },
	)
	// Keyboard: Tab into the list, arrows to a row, Space to edit it.
	p.list.OnSelected = func(id widget.ListItemID) {
		p.s.activity()
		p.list.Unselect(id)
		if v := p.bound[id]; v != nil {
			p.s.win.Canvas().Focus(v.presence)
		}
	}
	p.counts = widget.NewLabel("")
	// Clipped, not ellipsized: measuring for an ellipsis reshapes the text
	// on every change, which is slow with Khmer.
	p.counts.Truncation = fyne.TextTruncateClip
	p.msg = widget.NewLabel("")
	p.msg.Importance = widget.WarningImportance
	p.msg.Truncation = fyne.TextTruncateClip
	p.msg.Hide()

	bulk := container.NewGridWithColumns(4,
		widget.NewButton(lang.L("Mark all present"), func() { p.bulk(markAll(storage.PresencePresent)) }),
		widget.NewButton(lang.L("Mark all absent"), func() { p.bulk(markAll(storage.PresenceAbsent)) }),
		widget.NewButton(lang.L("Counsel present for all"), func() { p.bulk(counselAll(storage.CounselWasPresent)) }),
		widget.NewButton(lang.L("Counsel absent for all"), func() { p.bulk(counselAll(storage.CounselWasAbsent)) }),
	)
	absentia := widget.NewButton(lang.L("Mark in-absentia defendants"), func() { p.bulk(confirmAbsentia) })
	top := container.NewVBox(container.NewBorder(nil, nil, nil, absentia, p.filter), bulk, p.counts, p.msg)
	p.content = container.NewBorder(top, nil, nil, nil, p.list)
}

// applyFilter shows the rows whose Latin or local names or aliases contain q.
func (p *attendancePanel) applyFilter(q string) {
	q = foldName(q)
	p.shown = p.shown[:0]
	for i, r := range p.rows {
		if q == "" || strings.Contains(r.key, q) {
			p.shown = append(p.shown, i)
		}
	}
	p.refresh()
}

// refresh redraws the visible rows and the counts.
func (p *attendancePanel) refresh() {
	p.list.Refresh()
	p.refreshCounts()
}

// refreshRow redraws row r, if it is visible, and the counts: cheaper than
// refreshing the list, which rebuilds every visible row.
func (p *attendancePanel) refreshRow(r *attendanceRow) {
	for id, v := range p.bound {
		if v.row == r {
			v.bind(id, r)
		}
	}
	p.refreshCounts()
}

func (p *attendancePanel) refreshCounts() {
	if text := p.countsText(); text != p.counts.Text {
		p.counts.SetText(text)
	}
}

// countsText counts what is stored, and says when a filter narrows the
// rows that bulk actions apply to.
func (p *attendancePanel) countsText() string {
	var present, absent, absentia, none, counsel int
	for _, r := range p.rows {
		switch {
		case r.rec == nil:
			none++
		case r.rec.Presence == storage.PresencePresent:
			present++
		case r.rec.Presence == storage.PresenceAbsent:
			absent++
		default:
			absentia++
		}
		if r.rec != nil && r.rec.CounselState() == storage.CounselWasPresent {
			counsel++
		}
	}
	text := lang.L("Present {{.Present}} · absent {{.Absent}} · in absentia {{.InAbsentia}} · not yet recorded {{.None}} · counsel present {{.Counsel}} of {{.Total}}",
		map[string]any{"Present": present, "Absent": absent, "InAbsentia": absentia, "None": none, "Counsel": counsel, "Total": len(p.rows)})
	if len(p.shown) < len(p.rows) {
		text += "  —  " + lang.L("{{.N}} shown; bulk actions apply to these only", map[string]any{"N": len(p.shown)})
	}
	return text
}

// say shows a warning above the list; an empty one hides it.
func (p *attendancePanel) say(text string) { p.tell(text, widget.WarningImportance) }

// tell shows a message above the list with this importance.
func (p *attendancePanel) tell(text string, importance widget.Importance) {
	if text == p.msg.Text && importance == p.msg.Importance {
		return
	}
	p.msg.Importance = importance
	p.msg.SetText(text)
	if hide := text == ""; hide != p.msg.Hidden {
		p.msg.Hidden = hide
		p.content.Refresh() // the list gets or gives up the line
	}
}

// commit stores row r's shown values as the defendant's attendance. In
// absentia without a reason is refused: the row keeps the choice and the
// monitor is asked for the reason. A failed save shows the error and the
// row shows the stored state again, keeping a typed reason.
func (p *attendancePanel) commit(r *attendanceRow) bool {
	p.s.activity()
	name := r.person.DisplayName()
	switch {
	case r.shown.presence == "":
		p.say(lang.L("Choose present, absent or in absentia for {{.Name}} first; the reason is kept.", map[string]any{"Name": name}))
		p.refreshRow(r)
		return false
	case r.shown.missingReason():
		p.say(lang.L("Not saved: in absentia needs a reason. Type it in the reason field of {{.Name}} and press Enter.", map[string]any{"Name": name}))
		p.refreshRow(r)
		return false
	}
	a := p.record(r, r.shown)
	if err := p.s.vault.Put(a); err != nil {
		r.reset()
		p.refreshRow(r)
		p.s.showError(lang.L("The attendance of {{.Name}} was not saved", map[string]any{"Name": name}), err)
		return false
	}
	r.rec = a
	r.shown = r.stored()
	p.say("")
	p.refreshRow(r)
	return true
}

// record is the attendance to store for row r with values v. It keeps the
// ID of r's record, so that the change becomes its next version.
func (p *attendancePanel) record(r *attendanceRow, v attendanceValues) *storage.Attendance {
	a := &storage.Attendance{HearingID: p.s.hearing.ID, PersonID: r.person.ID,
		Presence: v.presence, Reason: strings.TrimSpace(v.reason), Counsel: v.counsel}
	if r.rec != nil {
		a.ID = r.rec.ID
	}
	return a
}

// bulkOutcome is what a bulk action does with one row.
type bulkOutcome int

const (
	bulkApply     bulkOutcome = iota // store the values
	bulkNotFor                       // the action is not about this row (a defendant not tried in absentia)
	bulkKept                         // left as it is on purpose: a defendant tried in absentia
	bulkNeedsMore                    // the row needs a presence, or a reason for in absentia, first
)

// A bulkChange gives the values a bulk action sets for a row, and what it
// does with the row.
type bulkChange func(r *attendanceRow) (attendanceValues, bulkOutcome)

// markAll sets presence on every row shown, leaving counsel as it is.
// Present clears the reason; the others keep it. Defendants tried in
// absentia are left alone: their row shows in absentia (stored, or
// proposed from the case and marked "Not saved"), and a bulk action must
// not turn that into present or absent behind the monitor's back.
func markAll(presence string) bulkChange {
	return func(r *attendanceRow) (attendanceValues, bulkOutcome) {
		if r.status == storage.StatusInAbsentia && r.shown.presence == storage.PresenceInAbsentia {
			return attendanceValues{}, bulkKept
		}
		v := attendanceValues{presence, r.shown.reason, r.shown.counsel}
		if presence == storage.PresencePresent {
			v.reason = ""
		}
		if v.missingReason() {
			return v, bulkNeedsMore
		}
		return v, bulkApply
	}
}

// counselAll records counsel as present or absent on every row shown that
// has a presence to store with it.
func counselAll(counsel string) bulkChange {
	return func(r *attendanceRow) (attendanceValues, bulkOutcome) {
		v := attendanceValues{r.shown.presence, r.shown.reason, counsel}
		if v.presence == "" || v.missingReason() {
			return v, bulkNeedsMore
		}
		return v, bulkApply
	}
}

// confirmAbsentia marks the shown defendants tried in absentia as such,
// with the case's reason unless the row has one.
func confirmAbsentia(r *attendanceRow) (attendanceValues, bulkOutcome) {
	if r.status != storage.StatusInAbsentia {
		return attendanceValues{}, bulkNotFor
	}
	v := r.shown
	v.presence = storage.PresenceInAbsentia
	if strings.TrimSpace(v.reason) == "" {
		v.reason = r.statusReason
	}
	if v.missingReason() {
		return v, bulkNeedsMore
	}
	return v, bulkApply
}

// bulkPlan is what a bulk action will store.
type bulkPlan struct {
	rows       []*attendanceRow
	values     []attendanceValues
	overwrites int // rows whose recorded answer changes
	proposals  int // rows whose unsaved in-absentia proposal is replaced
	kept       int // defendants tried in absentia, left as they are
	needsMore  int // rows the action cannot apply to yet
	done       int // rows the action applies to that already hold its values
}

// plan works out change on the rows shown. Rows already recorded with the
// same values are left alone.
func (p *attendancePanel) plan(change bulkChange) bulkPlan {
	var pl bulkPlan
	for _, i := range p.shown {
		r := p.rows[i]
		v, out := change(r)
		switch {
		case out == bulkKept:
			pl.kept++
		case out == bulkNeedsMore:
			pl.needsMore++
		case out == bulkNotFor:
		case r.rec != nil && v == r.stored():
			pl.done++
		default:
			pl.rows, pl.values = append(pl.rows, r), append(pl.values, v)
			if r.rec != nil {
				pl.overwrites++
			} else if r.shown.presence != "" && r.shown.presence != v.presence {
				pl.proposals++
			}
		}
	}
	return pl
}

// bulk applies change to the rows shown, asking first if it would change
// answers already recorded or proposed.
func (p *attendancePanel) bulk(change bulkChange) {
	p.s.activity()
	pl := p.plan(change)
	if pl.overwrites+pl.proposals == 0 {
		p.apply(pl)
		return
	}
	d := dialog.NewConfirm(lang.L("Change recorded attendance?"),
		lang.L("{{.N}} of these defendants already have a different answer recorded or proposed. Change them too? (The earlier answers stay in the history.)",
			map[string]any{"N": pl.overwrites + pl.proposals}),
		func(ok bool) {
			p.s.activity()
			if ok {
				p.apply(pl)
			}
		}, p.s.win)
	d.SetConfirmText(lang.L("Change them"))
	d.SetDismissText(lang.L("Cancel"))
	d.Show()
}

// apply stores a plan in one transaction: all of it or, if that fails,
// none of it, and then the rows show the stored state.
func (p *attendancePanel) apply(pl bulkPlan) {
	recs := make([]*storage.Attendance, len(pl.rows))
	for i, r := range pl.rows {
		recs[i] = p.record(r, pl.values[i])
	}
	err := p.s.vault.Update(func(tx *storage.Tx) error {
		for _, a := range recs {
			if err := tx.Put(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.refresh()
		p.s.showError(lang.L("The attendance was not saved; nothing was changed"), err)
		return
	}
	for i, r := range pl.rows {
		r.rec = recs[i]
		r.shown = r.stored()
	}
	p.sayResult(pl)
	p.refresh()
}

// sayResult tells what a bulk action did: a warning only for rows that
// still need the monitor, and plain words for what was done or left alone
// on purpose.
func (p *attendancePanel) sayResult(pl bulkPlan) {
	var parts []string
	if n := len(pl.rows); n > 0 {
		parts = append(parts, lang.L("{{.N}} defendants recorded.", map[string]any{"N": n}))
	} else if pl.done > 0 {
		parts = append(parts, lang.L("Already recorded; nothing changed."))
	}
	if pl.kept > 0 {
		parts = append(parts, lang.L("{{.N}} defendants tried in absentia were not changed; set them on their rows if they came.", map[string]any{"N": pl.kept}))
	}
	importance := widget.MediumImportance
	if pl.needsMore > 0 {
		parts = append(parts, lang.L("{{.N}} defendants need a presence first, or a reason for in absentia.", map[string]any{"N": pl.needsMore}))
		importance = widget.WarningImportance
	}
	p.tell(strings.Join(parts, " "), importance)
}
