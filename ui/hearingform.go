package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// accessValues are the stored values of a hearing's access, in the order
// the form offers them.
var accessValues = []string{"public", "restricted", "closed"}

// accessLabel is the translated name of a hearing's access.
func accessLabel(access string) string {
	switch access {
	case "public":
		return lang.L("Public")
	case "restricted":
		return lang.L("Restricted")
	case "closed":
		return lang.L("Closed")
	}
	return access
}

// hearingForm schedules a hearing of the case shown, or edits one.
type hearingForm struct {
	*formDialog
	hearing *storage.Hearing // nil when adding
	zone    courtZone        // the court's: the date and time are read in it

	date, clock, courtroom         *keyEntry
	access                         *keySelect
	values                         []string // stored access value of each option
	judges, prosecutors, observers *keyEntry
}

// openHearingForm opens the form for a new hearing (h nil) or for editing
// h. A new hearing starts with today's date and the case's judges and
// prosecutors.
func (s *casesScreen) openHearingForm(h *storage.Hearing) {
	if s.cur == nil {
		return
	}
	z := zoneOf(s.cur)
	f := &hearingForm{hearing: h, zone: z, date: newKeyEntry(), clock: newKeyEntry(), courtroom: newKeyEntry()}
	src := &storage.Hearing{Judges: s.cur.Judges, Prosecutors: s.cur.Prosecutors}
	f.date.SetText(z.in(s.u.now()).Format("2006-01-02"))
	if h != nil {
		src = h
		f.date.SetText(z.in(h.Scheduled).Format("2006-01-02"))
		f.clock.SetText(z.in(h.Scheduled).Format("15:04"))
	}
	f.date.SetPlaceHolder("YYYY-MM-DD")
	f.clock.SetPlaceHolder("HH:MM")
	f.courtroom.SetText(src.Courtroom)
	f.judges, f.prosecutors, f.observers = listEntry(src.Judges), listEntry(src.Prosecutors), listEntry(src.Observers)

	f.values = slices.Clone(accessValues)
	if src.Access != "" && !slices.Contains(f.values, src.Access) {
		f.values = append(f.values, src.Access) // kept as it came, e.g. from an import
	}
	var labels []string
	for _, v := range f.values {
		labels = append(labels, accessLabel(v))
	}
	f.access = newKeySelect(labels, nil)
	f.access.PlaceHolder = lang.L("Not recorded")
	if i := slices.Index(f.values, src.Access); i >= 0 {
		f.access.SetSelectedIndex(i)
	}

	perLine := lang.L("One per line; Shift+Enter saves")
	form := widget.NewForm(
		hinted(lang.L("Date"), f.date, lang.L("YYYY-MM-DD, e.g. 2026-03-04")),
		hinted(lang.L("Time"), f.clock, lang.L("HH:MM, 24-hour clock, e.g. 08:30, in {{.Zone}}",
			map[string]any{"Zone": z.label(s.u.now())})),
		widget.NewFormItem(lang.L("Courtroom"), f.courtroom),
		widget.NewFormItem(lang.L("Access"), f.access),
		hinted(lang.L("Judges"), f.judges, perLine),
		hinted(lang.L("Prosecutors"), f.prosecutors, perLine),
		hinted(lang.L("Observers"), f.observers, perLine),
	)
	title := lang.L("Add hearing")
	if h != nil {
		title = lang.L("Edit hearing")
	}
	f.formDialog = newFormDialog(title, form, s.u.win, func() error { return s.saveHearing(f) })
	f.submitOn(f.date, f.clock, f.courtroom, f.judges, f.prosecutors, f.observers)
	s.hearForm = f
	f.show(s.u.win, f.date)
}

// scheduled reads the date and time fields as a time in the court's zone.
func (f *hearingForm) scheduled() (time.Time, formErrors) {
	var problems formErrors
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(f.date.Text), f.zone.loc)
	if err != nil {
		problems = append(problems, lang.L("Date: write it as YYYY-MM-DD, e.g. 2026-03-04."))
	}
	clock, err := time.Parse("15:04", strings.TrimSpace(f.clock.Text))
	if err != nil {
		problems = append(problems, lang.L("Time: write it as HH:MM on the 24-hour clock, e.g. 08:30."))
	}
	if len(problems) > 0 {
		return time.Time{}, problems
	}
	y, m, d := day.Date()
	return time.Date(y, m, d, clock.Hour(), clock.Minute(), 0, 0, f.zone.loc), nil
}

// saveHearing checks the form and stores the hearing. Editing keeps what
// the form does not show: the start and end times and the listed
// defendants.
func (s *casesScreen) saveHearing(f *hearingForm) error {
	when, problems := f.scheduled()
	if len(problems) > 0 {
		return problems
	}
	h := storage.Hearing{CaseID: s.cur.ID}
	if f.hearing != nil {
		h = *f.hearing
	}
	h.Scheduled, h.Courtroom = when, strings.TrimSpace(f.courtroom.Text)
	h.Access = ""
	if i := f.access.SelectedIndex(); i >= 0 {
		h.Access = f.values[i]
	}
	h.Judges, h.Prosecutors, h.Observers = lines(f.judges.Text), lines(f.prosecutors.Text), lines(f.observers.Text)
	if err := s.vault.Put(&h); err != nil {
		return saveError(err)
	}
	s.reload(s.cur.ID)
	return nil
}
