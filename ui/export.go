package ui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/report"
	"courtwatch/storage"
)

// exportSaveShortcut saves from the export preview while it is open.
var exportSaveShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}

// Export formats, as offered and as report.Render names them.
var exportFormats = []struct{ label, format string }{
	{"PDF", "pdf"}, {"HTML", "html"}, {"CSV", "csv"},
}

// exportLangs are the languages a report can be written in, as offered;
// CSV tables are always in English.
var exportLangs = []struct{ label, code string }{
	{"English", report.LangEnglish}, {"ខ្មែរ (Khmer)", report.LangKhmer},
}

// reportLang is the report language that goes with the interface's.
func reportLang() string {
	if currentLanguage() == langKhmer {
		return report.LangKhmer
	}
	return report.LangEnglish
}

// exportTables are the CSV tables, in the order of exportTableLabels.
var exportTables = []report.CSVTable{report.CSVNotes, report.CSVAttendance, report.CSVChecklist, report.CSVMatrix}

func exportTableLabels() []string {
	return []string{lang.L("Notes and events"), lang.L("Attendance"), lang.L("Checklist answers"), lang.L("Defendants across cases")}
}

// exportPreview shows a report as it will be exported, lets the monitor
// choose the format, and saves it where they choose and nowhere else.
type exportPreview struct {
	u       *appUI
	vault   *storage.Vault // the vault the report is made from
	subject report.Subject
	id      uuid.UUID
	opt     report.Options
	doc     *report.Doc
	base    string // default file name without extension, e.g. hearing-2026-03-04

	format   *keySelect
	language *keySelect // of HTML and PDF reports
	table    *keySelect
	saveBtn  *keyButton
	docList  *docList
	content  fyne.CanvasObject
}

// exportReport previews the report about id and saves it where the user
// chooses.
func (u *appUI) exportReport(s report.Subject, id uuid.UUID) {
	u.touch()
	p, err := newExportPreview(u, s, id)
	if err != nil {
		u.fail(lang.L("The report could not be made"), err)
		return
	}
	p.show()
}

// newExportPreview builds the report about id and lays it out for the
// window's size.
func newExportPreview(u *appUI, s report.Subject, id uuid.UUID) (*exportPreview, error) {
	p := &exportPreview{u: u, vault: u.vault, subject: s, id: id, opt: report.Options{Now: u.now(), Lang: reportLang()}}
	var err error
	if p.doc, err = report.Build(p.vault, s, id, p.opt); err != nil {
		return nil, err
	}
	if p.base, err = exportBaseName(p.vault, s, id); err != nil {
		return nil, err
	}
	p.build(u.win.Canvas().Size())
	return p, nil
}

func (p *exportPreview) build(size fyne.Size) {
	var labels []string
	for _, f := range exportFormats {
		labels = append(labels, f.label)
	}
	p.format = newKeySelect(labels, func(string) { p.formatChanged() })
	var langs []string
	for _, l := range exportLangs {
		langs = append(langs, l.label)
	}
	p.language = newKeySelect(langs, func(string) { p.languageChanged() })
	p.table = newKeySelect(exportTableLabels(), nil)
	p.table.SetSelectedIndex(0)
	for i, l := range exportLangs {
		if l.code == p.opt.Lang {
			p.language.SetSelectedIndex(i)
		}
	}
	p.format.SetSelectedIndex(0)
	p.saveBtn = newKeyButton(lang.L("Save…")+"  (Ctrl+S)", theme.DocumentSaveIcon(), p.saveDialog)
	p.saveBtn.Importance = widget.HighImportance

	note := widget.NewLabel(previewNote())
	note.Wrapping = fyne.TextWrapWord
	h := p.format.MinSize().Height
	choice := container.NewHBox(
		widget.NewLabel(lang.L("Format")), container.NewGridWrap(fyne.NewSize(110, h), p.format),
		widget.NewLabel(lang.L("Language")), container.NewGridWrap(fyne.NewSize(170, h), p.language),
		widget.NewLabel(lang.L("CSV table")), container.NewGridWrap(fyne.NewSize(230, h), p.table))
	top := container.NewBorder(nil, nil, container.NewCenter(choice), nil, note)
	p.docList = newDocList(docRows(p.doc), previewWidth(size))
	p.content = container.NewBorder(top, nil, nil, nil, p.docList.list)
}

// previewWidth is about the width of the preview's rows, given the
// window's size.
func previewWidth(win fyne.Size) float32 {
	return max(400, win.Width-100)
}

// formatChanged offers the CSV table only for CSV, and the language only
// for HTML and PDF.
func (p *exportPreview) formatChanged() {
	if p.table == nil {
		return
	}
	if p.choice().format == "csv" {
		p.table.Enable()
		p.language.Disable()
	} else {
		p.table.Disable()
		p.language.Enable()
	}
}

// languageChanged makes the report again in the chosen language and shows
// it.
func (p *exportPreview) languageChanged() {
	i := p.language.SelectedIndex()
	if i < 0 || exportLangs[i].code == p.opt.Lang {
		return
	}
	p.u.touch()
	opt := p.opt
	opt.Lang = exportLangs[i].code
	if p.u.vault != p.vault {
		return // locked since: the preview is gone
	}
	doc, err := report.Build(p.vault, p.subject, p.id, opt)
	if err != nil {
		p.u.fail(lang.L("The report could not be made"), err)
		return
	}
	p.opt, p.doc = opt, doc
	if p.docList != nil {
		p.docList.setRows(docRows(doc), previewWidth(p.u.win.Canvas().Size()))
	}
}

// exportChoice is a format and, for CSV, a table.
type exportChoice struct{ format, table string }

func (p *exportPreview) choice() exportChoice {
	c := exportChoice{format: "pdf"}
	if i := p.format.SelectedIndex(); i >= 0 {
		c.format = exportFormats[i].format
	}
	if c.format == "csv" {
		c.table = string(report.CSVNotes)
		if i := p.table.SelectedIndex(); i >= 0 {
			c.table = string(exportTables[i])
		}
	}
	return c
}

// fileName is the suggested name for the chosen format, e.g.
// hearing-2026-03-04.pdf or hearing-2026-03-04-notes.csv.
func (p *exportPreview) fileName(c exportChoice) string {
	if c.table != "" {
		return p.base + "-" + c.table + "." + c.format
	}
	if p.opt.Lang == report.LangKhmer {
		return p.base + "-km." + c.format
	}
	return p.base + "." + c.format
}

// show opens the preview as a dialog over the window, with Ctrl+S to save.
func (p *exportPreview) show() {
	c := p.u.win.Canvas()
	d := dialog.NewCustomWithoutButtons(lang.L("Export report"), p.content, p.u.win)
	closeBtn := newKeyButton(lang.L("Close"), theme.CancelIcon(), d.Hide)
	d.SetButtons([]fyne.CanvasObject{closeBtn, p.saveBtn})
	c.AddShortcut(exportSaveShortcut, func(fyne.Shortcut) {
		if p.u.vault != p.vault { // locked since: the preview is gone
			c.RemoveShortcut(exportSaveShortcut)
			return
		}
		p.saveDialog()
	})
	d.SetOnClosed(func() { c.RemoveShortcut(exportSaveShortcut) })
	size := c.Size()
	d.Resize(fyne.NewSize(size.Width-40, size.Height-40))
	d.Show()
	c.Focus(p.format)
}

// saveDialog asks where to save the report in the chosen format.
func (p *exportPreview) saveDialog() {
	p.u.touch()
	c := p.choice()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.u.fail(lang.L("The report was not saved"), err)
			return
		}
		if w == nil {
			return // cancelled
		}
		p.saveTo(w, c)
	}, p.u.win)
	d.SetFileName(p.fileName(c))
	showFileDialog(d, p.u.win)
}

func (p *exportPreview) showSaveError(err error) {
	dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("The report was not saved"), err,
		lang.L("Choose a folder you can write to, with enough free space, and save again.")), p.u.win)
}

// saveTo writes the report in the chosen format to w. A PDF or HTML report
// is rendered from the report the preview shows, off the UI goroutine and
// with a progress dialog, so that the window does not freeze while a long
// PDF is made; CSV tables are read from the vault at once.
func (p *exportPreview) saveTo(w fyne.URIWriteCloser, c exportChoice) {
	if c.format == "csv" || p.u.vault != p.vault {
		data, err := p.render(c)
		p.finishSave(w, data, err)
		return
	}
	bar := widget.NewProgressBarInfinite()
	msg := widget.NewLabel(lang.L("Making the report ({{.Format}}) and saving it…", map[string]any{"Format": strings.ToUpper(c.format)}))
	progress := dialog.NewCustomWithoutButtons(lang.L("Export report"), container.NewVBox(msg, bar), p.u.win)
	progress.Show()
	doc := p.doc
	p.u.spawn(func() {
		var b bytes.Buffer
		var err error
		if c.format == "html" {
			err = doc.WriteHTML(&b)
		} else {
			err = doc.WritePDF(&b)
		}
		p.u.do(func() {
			bar.Stop()
			progress.Hide()
			p.finishSave(w, b.Bytes(), err)
		})
	})
}

// finishSave writes data to w, or, if making it failed, removes the empty
// file the save dialog created, and says what went wrong.
func (p *exportPreview) finishSave(w fyne.URIWriteCloser, data []byte, err error) {
	if err == nil {
		err = writeChosen(w, data)
	} else {
		w.Close()
		if w.URI().Scheme() == "file" {
			removeIfEmpty(w.URI().Path())
		}
	}
	if err != nil {
		p.showSaveError(err)
	}
}

// render makes the report's bytes in the chosen format.
func (p *exportPreview) render(c exportChoice) ([]byte, error) {
	if p.u.vault != p.vault {
		return nil, errors.New(lang.L("the vault was locked; unlock it and export the report again"))
	}
	return report.Render(p.vault, p.subject, p.id, c.format, c.table, p.opt)
}

// save writes the report in format (and CSV table) to path, atomically,
// and nowhere else.
func (p *exportPreview) save(path, format, table string) error {
	data, err := p.render(exportChoice{format: format, table: table})
	if err != nil {
		return err
	}
	return report.WriteFile(path, data)
}

// removeIfEmpty removes the empty file a file-save dialog created when
// nothing could be written into it; a file with content is left alone.
func removeIfEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		os.Remove(path)
	}
}

// exportBaseName is the default file name of a report without extension:
// hearing-2026-03-04, case-DEMO-001-2020 or defendant-Kem-Sokha.
func exportBaseName(v *storage.Vault, s report.Subject, id uuid.UUID) (string, error) {
	switch s {
	case report.SubjectHearing:
		h, err := storage.Load[storage.Hearing](v, id)
		if err != nil {
			return "", err
		}
		c, err := storage.Load[storage.Case](v, h.CaseID)
		if err != nil {
			return "", err
		}
		return "hearing-" + zoneOf(c).in(h.Scheduled).Format("2006-01-02"), nil
	case report.SubjectCase:
		c, err := storage.Load[storage.Case](v, id)
		if err != nil {
			return "", err
		}
		return "case-" + fileSlug(c.Number, c.Title), nil
	case report.SubjectDefendant:
		person, err := storage.Load[storage.Person](v, id)
		if err != nil {
			return "", err
		}
		return "defendant-" + fileSlug(person.Name, person.NameLocal), nil
	}
	return "", errors.New(lang.L("A report is about a hearing, a case or a defendant."))
}

// fileSlug is the first non-empty name with every run of characters other
// than letters, marks and digits turned into one hyphen, cut to 40 runes.
func fileSlug(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		dash := false
		for _, r := range n {
			if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				b.WriteRune(r)
				dash = false
			} else {
				dash = true
			}
		}
		break
	}
	s := []rune(b.String())
	if len(s) > 40 {
		s = s[:40]
	}
	if len(s) == 0 {
		return "report"
	}
	return strings.TrimRight(string(s), "-")
}
