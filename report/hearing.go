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
	r.multi = len(r.devices) > 1
	d := r.b.doc
	d.Kind, d.Title, d.Subtitle = "Hearing report", caseName(c.Case), day(h.Scheduled)+", "+c.Court

	r.hearingHeader(c, hd, true)
	r.b.heading(2, "Attendance")
	r.b.para(attendanceSummary(hd))
	r.b.table(r.attendanceTable(c, hd))
	r.b.heading(2, "Log")
	r.logBlock(hd, uuid.Nil)
	r.b.heading(2, "Fair-trial checklist findings")
	r.b.muted(concernNote)
	fs := r.findings(hd.Answers)
	for _, s := range r.sections() {
		if len(fs[s.ID]) > 0 {
			r.b.heading(3, "%s", s.Title)
			r.b.table(r.findingsTable(fs[s.ID]))
		}
	}
	if len(fs) == 0 {
		r.b.para("No checklist answers were recorded at this hearing.")
	}
	r.b.heading(2, "Attachments")
	r.attachments(hd.Attachments)
	return nil
}

const concernNote = `A concern is an "unclear" answer, or the answer that signals a problem: "no" for most questions, "yes" for questions that ask whether something wrong happened (e.g. PRES-01, was the accused caged or shackled). Concerns are listed first.`

// hearingHeader writes the facts of a hearing: when, where, who.
func (r *rep) hearingHeader(c *caseData, hd *hearingData, withCase bool) {
	counsel := map[string]int{}
	for _, p := range hd.Listed {
		if d := c.ByPerson[p]; d != nil && d.Counsel != "" {
			counsel[d.Counsel]++
		}
	}
	var cs []string
	for name, n := range counsel {
		cs = append(cs, fmt.Sprintf("%s (%s)", name, plural(n, "defendant", "defendants")))
	}
	slices.Sort(cs)
	var f []Field
	if withCase {
		f = append(f, Field{"Case", caseName(c.Case)}, Field{"Court", c.Court})
	}
	f = append(f,
		Field{"Date", day(hd.Scheduled)},
		Field{"Times", times(hd.Hearing)},
		Field{"Courtroom", hd.Courtroom},
		Field{"Judges", strings.Join(hd.Judges, "; ")},
		Field{"Prosecutors", strings.Join(hd.Prosecutors, "; ")},
		Field{"Defence counsel", strings.Join(cs, "; ")},
		Field{"Observers", strings.Join(hd.Observers, "; ")},
		Field{"Public access", publicAccess(hd)},
	)
	r.b.fields(f...)
}

func times(h *storage.Hearing) string {
	s := "scheduled " + clock(h.Scheduled)
	if !h.Started.IsZero() {
		s += ", started " + clock(h.Started)
		if late := h.Started.Sub(h.Scheduled); late >= 10*time.Minute {
			s += fmt.Sprintf(" (%d minutes late)", int(late.Minutes()))
		}
	}
	if !h.Ended.IsZero() {
		s += ", ended " + clock(h.Ended)
	}
	return s + " (" + h.Scheduled.Format("MST") + ")"
}

// publicAccess is the recorded access, with the access events.
func publicAccess(hd *hearingData) string {
	out := []string{hd.Access}
	for _, e := range hd.Events {
		if accessEvents[e.Type] {
			out = append(out, clock(e.Time)+" "+eventTitle(e)+commentSuffix(e.Comment))
		}
	}
	return strings.TrimPrefix(strings.Join(out, "; "), "; ")
}

var accessEvents = map[string]bool{"public_denied_entry": true, "observer_denied_entry": true, "device_confiscated": true, "observer_admitted": true}

func eventTitle(e *storage.Event) string {
	s := strings.ReplaceAll(e.Type, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func commentSuffix(c string) string {
	if c == "" {
		return ""
	}
	return ": " + strings.TrimSuffix(c, ".")
}

func attendanceSummary(hd *hearingData) string {
	n := map[string]int{}
	counsel := 0
	for _, p := range hd.Listed {
		a := hd.Attendance[p]
		if a == nil {
			n["unrecorded"]++
			continue
		}
		n[a.Presence]++
		if a.CounselState() == storage.CounselWasPresent {
			counsel++
		}
	}
	s := fmt.Sprintf("%s listed: %d present, %d absent, %d tried in absentia; counsel present for %d.",
		plural(len(hd.Listed), "defendant", "defendants"), n[storage.PresencePresent], n[storage.PresenceAbsent], n[storage.PresenceInAbsentia], counsel)
	if n["unrecorded"] > 0 {
		s += fmt.Sprintf(" No attendance recorded for %d.", n["unrecorded"])
	}
	return s
}

func (r *rep) attendanceTable(c *caseData, hd *hearingData) *Table {
	t := &Table{Columns: []string{"#", "Name", "Khmer name", "Status in case", "Presence", "Reason", "Counsel"},
		Widths: []float64{0.45, 2.2, 1.8, 1.5, 1.1, 2.2, 1.8}}
	for i, pid := range hd.Listed {
		p, d, a := r.persons[pid], c.ByPerson[pid], hd.Attendance[pid]
		status := ""
		if d != nil {
			status = label(statusLabels, d.Status)
		}
		presence, reason, counsel := Cell{Text: "not recorded", Mark: MarkMuted}, "", ""
		if a != nil {
			presence = Cell{Text: label(presenceLabels, a.Presence)}
			if a.Presence != storage.PresencePresent {
				presence.Mark = MarkConcern
			}
			reason = a.Reason
		}
		if d != nil && d.Counsel != "" {
			counsel = d.Counsel
			if a != nil && a.CounselState() == storage.CounselWasAbsent {
				counsel += " (absent)"
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
}

// logBlock writes a hearing's notes and events in time order, only those
// about person unless person is uuid.Nil.
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
			det = append(det, "about "+r.names(n.Defendants, 5))
		}
		if n.Source == storage.SourceReported {
			det = append(det, "reported, not seen")
		}
		es = append(es, logEntry{when: n.Time, text: n.Text, details: strings.Join(det, "; "), device: n.Device})
	}
	for _, e := range hd.Events {
		if person != uuid.Nil && e.PersonID != person {
			continue
		}
		text := eventTitle(e)
		if e.PersonID != uuid.Nil {
			text += ": " + r.name(e.PersonID)
		}
		es = append(es, logEntry{when: e.Time, text: text + commentSuffix(e.Comment), details: "event", mark: MarkStrong, device: e.Device})
	}
	slices.SortStableFunc(es, func(a, b logEntry) int { return cmp.Compare(a.when.UnixNano(), b.when.UnixNano()) })
	if len(es) == 0 {
		r.b.para("Nothing was logged.")
		return
	}
	t := &Table{Columns: []string{"Time", "Entry", "Details"}, Widths: []float64{0.7, 5, 2.2}}
	if r.multi {
		t.Columns = append(t.Columns, "Observed by")
		t.Widths = append(t.Widths, 1.6)
	}
	for _, e := range es {
		row := []Cell{{Text: e.when.Format("15:04")}, {Text: e.text, Mark: e.mark}, {Text: e.details, Mark: MarkMuted}}
		if r.multi {
			row = append(row, Cell{Text: r.deviceShort(e.device), Mark: MarkMuted})
		}
		t.Rows = append(t.Rows, row)
	}
	r.b.table(t)
}

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
		r.b.para("None.")
		return
	}
	t := &Table{Columns: []string{"Name", "Type", "Bytes", "SHA-256", "Caption"}, Widths: []float64{2, 1, 0.8, 4.2, 2}}
	for _, a := range as {
		t.Rows = append(t.Rows, []Cell{{Text: a.Name}, {Text: a.MediaType}, {Text: strconv.FormatInt(a.Size, 10)}, {Text: a.SHA256, Mark: MarkMuted}, {Text: a.Caption}})
	}
	r.b.table(t)
}
