package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

func (r *rep) hearingReport(id uuid.UUID) error {
	h := &storage.Hearing{}
	if err := r.tx.Get(id, h); err != nil {
		return fmt.Errorf("hearing %s: %w", id, err)
	}
	c, err := r.caseData(h.CaseID, false)
	if err != nil {
		return err
	}
	hd, err := r.hearing(h, c)
	if err != nil {
		return err
	}
	r.cite(storage.KindCase, &c.Meta)
	r.multi = r.devicesOf(hd) > 1
	d := r.b.doc
	d.Kind, d.Title, d.Subtitle = r.T("Hearing report"), caseName(c.Case), r.t.day(hd.Zone.in(h.Scheduled))+", "+c.Court

	r.hearingHeader(c, hd, true)
	r.purgedBlock(hd)
	r.b.heading(2, "Attendance")
	r.b.para(r.attendanceSummary(hd))
	r.b.table(r.attendanceTable(c, hd))
	r.b.heading(2, "Log")
	r.logBlock(hd, uuid.Nil)
	r.b.heading(2, "Fair-trial checklist findings")
	r.b.muted(r.T(concernNote))
	fs := r.findings(hd.Answers)
	for _, s := range r.sections() {
		if len(fs[s.ID]) > 0 {
			r.b.heading(3, "%s", s.Title)
			r.b.table(r.findingsTable(fs[s.ID]))
		}
	}
	if len(fs) == 0 {
		if n := purgedOf(hd, storage.KindChecklistAnswer); n > 0 {
			r.b.para(r.T("The %s recorded at this hearing were delivered to HQ and removed from this device: see HQ's report.", r.N(n, "checklist answer", "checklist answers")))
		} else {
			r.b.para(r.T("No checklist answers were recorded at this hearing."))
		}
	}
	r.b.heading(2, "Attachments")
	r.attachments(hd.Attachments)
	return nil
}

// devicesOf counts the devices that wrote a hearing's observations.
func (r *rep) devicesOf(hds ...*hearingData) int {
	seen := map[uuid.UUID]bool{}
	for _, hd := range hds {
		for _, n := range hd.Notes {
			seen[n.Device] = true
		}
		for _, e := range hd.Events {
			seen[e.Device] = true
		}
		for _, a := range hd.Answers {
			seen[a.Device] = true
		}
		for _, a := range hd.Attendance {
			seen[a.Device] = true
		}
	}
	return len(seen)
}

const concernNote = `A concern is an "unclear" answer, or the answer that signals a problem: "no" for most questions, "yes" for questions that ask whether something wrong happened (e.g. PRES-01, was the accused caged or shackled). Concerns are listed first.`

// hearingHeader writes the facts of a hearing: when, where, who.
func (r *rep) hearingHeader(c *caseData, hd *hearingData, withCase bool) {
	r.cite(storage.KindHearing, &hd.Meta)
	var f []Field
	if withCase {
		f = append(f, Field{r.T("Case"), caseName(c.Case)}, Field{r.T("Court"), c.Court})
	}
	f = append(f,
		Field{r.T("Date"), r.t.day(hd.Zone.in(hd.Scheduled))},
		Field{r.T("Times"), r.times(hd)},
		Field{r.T("Time zone"), hd.Zone.note(r.t, hd.Scheduled)},
		Field{r.T("Courtroom"), hd.Courtroom},
		Field{r.T("Judges"), strings.Join(hd.Judges, "; ")},
		Field{r.T("Prosecutors"), strings.Join(hd.Prosecutors, "; ")},
		Field{r.T("Defence counsel"), r.counselLine(c, hd)},
		Field{r.T("Observers"), strings.Join(hd.Observers, "; ")},
		Field{r.T("Public access"), r.publicAccess(hd)},
	)
	r.b.fields(f...)
}

// counselLine names each lawyer on record for the listed defendants and
// says what was recorded of their presence at this hearing: present for
// whom, absent for whom, and for how many nobody recorded it. It claims
// nothing that no attendance record says.
func (r *rep) counselLine(c *caseData, hd *hearingData) string {
	type tally struct{ present, absent, unknown int }
	counsel := map[string]*tally{}
	for _, p := range hd.Listed {
		d := c.ByPerson[p]
		if d == nil || d.Counsel == "" {
			continue
		}
		r.cite(storage.KindCaseDefendant, &d.Meta)
		t := counsel[d.Counsel]
		if t == nil {
			t = &tally{}
			counsel[d.Counsel] = t
		}
		state := storage.CounselNotRecorded
		if a := hd.Attendance[p]; a != nil {
			r.cite(storage.KindAttendance, &a.Meta)
			state = a.CounselState()
		}
		switch state {
		case storage.CounselWasPresent:
			t.present++
		case storage.CounselWasAbsent:
			t.absent++
		default:
			t.unknown++
		}
	}
	var cs []string
	for name, t := range counsel {
		var parts []string
		if t.present > 0 {
			parts = append(parts, r.T("present for %s", r.N(t.present, "defendant", "defendants")))
		}
		if t.absent > 0 {
			parts = append(parts, r.T("absent for %s", r.N(t.absent, "defendant", "defendants")))
		}
		if t.unknown > 0 {
			if len(parts) == 0 {
				parts = append(parts, r.T("counsel of %s, presence not recorded", r.N(t.unknown, "defendant", "defendants")))
			} else {
				parts = append(parts, r.T("not recorded for %d", t.unknown))
			}
		}
		cs = append(cs, name+" ("+strings.Join(parts, ", ")+")")
	}
	slices.Sort(cs)
	return strings.Join(cs, "; ")
}

func (r *rep) times(hd *hearingData) string {
	h, z := hd.Hearing, hd.Zone
	s := r.T("scheduled %s", clock(z.in(h.Scheduled)))
	if !h.Started.IsZero() {
		s += r.T(", started %s", clock(z.in(h.Started)))
		if late := h.Started.Sub(h.Scheduled); late >= 10*time.Minute {
			s += r.T(" (%d minutes late)", int(late.Minutes()))
		}
	}
	if !h.Ended.IsZero() {
		s += r.T(", ended %s", clock(z.in(h.Ended)))
	}
	return s + " (" + z.label(h.Scheduled) + ")"
}

// publicAccess is the recorded access, with the access events.
func (r *rep) publicAccess(hd *hearingData) string {
	out := []string{hd.Access}
	for _, e := range hd.Events {
		if accessEvents[e.Type] {
			r.cite(storage.KindEvent, &e.Meta)
			out = append(out, clock(hd.Zone.in(e.Time))+" "+r.t.event(e.Type)+commentSuffix(e.Comment))
		}
	}
	return strings.TrimPrefix(strings.Join(out, "; "), "; ")
}

var accessEvents = map[string]bool{"public_denied_entry": true, "observer_denied_entry": true, "device_confiscated": true, "observer_admitted": true}

func commentSuffix(c string) string {
	if c == "" {
		return ""
	}
	return ": " + strings.TrimSuffix(c, ".")
}

// attendanceSummary sums up a hearing's attendance from its records, and
// says where there are none: a hearing without attendance records makes
// no claim about presence or counsel.
func (r *rep) attendanceSummary(hd *hearingData) string {
	n := map[string]int{}
	counsel := map[string]int{}
	recorded, removed := 0, purgedPersons(hd)
	for _, p := range hd.Listed {
		a := hd.Attendance[p]
		if a == nil {
			continue
		}
		r.cite(storage.KindAttendance, &a.Meta)
		recorded++
		n[a.Presence]++
		counsel[a.CounselState()]++
	}
	listed := r.T("%s listed", r.N(len(hd.Listed), "defendant", "defendants"))
	if recorded == 0 {
		switch {
		case len(removed) > 0:
			return r.T("%s. The attendance of %d was delivered to HQ and removed from this device: see HQ's report.", listed, len(removed))
		case len(hd.Listed) == 0:
			return r.T("No defendants listed, and no attendance recorded.")
		}
		return r.T("%s; no attendance was recorded at this hearing.", listed)
	}
	s := r.T("%s; attendance recorded for %d: %d present, %d absent, %d tried in absentia.",
		listed, recorded, n[storage.PresencePresent], n[storage.PresenceAbsent], n[storage.PresenceInAbsentia])
	var cs []string
	if k := counsel[storage.CounselWasPresent]; k > 0 {
		cs = append(cs, r.T("present for %d", k))
	}
	if k := counsel[storage.CounselWasAbsent]; k > 0 {
		cs = append(cs, r.T("absent for %d", k))
	}
	if len(cs) == 0 {
		s += r.T(" Presence of counsel not recorded.")
	} else {
		if k := counsel[storage.CounselNotRecorded]; k > 0 {
			cs = append(cs, r.T("not recorded for %d", k))
		}
		s += r.T(" Counsel %s.", strings.Join(cs, ", "))
	}
	if len(removed) > 0 {
		s += r.T(" The attendance of %d was delivered to HQ and removed from this device.", len(removed))
	}
	if k := len(hd.Listed) - recorded - len(removed); k > 0 {
		s += r.T(" No attendance recorded for %d.", k)
	}
	return s
}

func (r *rep) attendanceTable(c *caseData, hd *hearingData) *Table {
	t := &Table{Columns: r.t.cols("#", "Name", "Khmer name", "Status in case", "Presence", "Reason", "Counsel"),
		Widths: []float64{0.45, 2.2, 1.8, 1.5, 1.1, 2.2, 1.8}}
	removed := purgedPersons(hd)
	for i, pid := range hd.Listed {
		p, d, a := r.persons[pid], c.ByPerson[pid], hd.Attendance[pid]
		r.cite(storage.KindPerson, &p.Meta)
		status := ""
		if d != nil {
			r.cite(storage.KindCaseDefendant, &d.Meta)
			status = r.t.label(statusLabels, d.Status)
		}
		presence, reason, counsel := Cell{Text: r.T("not recorded"), Mark: MarkMuted}, "", ""
		if removed[pid] {
			presence.Text = r.T("delivered to HQ, removed here")
		}
		if a != nil {
			r.cite(storage.KindAttendance, &a.Meta)
			presence = Cell{Text: r.t.label(presenceLabels, a.Presence)}
			if a.Presence != storage.PresencePresent {
				presence.Mark = MarkConcern
			}
			reason = a.Reason
		}
		if d != nil && d.Counsel != "" {
			counsel = d.Counsel
			if a != nil {
				switch a.CounselState() {
				case storage.CounselWasAbsent:
					counsel += r.T(" (absent)")
				case storage.CounselWasPresent:
					counsel += r.T(" (present)")
				}
			}
		}
		t.Rows = append(t.Rows, []Cell{{Text: strconv.Itoa(i + 1)}, {Text: p.Name}, {Text: p.NameLocal}, {Text: status}, presence, {Text: reason}, {Text: counsel}})
	}
	return t
}

// logEntry is a note or an event of a hearing's log.
type logEntry struct {
	when    time.Time
	text    string
	details string
	mark    string
	device  uuid.UUID
	meta    *storage.Meta
	kind    string
}

// logBlock writes a hearing's notes and events in time order, only those
// about person unless person is uuid.Nil. Times are in the court's zone;
// an edited entry says when it was edited and which version it shows.
func (r *rep) logBlock(hd *hearingData, person uuid.UUID) {
	var es []logEntry
	for _, n := range hd.Notes {
		if person != uuid.Nil && !slices.Contains(n.Defendants, person) {
			continue
		}
		var det []string
		if len(n.Tags) > 0 {
			det = append(det, strings.Join(n.Tags, ", "))
		}
		if len(n.Defendants) > 0 && person == uuid.Nil {
			det = append(det, r.T("about %s", r.names(n.Defendants, 5)))
		}
		if n.Source == storage.SourceReported {
			det = append(det, r.T("reported, not seen"))
		}
		es = append(es, logEntry{when: n.Time, text: n.Text, details: strings.Join(det, "; "), device: n.Device, meta: &n.Meta, kind: storage.KindNote})
	}
	for _, e := range hd.Events {
		if person != uuid.Nil && e.PersonID != person {
			continue
		}
		text := r.t.event(e.Type)
		if e.PersonID != uuid.Nil {
			text += ": " + r.name(e.PersonID)
		}
		es = append(es, logEntry{when: e.Time, text: text + commentSuffix(e.Comment), details: r.T("event"), mark: MarkStrong, device: e.Device, meta: &e.Meta, kind: storage.KindEvent})
	}
	slices.SortStableFunc(es, func(a, b logEntry) int { return cmp.Compare(a.when.UnixNano(), b.when.UnixNano()) })
	if len(es) == 0 {
		if n := purgedOf(hd, storage.KindNote) + purgedOf(hd, storage.KindEvent); n > 0 && person == uuid.Nil {
			r.b.para(r.T("The %s logged were delivered to HQ and removed from this device: see HQ's report.", r.N(n, "entry", "entries")))
			return
		}
		r.b.para(r.T("Nothing was logged."))
		return
	}
	t := &Table{Columns: r.t.cols("Time", "Entry", "Details"), Widths: []float64{0.7, 5, 2.2}}
	if r.multi {
		t.Columns = append(t.Columns, r.T("Observed by"))
		t.Widths = append(t.Widths, 1.6)
	}
	for _, e := range es {
		r.cite(e.kind, e.meta)
		if e.meta.Version > 1 {
			edit := r.T("edited %s, version %d: earlier text under \"Earlier versions\"", r.t.stamp(hd.Zone.in(e.meta.Saved())), e.meta.Version)
			e.details = strings.TrimPrefix(e.details+"; "+edit, "; ")
			r.edited = append(r.edited, editedEntry{hd: hd, kind: e.kind, meta: e.meta, when: e.when})
		}
		row := []Cell{{Text: hd.Zone.in(e.when).Format("15:04")}, {Text: e.text, Mark: e.mark}, {Text: e.details, Mark: MarkMuted}}
		if r.multi {
			row = append(row, Cell{Text: r.deviceShort(e.device), Mark: MarkMuted})
		}
		t.Rows = append(t.Rows, row)
	}
	r.b.table(t)
}

// stamp prints a date and time in a report's text.
func stamp(t time.Time) string { return t.Format("2 Jan 2006 15:04") }

// deviceShort names a device in a table cell: its name, else the start of
// its id.
func (r *rep) deviceShort(d uuid.UUID) string {
	if n := deviceName(d, r.v, r.opt); n != "" {
		return n
	}
	return d.String()[:8]
}

func (r *rep) attachments(as []*storage.Attachment) {
	if len(as) == 0 {
		r.b.para(r.T("None."))
		return
	}
	t := &Table{Columns: r.t.cols("Name", "Type", "Bytes", "SHA-256", "Caption"), Widths: []float64{2, 1, 0.8, 4.2, 2}}
	for _, a := range as {
		r.cite(storage.KindAttachment, &a.Meta)
		t.Rows = append(t.Rows, []Cell{{Text: a.Name}, {Text: a.MediaType}, {Text: strconv.FormatInt(a.Size, 10)}, {Text: a.SHA256, Mark: MarkMuted}, {Text: a.Caption}})
	}
	r.b.table(t)
}
