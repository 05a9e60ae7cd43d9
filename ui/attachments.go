package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for the preview
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/report"
	"courtwatch/storage"
)

// attachmentsPanel is the attachments tab of the hearing screen: files such
// as a photo of the court notice, stored encrypted in the vault. Images are
// decoded from memory and previewed in the app; no plaintext copy of any
// attachment is written to disk unless the monitor saves one on purpose.
type attachmentsPanel struct {
	s     *hearingScreen
	items []*storage.Attachment

	list    *widget.List
	empty   *widget.Label
	title   *widget.Label
	info    *widget.Label
	view    *fyne.Container // the image, or an icon for other files
	image   *canvas.Image   // the previewed image; nil when none is shown
	caption *widget.Entry
	saveCap *widget.Button
	copyBtn *widget.Button
	content fyne.CanvasObject

	selected int    // index into items; -1 for none
	data     []byte // the selected attachment's bytes, in memory only
}

// previewTypes are the media types decoded and shown in the app.
var previewTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

func newAttachmentsPanel(s *hearingScreen) (*attachmentsPanel, error) {
	p := &attachmentsPanel{s: s, selected: -1}
	if err := s.vault.View(func(tx *storage.Tx) (err error) {
		p.items, err = tx.AttachmentsOfHearing(s.hearing.ID)
		return err
	}); err != nil {
		return nil, err
	}
	p.build()
	return p, nil
}

func (p *attachmentsPanel) panel() fyne.CanvasObject { return p.content }

func (p *attachmentsPanel) build() {
	p.list = widget.NewList(
		func() int { return len(p.items) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(name, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a, row := p.items[i], o.(*fyne.Container).Objects
			row[0].(*widget.Label).SetText(a.Name)
			row[1].(*widget.Label).SetText(attachmentDetail(a))
		},
	)
	p.list.OnSelected = func(i widget.ListItemID) { p.show(i) }
	p.empty = widget.NewLabel(lang.L("No files attached to this hearing yet. Use “Add file…” to attach a photo of the court notice or another document."))
	p.empty.Wrapping = fyne.TextWrapWord
	add := widget.NewButtonWithIcon(lang.L("Add file…"), theme.ContentAddIcon(), p.addDialog)
	add.Importance = widget.HighImportance
	left := container.NewBorder(add, nil, nil, nil, container.NewStack(p.list, container.NewVBox(p.empty)))

	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.info = widget.NewLabel("")
	p.info.Truncation = fyne.TextTruncateEllipsis
	p.view = container.NewStack()
	p.caption = widget.NewEntry()
	p.caption.SetPlaceHolder(lang.L("Caption, e.g. what the file shows; Enter saves it"))
	p.caption.OnSubmitted = func(string) { p.submitCaption() }
	p.saveCap = widget.NewButtonWithIcon(lang.L("Save caption"), theme.DocumentSaveIcon(), p.submitCaption)
	p.copyBtn = widget.NewButtonWithIcon(lang.L("Save a copy…"), theme.DownloadIcon(), p.saveCopyDialog)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(p.saveCap, p.copyBtn), p.caption)
	right := container.NewBorder(container.NewVBox(p.title, p.info), bottom, nil, nil, p.view)

	split := container.NewHSplit(left, right)
	split.Offset = 0.4
	p.content = split
	p.showNone()
	p.refreshEmpty()
}

// attachmentDetail is the second line of a list row: size, hash prefix
// and caption.
func attachmentDetail(a *storage.Attachment) string {
	parts := []string{attachmentSizeText(a.Size), "sha256 " + shortHash(a.SHA256)}
	if c := strings.TrimSpace(a.Caption); c != "" {
		parts = append(parts, strings.ReplaceAll(c, "\n", " "))
	}
	return strings.Join(parts, " · ")
}

func shortHash(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// attachmentSizeText is n bytes in B, KB or MB.
func attachmentSizeText(n int64) string {
	switch {
	case n < 1<<10:
		return lang.L("{{.N}} B", map[string]any{"N": n})
	case n < 1<<20:
		return lang.L("{{.N}} KB", map[string]any{"N": fmt.Sprintf("%.1f", float64(n)/(1<<10))})
	}
	return lang.L("{{.N}} MB", map[string]any{"N": fmt.Sprintf("%.1f", float64(n)/(1<<20))})
}

func (p *attachmentsPanel) refreshEmpty() {
	if len(p.items) == 0 {
		p.empty.Show()
	} else {
		p.empty.Hide()
	}
}

// add stores data as an attachment of the hearing, named name, lists it
// and shows it. Its errors say what to do.
func (p *attachmentsPanel) add(name string, data []byte) (*storage.Attachment, error) {
	switch {
	case len(data) == 0:
		return nil, errors.New(lang.L("The file is empty, so there is nothing to attach. Choose another file."))
	case len(data) > storage.MaxAttachmentSize:
		return nil, errors.New(lang.L("The file is larger than {{.Max}}, the most an attachment may be. Attach a smaller or scaled-down copy.",
			map[string]any{"Max": attachmentSizeText(storage.MaxAttachmentSize)}))
	}
	a := &storage.Attachment{
		HearingID: p.s.hearing.ID, CaseID: p.s.hearing.CaseID,
		Name: filepath.Base(name), MediaType: http.DetectContentType(data),
	}
	if err := p.s.vault.AddAttachment(a, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%s: %w. %s", lang.L("The file was not attached"), err,
			lang.L("Try again; if it keeps failing, lock and unlock the vault."))
	}
	p.items = append(p.items, a)
	p.refreshEmpty()
	p.list.Refresh()
	p.list.Select(len(p.items) - 1)
	return a, nil
}

// addDialog asks for a file, reads it into memory and attaches it.
func (p *attachmentsPanel) addDialog() {
	p.s.activity()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.s.showError(lang.L("The file could not be opened"), err)
			return
		}
		if r == nil {
			return // cancelled
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, storage.MaxAttachmentSize+1))
		if err != nil {
			dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("The file could not be read"), err,
				lang.L("Check that it is still there and readable, then add it again.")), p.s.win)
			return
		}
		if _, err := p.add(r.URI().Name(), data); err != nil {
			dialog.ShowError(err, p.s.win)
			return
		}
		p.s.win.Canvas().Focus(p.caption)
	}, p.s.win)
	showFileDialog(d, p.s.win)
}

// show loads attachment i into memory and previews it. A caption typed
// for the attachment shown before is saved first; if that fails, that
// attachment stays shown, with the caption still in the field.
func (p *attachmentsPanel) show(i int) {
	p.s.activity()
	if i == p.selected {
		return
	}
	if prev := p.selected; prev >= 0 && p.caption.Text != p.items[prev].Caption {
		if err := p.setCaption(p.caption.Text); err != nil {
			p.s.showError(lang.L("The caption was not saved; it is still in the field"), err)
			p.list.Select(prev)
			return
		}
	}
	a := p.items[i]
	p.selected, p.data, p.image = i, nil, nil
	p.title.SetText(a.Name)
	p.caption.SetText(a.Caption)
	p.caption.Enable()
	p.saveCap.Enable()
	typ := a.MediaType
	if typ == "" {
		typ = lang.L("unknown type")
	}
	p.info.SetText(fmt.Sprintf("%s · %s · sha256 %s", typ, attachmentSizeText(a.Size), a.SHA256))
	data, err := p.s.vault.AttachmentContent(a.SHA256)
	if err != nil {
		p.copyBtn.Disable()
		p.setView(widget.NewIcon(theme.ErrorIcon()), lang.L("The file's content could not be read: {{.Err}}. Lock and unlock the vault; if it still fails, the vault folder may be damaged.",
			map[string]any{"Err": err.Error()}))
		return
	}
	p.data = data
	p.copyBtn.Enable()
	if !previewTypes[a.MediaType] {
		p.setView(widget.NewIcon(theme.FileIcon()), lang.L("No preview for this type of file. Use “Save a copy…” to open it in another program."))
		return
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		p.setView(widget.NewIcon(theme.FileImageIcon()), lang.L("This image could not be shown ({{.Err}}). Use “Save a copy…” to open it in another program.",
			map[string]any{"Err": err.Error()}))
		return
	}
	p.image = canvas.NewImageFromImage(img)
	p.image.FillMode = canvas.ImageFillContain
	p.image.ScaleMode = canvas.ImageScaleSmooth
	p.setView(p.image, "")
}

// setView shows o in the preview area, with a note under it if note is set.
func (p *attachmentsPanel) setView(o fyne.CanvasObject, note string) {
	if note != "" {
		l := widget.NewLabel(note)
		l.Wrapping = fyne.TextWrapWord
		o = container.NewBorder(nil, l, nil, nil, o)
	}
	p.view.Objects = []fyne.CanvasObject{o}
	p.view.Refresh()
}

// showNone empties the preview side.
func (p *attachmentsPanel) showNone() {
	p.selected, p.data, p.image = -1, nil, nil
	p.title.SetText(lang.L("No file chosen"))
	p.info.SetText(lang.L("Choose a file on the left to see it here."))
	p.caption.SetText("")
	p.caption.Disable()
	p.saveCap.Disable()
	p.copyBtn.Disable()
	p.setView(widget.NewIcon(theme.FileIcon()), "")
}

// submitCaption stores the caption field as the selected attachment's
// caption. On failure the field keeps what was typed and the stored
// record is unchanged.
func (p *attachmentsPanel) submitCaption() {
	if err := p.setCaption(p.caption.Text); err != nil {
		p.s.showError(lang.L("The caption was not saved; it is still in the field"), err)
	}
}

func (p *attachmentsPanel) setCaption(text string) error {
	p.s.activity()
	if p.selected < 0 {
		return nil
	}
	a := p.items[p.selected]
	if text == a.Caption {
		return nil
	}
	c := *a
	c.Caption = text
	if err := p.s.vault.Put(&c); err != nil {
		return err
	}
	*a = c
	if p.caption.Text != text {
		p.caption.SetText(text)
	}
	p.list.RefreshItem(p.selected)
	return nil
}

// saveCopyDialog asks where to save a copy of the selected attachment.
func (p *attachmentsPanel) saveCopyDialog() {
	p.s.activity()
	if p.selected < 0 || p.data == nil {
		return
	}
	data := p.data
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.s.showError(lang.L("The copy was not saved"), err)
			return
		}
		if w != nil {
			if err := writeChosen(w, data); err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("The copy was not saved"), err,
					lang.L("Choose a folder you can write to, with enough free space, and try again.")), p.s.win)
			}
		}
	}, p.s.win)
	d.SetFileName(p.items[p.selected].Name)
	showFileDialog(d, p.s.win)
}

// saveCopy writes the selected attachment to path (tests; the dialog
// goes through writeChosen).
func (p *attachmentsPanel) saveCopy(path string) error {
	if p.data == nil {
		return errors.New(lang.L("Choose a file first."))
	}
	return report.WriteFile(path, p.data)
}

// writeChosen writes data where a file-save dialog chose. A local file is
// written atomically with report.WriteFile (a temporary file beside it,
// synced, then renamed), so it exists whole or not at all; the empty file
// the dialog created is removed if that fails. Other locations are
// written through the dialog's writer.
func writeChosen(w fyne.URIWriteCloser, data []byte) error {
	u := w.URI()
	if u.Scheme() != "file" {
		_, err := w.Write(data)
		return errors.Join(err, w.Close())
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := report.WriteFile(u.Path(), data); err != nil {
		removeIfEmpty(u.Path())
		return err
	}
	return nil
}
