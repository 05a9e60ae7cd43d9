package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"courtwatch/storage"
)

// eventButton is a one-tap observation: the stored event type and its label.
type eventButton struct {
	Type  string
	Label string
}

// defaultEvents are the one-tap buttons, in the order of Ctrl+1…9.
var defaultEvents = []eventButton{
	{"public_denied_entry", "Public denied entry"},
	{"defendant_absent", "Defendant absent"},
	{"lawyer_absent", "Lawyer absent"},
	{"interpreter_problem", "Interpreter problem"},
	{"judge_interrupts_defence", "Judge interrupts defence"},
	{"observer_obstructed", "Observer obstructed"},
	{"recess", "Recess"},
	{"adjourned", "Hearing adjourned"},
}

// logLine is one row of a hearing's log: a note or an event.
type logLine struct {
	Time  time.Time
	Text  string
	Event bool
	id    uuid.UUID     // the note's or event's
	note  *storage.Note // nil for events; notes can be edited
}

// hearingScreen is the courtroom screen: header, "Start hearing", the
// timestamped log with its note field, and the event buttons.
type hearingScreen struct {
	vault    *storage.Vault
	win      fyne.Window
	hearing  *storage.Hearing
	cas      *storage.Case
	zone     courtZone // the court's, in which times are shown
	events   []eventButton
	now      func() time.Time
	activity func() // called on every key and action, to postpone the idle lock
	changed  func() // tells the other screens the vault changed (the app's bridge)

	lines   []logLine
	header  *widget.Label
	started *widget.Label
	start   *widget.Button
	log     *logList
	note    *noteEntry
	tabs    *container.AppTabs
	kept    string        // the note field's text as last kept in the vault
	editor  dialog.Dialog // the open note editor, if any

	editText *editEntry // the open editor's field
	editLine int        // the log line being edited
	keptEdit string     // the edit's text as last kept in the vault
	resume   *noteEdit  // an edit kept at lock, reopened by resumeEdit
	export   func()     // opens "Export report…" for this hearing
	backTo   uuid.UUID  // the hearing Back returns to (a search left it), if not Nil

	highlighting bool // highlight is selecting a row: no editor
	content      fyne.CanvasObject

	attendance  *attendancePanel
	checklist   *checklistPanel
	attachments *attachmentsPanel
}

func newHearingScreen(v *storage.Vault, win fyne.Window, hearingID uuid.UUID, back func()) (*hearingScreen, error) {
	h, err := storage.Load[storage.Hearing](v, hearingID)
	if err != nil {
		return nil, err
	}
	c, err := storage.Load[storage.Case](v, h.CaseID)
	if err != nil {
		return nil, err
	}
	events, err := loadEvents(v)
	if err != nil { // the default buttons still work; say why they are back
		fyne.LogError("the event buttons from the settings could not be read, so the default ones are shown", err)
	}
	s := &hearingScreen{vault: v, win: win, hearing: h, cas: c, zone: zoneOf(c), events: events, now: time.Now, activity: func() {}, changed: func() {}}
	if err := s.loadLog(); err != nil {
		return nil, err
	}
	s.build(back)
	if err := s.addPanels(); err != nil {
		return nil, err
	}
	if err := s.restoreDraft(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *hearingScreen) loadLog() error {
	s.lines = s.lines[:0]
	return s.vault.View(func(tx *storage.Tx) error {
		notes, err := tx.NotesOfHearing(s.hearing.ID)
		if err != nil {
			return err
		}
		events, err := tx.EventsOfHearing(s.hearing.ID)
		if err != nil {
			return err
		}
		for _, n := range notes {
			s.lines = append(s.lines, logLine{Time: n.Time, Text: n.Text, id: n.ID, note: n})
		}
		for _, e := range events {
			s.lines = append(s.lines, logLine{Time: e.Time, Text: s.eventText(e, eventPerson(tx, e.PersonID)), Event: true, id: e.ID})
		}
		slices.SortStableFunc(s.lines, func(a, b logLine) int { return a.Time.Compare(b.Time) })
		return nil
	})
}

func (s *hearingScreen) eventLabel(typ string) string {
	for _, e := range s.events {
		if e.Type == typ {
			return lang.L(e.Label)
		}
	}
	// A type from elsewhere (an import, another device's buttons).
	label := []rune(strings.ReplaceAll(typ, "_", " "))
	if len(label) > 0 {
		label[0] = unicode.ToUpper(label[0])
	}
	return string(label)
}

func (s *hearingScreen) build(back func()) {
	s.header = widget.NewLabelWithStyle(s.headerText(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.header.Truncation = fyne.TextTruncateEllipsis // one line: the log needs the height
	s.started = widget.NewLabel(s.startedText())
	s.started.Truncation = fyne.TextTruncateEllipsis // the zone's name last
	s.start = widget.NewButton("", nil)
	s.updateStart()
	backBtn := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), back)
	export := widget.NewButtonWithIcon(lang.L("Export report…")+"  (Ctrl+P)", theme.DocumentSaveIcon(), func() {
		s.activity()
		if s.export != nil {
			s.export()
		}
	})
	// The buttons sit in a row above the header, so they stay small and the
	// header gets the full width.
	top := container.NewVBox(
		container.NewBorder(nil, nil, backBtn, container.NewHBox(export, s.start), s.started),
		s.header)

	s.log = newLogList(s)
	// A click does not select (logRow takes it); Space on a row chosen
	// with the arrow keys does, and opens the editor as a double click does.
	s.log.OnSelected = func(i widget.ListItemID) {
		if s.highlighting {
			return
		}
		s.log.UnselectAll()
		s.editNote(i)
	}

	s.note = newNoteEntry(s.saveNote)
	s.note.onKey = func() { s.activity() }
	s.note.SetPlaceHolder(lang.L("Type a note; Enter saves it, Shift+Enter starts a new line"))
	s.note.SetMinRowsVisible(3)

	buttons := container.NewVBox() // one narrow column, so the log keeps most of the width
	for i, e := range s.events {
		label := lang.L(e.Label)
		if i < 9 {
			label = fmt.Sprintf("%s  (Ctrl+%d)", label, i+1)
		}
		buttons.Add(widget.NewButton(label, func() { s.recordEvent(e.Type) }))
	}

	center := container.NewBorder(nil, s.note, nil, nil, s.log)
	logTab := container.NewBorder(nil, nil, nil, container.NewVScroll(buttons), center)
	s.tabs = container.NewAppTabs(container.NewTabItem(lang.L("Log")+"  (Ctrl+Shift+G)", logTab))
	s.tabs.OnSelected = func(*container.TabItem) { s.activity() }
	s.content = container.NewBorder(top, nil, nil, nil, s.tabs)
}

// addPanels builds the tabs beside the log: attendance, the checklist and
// attachments, each in its own file. They read the vault, so an error here
// means the hearing cannot be shown.
func (s *hearingScreen) addPanels() error {
	att, err := newAttendancePanel(s)
	if err != nil {
		return err
	}
	chk, err := newChecklistPanel(s)
	if err != nil {
		return err
	}
	files, err := newAttachmentsPanel(s)
	if err != nil {
		return err
	}
	s.attendance, s.checklist, s.attachments = att, chk, files
	s.tabs.Append(container.NewTabItem(lang.L("Attendance")+"  (Ctrl+Shift+A)", att.panel()))
	s.tabs.Append(container.NewTabItem(lang.L("Checklist")+"  (Ctrl+Shift+K)", chk.panel()))
	s.tabs.Append(container.NewTabItem(lang.L("Attachments")+"  (Ctrl+Shift+T)", files.panel()))
	return nil
}

// showTab selects the nth tab (0 log, 1 attendance, 2 checklist, 3
// attachments) and puts the keyboard focus where work starts on it.
func (s *hearingScreen) showTab(n int) {
	if n < 0 || n >= len(s.tabs.Items) {
		return
	}
	s.activity()
	s.tabs.SelectIndex(n)
	c := s.win.Canvas()
	switch n {
	case 0:
		c.Focus(s.note)
	case 1:
		c.Focus(s.attendance.filter)
	case 2:
		s.checklist.focus()
	case 3:
		if a := s.attachments; a.selected < 0 && len(a.items) > 0 {
			a.list.Select(0) // show the first file rather than an empty preview
		}
		c.Focus(s.attachments.list)
	}
}

// refresh re-reads the hearing and its case and shows them afresh: the
// hearing screen's answer to the vault-changed notice. The log's entries
// are the screen's own; their times are shown again, in the case's zone.
func (s *hearingScreen) refresh() {
	h, err := storage.Load[storage.Hearing](s.vault, s.hearing.ID)
	if err != nil {
		return // purged or deleted: the app rebuilds the screens (afterPurge)
	}
	c, err := storage.Load[storage.Case](s.vault, h.CaseID)
	if err != nil {
		return
	}
	s.hearing, s.cas, s.zone = h, c, zoneOf(c)
	s.header.SetText(s.headerText())
	s.updateStart()
	s.log.Refresh()
}

func (s *hearingScreen) headerText() string {
	h, c := s.hearing, s.cas
	return lang.L("{{.Title}} ({{.Number}}), {{.Court}}, {{.Date}}", map[string]any{
		"Title": c.Title, "Number": c.Number, "Court": c.Court,
		"Date": formatDay(h.Scheduled, s.zone.loc),
	})
}

func (s *hearingScreen) startedText() string {
	h, z := s.hearing, s.zone
	scheduled := z.in(h.Scheduled).Format("15:04")
	zone := " · " + z.label(h.Scheduled)
	switch {
	case h.Started.IsZero():
		return lang.L("Scheduled {{.Scheduled}}, not started", map[string]any{"Scheduled": scheduled}) + zone
	case h.Ended.IsZero():
		return lang.L("Scheduled {{.Scheduled}}, started {{.Started}}", map[string]any{
			"Scheduled": scheduled, "Started": z.in(h.Started).Format("15:04:05")}) + zone
	}
	return lang.L("Scheduled {{.Scheduled}}, started {{.Started}}, ended {{.Ended}}", map[string]any{
		"Scheduled": scheduled, "Started": z.in(h.Started).Format("15:04:05"), "Ended": z.in(h.Ended).Format("15:04:05")}) + zone
}

// updateStart makes the header button fit the hearing: "Start hearing"
// before it starts, "End hearing" while it runs, nothing to do once ended.
func (s *hearingScreen) updateStart() {
	b, h := s.start, s.hearing
	switch {
	case h.Started.IsZero():
		b.SetText(lang.L("Start hearing") + "  (Ctrl+Shift+S)")
		b.SetIcon(theme.MediaPlayIcon())
		b.OnTapped = s.startHearing
		b.Enable()
	case h.Ended.IsZero():
		b.SetText(lang.L("End hearing") + "  (Ctrl+Shift+X)")
		b.SetIcon(theme.MediaStopIcon())
		b.OnTapped = s.confirmEnd
		b.Enable()
	default:
		b.SetText(lang.L("Hearing ended"))
		b.SetIcon(theme.MediaStopIcon())
		b.Disable()
	}
	s.started.SetText(s.startedText())
}

// confirmEnd asks before recording the end of the hearing, since a key
// pressed by mistake should not end it.
func (s *hearingScreen) confirmEnd() {
	s.activity()
	h := s.hearing
	if h.Started.IsZero() || !h.Ended.IsZero() || s.win.Canvas().Overlays().Top() != nil {
		return
	}
	dialog.ShowConfirm(lang.L("End hearing"), lang.L("Record now as the end of the hearing?"), func(ok bool) {
		if ok {
			s.endHearing()
		}
	}, s.win)
}

// endHearing records now as the end of the hearing.
func (s *hearingScreen) endHearing() {
	s.activity()
	if s.hearing.Started.IsZero() || !s.hearing.Ended.IsZero() {
		return
	}
	s.hearing.Ended = s.now()
	if err := s.vault.Put(s.hearing); err != nil {
		s.hearing.Ended = time.Time{}
		s.showError(lang.L("The end time was not saved"), err)
		return
	}
	s.updateStart()
	s.changed()
}

// timeText is the clock time of a log line and, once the hearing has
// started, the time elapsed since (within the day of the hearing). Both
// count whole seconds, so that the elapsed time is the difference of the
// clock times shown.
func (s *hearingScreen) timeText(t time.Time) string {
	clock := s.zone.in(t).Format("15:04:05")
	d := t.Truncate(time.Second).Sub(s.hearing.Started.Truncate(time.Second))
	if s.hearing.Started.IsZero() || d < 0 || d >= 24*time.Hour {
		return clock
	}
	return fmt.Sprintf("%s  +%d:%02d:%02d", clock, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// whenMark is put before the text of a log line written on another day
// than the hearing's, with that day, or after the hearing ended: a note
// added later must not read as if it was observed in court.
func (s *hearingScreen) whenMark(t time.Time) string {
	h := s.hearing
	day := h.Scheduled
	if !h.Started.IsZero() {
		day = h.Started
	}
	var marks []string
	if y, m, d := s.zone.in(t).Date(); !day.IsZero() {
		if y2, m2, d2 := s.zone.in(day).Date(); y != y2 || m != m2 || d != d2 {
			marks = append(marks, formatDate(t, s.zone.loc))
		}
	}
	if !h.Ended.IsZero() && t.After(h.Ended) {
		marks = append(marks, lang.L("after the hearing ended"))
	}
	if len(marks) == 0 {
		return ""
	}
	return "[" + strings.Join(marks, ", ") + "] "
}

func (s *hearingScreen) startHearing() {
	s.activity()
	if !s.hearing.Started.IsZero() {
		return
	}
	s.hearing.Started = s.now()
	if err := s.vault.Put(s.hearing); err != nil {
		s.hearing.Started = time.Time{}
		s.showError(lang.L("The start time was not saved"), err)
		return
	}
	s.updateStart()
	s.log.Refresh()
	s.changed()
}

// saveNote stores text as a note. The field is cleared only once the note
// is in the vault, so a failed save loses nothing.
func (s *hearingScreen) saveNote(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	n := &storage.Note{HearingID: s.hearing.ID, Time: s.now(), Text: text, Source: storage.SourceSeen}
	err := s.vault.Update(func(tx *storage.Tx) error {
		if err := tx.Put(n); err != nil {
			return err
		}
		return tx.DeleteAux(draftKey(s.hearing.ID))
	})
	if err != nil {
		s.showError(lang.L("The note was not saved; it is still in the field"), err)
		return
	}
	s.note.SetText("")
	s.kept = ""
	s.append(logLine{Time: n.Time, Text: n.Text, id: n.ID, note: n})
}

// recordEvent records an event of type typ now. An event about a person
// (pickPerson) asks whom first, if the hearing has defendants.
func (s *hearingScreen) recordEvent(typ string) {
	s.activity()
	at := s.now()
	if personEvents[typ] && s.attendance != nil && len(s.attendance.rows) > 0 {
		s.pickPerson(typ, at)
		return
	}
	s.storeEvent(typ, at, nil)
}

// eventShortcut runs the nth (from 1) event button, for Ctrl+1…9. Not
// while a dialog covers the screen: the monitor would not see the event
// being recorded.
func (s *hearingScreen) eventShortcut(n int) {
	if s.win.Canvas().Overlays().Top() != nil {
		return
	}
	if n >= 1 && n <= len(s.events) {
		s.recordEvent(s.events[n-1].Type)
	}
}

// highlight scrolls the log to the note or event with this id and
// selects its row, without opening the editor. It reports whether the
// log holds it.
func (s *hearingScreen) highlight(id uuid.UUID) bool {
	for i, l := range s.lines {
		if l.id == id {
			s.highlighting = true
			s.log.Select(i)
			s.highlighting = false
			s.log.ScrollTo(i)
			return true
		}
	}
	return false
}

func (s *hearingScreen) append(l logLine) {
	s.lines = append(s.lines, l)
	s.log.added()
}

func (s *hearingScreen) showError(what string, err error) {
	next := lang.L("Try again; if it keeps failing, lock and unlock the vault.")
	if errors.Is(err, storage.ErrDiskFull) { // locking would not help
		next = lang.L("Free some space on the disk (delete or move large files), then try again.")
	}
	dialog.ShowError(fmt.Errorf("%s: %w. %s", what, err, next), s.win)
}
