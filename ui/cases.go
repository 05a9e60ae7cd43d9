package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/report"
	"courtwatch/storage"
)

// casesScreen is the Cases tab: the list of cases on the left and the page
// of the chosen case on the right, with its details and charges, its
// hearings on a timeline and its defendants in a table. Cases, defendants
// and hearings are created and edited in the forms of caseform.go and
// hearingform.go; tapping a hearing opens the hearing screen.
type casesScreen struct {
	u     *appUI
	vault *storage.Vault

	cases    []*storage.Case
	selected int           // index in cases of the case shown, or -1
	cur      *storage.Case // the case shown, or nil
	defs     []defendantRow
	hearings []*storage.Hearing
	defSel   int // selected row of defs, or -1

	list     *widget.List
	title    *widget.Label
	detail   *widget.Label
	hearList *widget.List
	defTable *widget.Table
	defCount *widget.Label
	hearHead *widget.Label

	newCase, editCase, export  *widget.Button
	addDef, editDef, defReport *widget.Button
	addHearing                 *widget.Button
	defColumns                 []string
	page                       fyne.CanvasObject // hidden until a case is chosen
	empty                      *widget.Label
	content                    fyne.CanvasObject

	caseForm *caseForm      // the case form opened last
	defForm  *defendantForm // the defendant form opened last
	hearForm *hearingForm   // the hearing form opened last
}

// defendantRow is one defendant of the case shown, with the person.
type defendantRow struct {
	d      *storage.CaseDefendant
	person *storage.Person
}

func newCasesScreen(u *appUI) (*casesScreen, error) {
	s := &casesScreen{u: u, vault: u.vault, selected: -1, defSel: -1}
	if err := s.loadCases(); err != nil {
		return nil, err
	}
	s.list = widget.NewList(
		func() int { return len(s.cases) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := s.cases[i]
			o.(*widget.Label).SetText(strings.TrimSpace(c.Number + "  " + c.Title))
		},
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		s.selected = i
		s.show(s.cases[i])
	}
	s.newCase = widget.NewButtonWithIcon(lang.L("New case…"), theme.ContentAddIcon(), func() { s.openCaseForm(nil) })
	left := container.NewBorder(s.newCase, nil, nil, nil, s.list)

	s.empty = widget.NewLabel(lang.L("Choose a case on the left, or create one with “New case…”."))
	s.empty.Wrapping = fyne.TextWrapWord
	s.page = s.buildPage()
	s.page.Hide()
	split := container.NewHSplit(left, container.NewStack(container.NewVBox(s.empty), s.page))
	split.Offset = 0.27
	s.content = split
	u.onVaultChange("cases", s.refresh)
	return s, nil
}

func (s *casesScreen) loadCases() error {
	return s.vault.View(func(tx *storage.Tx) (err error) {
		s.cases, err = tx.Cases()
		return err
	})
}

// buildPage lays out the case page: details and hearings side by side
// above the defendants table.
func (s *casesScreen) buildPage() fyne.CanvasObject {
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.Wrapping = fyne.TextWrapWord
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.editCase = widget.NewButtonWithIcon(lang.L("Edit case…"), theme.DocumentCreateIcon(), func() { s.openCaseForm(s.cur) })
	s.export = widget.NewButtonWithIcon(lang.L("Export report…"), theme.DocumentSaveIcon(), func() {
		if s.cur != nil {
			s.u.exportReport(report.SubjectCase, s.cur.ID)
		}
	})
	info := container.NewBorder(container.NewHBox(s.editCase, s.export), nil, nil, nil,
		container.NewVScroll(container.NewVBox(s.title, s.detail)))

	s.hearHead = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.addHearing = widget.NewButtonWithIcon(lang.L("Add hearing…"), theme.ContentAddIcon(), func() { s.openHearingForm(nil) })
	s.hearList = s.buildHearingList()
	hearings := container.NewBorder(container.NewBorder(nil, nil, nil, s.addHearing, s.hearHead), nil, nil, nil, s.hearList)

	s.defCount = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.addDef = widget.NewButtonWithIcon(lang.L("Add defendant…"), theme.ContentAddIcon(), func() { s.openDefendantForm(nil) })
	s.editDef = widget.NewButtonWithIcon(lang.L("Edit defendant…"), theme.DocumentCreateIcon(), s.editSelectedDefendant)
	s.defReport = widget.NewButtonWithIcon(lang.L("Defendant report…"), theme.DocumentSaveIcon(), func() {
		if s.defSel >= 0 && s.defSel < len(s.defs) {
			s.u.exportReport(report.SubjectDefendant, s.defs[s.defSel].d.PersonID)
		}
	})
	s.defTable = s.buildDefendantTable()
	defBar := container.NewBorder(nil, nil, nil, container.NewHBox(s.addDef, s.editDef, s.defReport), s.defCount)
	defendants := container.NewBorder(defBar, nil, nil, nil, s.defTable)

	upper := container.NewHSplit(info, hearings)
	upper.Offset = 0.5
	page := container.NewVSplit(upper, defendants)
	page.Offset = 0.45
	return page
}

// buildHearingList is the timeline: one row per hearing in date order,
// marked past, today or upcoming, with an Edit button. Tapping the row
// opens the hearing screen.
func (s *casesScreen) buildHearingList() *widget.List {
	l := widget.NewList(
		func() int { return len(s.hearings) },
		func() fyne.CanvasObject {
			when := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			when.Truncation = fyne.TextTruncateEllipsis
			what := widget.NewLabel("")
			what.Truncation = fyne.TextTruncateEllipsis
			edit := widget.NewButtonWithIcon(lang.L("Edit…"), theme.DocumentCreateIcon(), nil)
			lines := container.New(&tightVBox{}, when, what)
			return container.NewBorder(nil, nil, nil, container.NewCenter(edit), lines)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := s.hearings[i]
			row := o.(*fyne.Container)
			lines := row.Objects[0].(*fyne.Container)
			when, what := lines.Objects[0].(*widget.Label), lines.Objects[1].(*widget.Label)
			text, imp := s.hearingWhen(h)
			when.Importance = imp
			when.SetText(text)
			what.SetText(hearingWhat(h, zoneOf(s.cur)))
			row.Objects[1].(*fyne.Container).Objects[0].(*widget.Button).OnTapped = func() { s.openHearingForm(h) }
		},
	)
	l.OnSelected = func(i widget.ListItemID) {
		l.UnselectAll()
		s.u.openHearing(s.hearings[i].ID)
	}
	return l
}

// buildDefendantTable is a virtualised table of the case's defendants:
// name (Latin and Khmer), charges, counsel and status.
func (s *casesScreen) buildDefendantTable() *widget.Table {
	s.defColumns = []string{lang.L("Defendant"), lang.L("Charges"), lang.L("Counsel"), lang.L("Status")}
	t := widget.NewTable(
		func() (int, int) { return len(s.defs), len(s.defColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(s.defendantCell(s.defs[id.Row], id.Col))
		},
	)
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(s.defColumns) {
			o.(*widget.Label).SetText(s.defColumns[id.Col])
		}
	}
	for i, w := range []float32{210, 145, 110, 240} {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(id widget.TableCellID) {
		s.defSel = id.Row
		s.editDef.Enable()
		s.defReport.Enable()
	}
	return t
}

// defendantCell is the text of one column of a defendant's row.
func (s *casesScreen) defendantCell(r defendantRow, col int) string {
	switch col {
	case 0:
		return r.person.DisplayName()
	case 1:
		return chargesShort(r.d.Charges)
	case 2:
		return r.d.Counsel
	}
	return defendantStatus(r.d)
}

// show fills the page with case c, its hearings and its defendants.
func (s *casesScreen) show(c *storage.Case) {
	var defs []defendantRow
	var hs []*storage.Hearing
	err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		if hs, err = tx.HearingsOfCase(c.ID); err != nil {
			return err
		}
		ds, err := tx.DefendantsOfCase(c.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			p := &storage.Person{}
			if err := tx.Get(d.PersonID, p); err != nil {
				return err
			}
			defs = append(defs, defendantRow{d: d, person: p})
		}
		return nil
	})
	s.cur = c
	s.empty.Hide()
	s.page.Show()
	if err != nil {
		s.hearings, s.defs = nil, nil
		s.title.SetText(c.Title)
		s.detail.SetText(lang.L("This case could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
	} else {
		slices.SortStableFunc(hs, func(a, b *storage.Hearing) int { return a.Scheduled.Compare(b.Scheduled) })
		s.hearings, s.defs = hs, defs
		s.title.SetText(c.Title)
		s.detail.SetText(caseDetail(c, s.u.now()))
	}
	s.hearHead.SetText(lang.L("Hearings ({{.N}})", map[string]any{"N": len(s.hearings)}))
	s.defCount.SetText(lang.L("Defendants ({{.N}})", map[string]any{"N": len(s.defs)}))
	s.defSel = -1
	s.defTable.UnselectAll()
	s.editDef.Disable()
	s.defReport.Disable()
	s.hearList.Refresh()
	s.defTable.Refresh()
}

// caseDetail is court, number, time zone (as at now), judges, prosecutors
// and charges, a line each. The hearings beside it are shown in that zone.
func caseDetail(c *storage.Case, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n%s: %s", lang.L("Court"), c.Court, lang.L("Number"), c.Number)
	fmt.Fprintf(&b, "\n%s: %s", lang.L("Time zone"), zoneOf(c).label(now))
	if len(c.Judges) > 0 {
		fmt.Fprintf(&b, "\n%s: %s", lang.L("Judges"), strings.Join(c.Judges, ", "))
	}
	if len(c.Prosecutors) > 0 {
		fmt.Fprintf(&b, "\n%s: %s", lang.L("Prosecutors"), strings.Join(c.Prosecutors, ", "))
	}
	if len(c.Charges) > 0 {
		fmt.Fprintf(&b, "\n%s:", lang.L("Charges"))
	}
	for _, ch := range c.Charges {
		fmt.Fprintf(&b, "\n%s %s: %s", lang.L("Art."), ch.Article, ch.Label)
	}
	return b.String()
}

// chargesShort is a defendant's charges in short: "453 Plotting; 494 …".
func chargesShort(cs []storage.Charge) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// statusLabel is the translated name of a defendant status.
func statusLabel(status string) string {
	switch status {
	case storage.StatusDetained:
		return lang.L("Detained")
	case storage.StatusBail:
		return lang.L("On bail")
	case storage.StatusAtLiberty:
		return lang.L("At liberty")
	case storage.StatusInAbsentia:
		return lang.L("In absentia")
	case "":
		return lang.L("Status not recorded")
	}
	return status
}

// defendantStatus is the status with its reason, if any.
func defendantStatus(d *storage.CaseDefendant) string {
	if d.StatusReason == "" {
		return statusLabel(d.Status)
	}
	return statusLabel(d.Status) + ": " + d.StatusReason
}

// hearingWhen is the first line of a hearing's row: past, today or
// upcoming, then the date and time.
func (s *casesScreen) hearingWhen(h *storage.Hearing) (string, widget.Importance) {
	z := zoneOf(s.cur)
	when := formatDayTime(h.Scheduled, z.loc)
	today := z.startOfDay(s.u.now())
	switch {
	case h.Scheduled.Before(today):
		return lang.L("Past") + " · " + when, widget.LowImportance
	case h.Scheduled.Before(today.AddDate(0, 0, 1)):
		return lang.L("Today") + " · " + when, widget.HighImportance
	}
	return lang.L("Upcoming") + " · " + when, widget.MediumImportance
}

// hearingWhat is the second line of a hearing's row: courtroom, access and
// when it started and ended, in the court's zone z.
func hearingWhat(h *storage.Hearing, z courtZone) string {
	var parts []string
	if room := h.Courtroom; room != "" && !strings.ContainsFunc(room, unicode.IsLetter) {
		parts = append(parts, lang.L("Courtroom {{.Room}}", map[string]any{"Room": room}))
	} else if room != "" { // already named, e.g. "Courtroom 2" or "Hall A"
		parts = append(parts, room)
	}
	if h.Access != "" {
		parts = append(parts, accessLabel(h.Access))
	}
	switch {
	case h.Started.IsZero():
		parts = append(parts, lang.L("Not started"))
	case h.Ended.IsZero():
		parts = append(parts, lang.L("Started {{.Time}}", map[string]any{"Time": z.in(h.Started).Format("15:04")}))
	default:
		parts = append(parts, lang.L("Started {{.Start}}, ended {{.End}}", map[string]any{
			"Start": z.in(h.Started).Format("15:04"), "End": z.in(h.Ended).Format("15:04")}))
	}
	return strings.Join(parts, " · ")
}

// showCase selects the case with this id and shows it afresh.
func (s *casesScreen) showCase(id uuid.UUID) {
	for i, c := range s.cases {
		if c.ID == id {
			s.list.ScrollTo(i)
			if s.selected == i {
				s.show(c)
			} else {
				s.list.Select(i)
			}
			return
		}
	}
}

// reload tells every screen that the vault changed after a save here
// (this one re-reads itself like the others), then shows case id.
func (s *casesScreen) reload(id uuid.UUID) {
	s.u.vaultChanged()
	if s.cur == nil || s.cur.ID != id {
		s.showCase(id)
	}
}

// refresh re-reads the cases and shows the case shown before afresh: the
// cases tab's answer to the vault-changed notice.
func (s *casesScreen) refresh() {
	if err := s.loadCases(); err != nil {
		s.u.fail(lang.L("The cases could not be read"), err)
		return
	}
	cur := s.cur
	s.selected = -1
	s.list.UnselectAll()
	s.list.Refresh()
	if cur != nil {
		s.showCase(cur.ID)
	}
}

// editSelectedDefendant opens the form for the selected defendant row.
func (s *casesScreen) editSelectedDefendant() {
	if s.defSel >= 0 && s.defSel < len(s.defs) {
		s.openDefendantForm(&s.defs[s.defSel])
	}
}

// tightVBox stacks objects with no padding between them, for two-line
// list rows.
type tightVBox struct{}

func (*tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		size.Width = max(size.Width, m.Width)
		size.Height += m.Height
	}
	return size
}

func (*tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

// minHeight wraps o so that it is at least h tall, for lists in forms.
func minHeight(o fyne.CanvasObject, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return container.NewStack(r, o)
}
