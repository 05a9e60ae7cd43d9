package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
)

// Markers stored as attachments; none may be readable on disk.
const (
	attTextMarker = "ATTACHMARKER-UI-3b7e91"
	attNameMarker = "ATTNAMEMARKER-UI-9c2d40"
)

// attHearing opens the attachments tab of a new hearing in a new vault.
func attHearing(t *testing.T, u *appUI) *attachmentsPanel {
	t.Helper()
	_, _, h := openTestVault(t, u)
	u.openHearing(h.ID)
	u.hearing.showTab(3)
	return u.hearing.attachments
}

// notice draws a w×h PNG: a page with lines of "text".
func notice(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := uint8(235)
			if y%5 == 0 && x > 3 && x < w-4 && (x*7+y*3)%11 != 0 {
				c = 60
			}
			img.SetGray(x, y, color.Gray{Y: c})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// shownImage is p's previewed image if it is on screen in p's tab, or nil.
func shownImage(p *attachmentsPanel) *canvas.Image {
	for _, obj := range test.LaidOutObjects(p.panel()) {
		if img, ok := obj.(*canvas.Image); ok && img == p.image && img.Image != nil && obj.Visible() {
			return img
		}
	}
	return nil
}

func TestAttachmentsAddImageAndText(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // any temporary file would land here, to be scanned
	u := newTestUI(t)
	p := attHearing(t, u)
	v, hearing := u.vault, u.hearing.hearing

	pic := notice(t, 48, 64)
	a, err := p.add(filepath.Join("/photos", "notice.png"), pic)
	if err != nil {
		t.Fatal(err)
	}
	got, err := storage.Load[storage.Attachment](v, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "notice.png" || got.MediaType != "image/png" || got.Size != int64(len(pic)) ||
		got.HearingID != hearing.ID || got.CaseID != hearing.CaseID {
		t.Errorf("stored %+v", got)
	}
	if b, err := v.AttachmentContent(got.SHA256); err != nil || !bytes.Equal(b, pic) {
		t.Errorf("content: %v, equal %v", err, bytes.Equal(b, pic))
	}
	if !hasLabel(p.panel(), "notice.png") || !hasLabel(p.panel(), "sha256 "+got.SHA256[:12]) {
		t.Errorf("not listed: %q", labelTexts(p.panel()))
	}
	img := shownImage(p)
	if img == nil || img.FillMode != canvas.ImageFillContain {
		t.Fatal("no image preview")
	}
	if s := img.Image.Bounds().Size(); s != image.Pt(48, 64) {
		t.Errorf("preview is %v, want 48×64", s)
	}

	// The caption: typed, Enter saves it.
	test.Type(p.caption, "Court notice ដីកាកោះ")
	p.caption.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got, _ := storage.Load[storage.Attachment](v, a.ID); got.Caption != "Court notice ដីកាកោះ" {
		t.Errorf("caption stored %q", got.Caption)
	}
	if !hasLabel(p.panel(), "Court notice ដីកាកោះ") {
		t.Errorf("caption not listed: %q", labelTexts(p.panel()))
	}

	text := []byte("Names read out in court: " + attTextMarker + "\n")
	b, err := p.add(attNameMarker+".txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.MediaType, "text/plain") {
		t.Errorf("text file stored as %q", b.MediaType)
	}
	if p.image != nil || shownImage(p) != nil {
		t.Error("a text file is shown as an image")
	}
	if !hasLabel(p.panel(), attNameMarker+".txt") || !hasLabel(p.panel(), "No preview for this type of file") {
		t.Errorf("text file not listed and described: %q", labelTexts(p.panel()))
	}
	var listed []*storage.Attachment
	if err := v.View(func(tx *storage.Tx) (err error) {
		listed, err = tx.AttachmentsOfHearing(hearing.ID)
		return err
	}); err != nil || len(listed) != 2 {
		t.Fatalf("vault lists %d attachments (%v), want 2", len(listed), err)
	}

	// Nothing readable on disk, while the vault is open and once closed.
	needles := [][]byte{[]byte(attTextMarker), []byte(attNameMarker), pic}
	assertNoPlaintext(t, needles, u.dir, tmp)
	if err := u.close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlaintext(t, needles, u.dir, tmp)
}

// assertNoPlaintext fails if any file under dirs holds one of needles.
func assertNoPlaintext(t *testing.T, needles [][]byte, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, n := range needles {
				if bytes.Contains(b, n) {
					t.Errorf("%s holds needle %d in plaintext", path, i)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAttachmentsSaveCopy(t *testing.T) {
	u := newTestUI(t)
	p := attHearing(t, u)
	if err := p.saveCopy(filepath.Join(t.TempDir(), "x")); err == nil {
		t.Error("saved a copy with nothing chosen")
	}
	text := []byte("Hearing list, " + attTextMarker)
	if _, err := p.add("list.txt", text); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.txt")
	if err := p.saveCopy(out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Equal(b, text) {
		t.Errorf("copy holds %q (%v)", b, err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("folder holds %d files, want only the copy", len(es))
	}
}

// Bad input is refused with what to do, and changes nothing stored.
func TestAttachmentsRefused(t *testing.T) {
	u := newTestUI(t)
	p := attHearing(t, u)
	if _, err := p.add("ok.txt", []byte("fine")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.txt", nil, "Choose another file"},
		{"huge.bin", make([]byte, storage.MaxAttachmentSize+1), "Attach a smaller or scaled-down copy"},
	} {
		_, err := p.add(tc.name, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
	// A file that claims to be an image but is not shows a note, not a crash.
	broken := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	if _, err := p.add("broken.png", broken); err != nil {
		t.Fatal(err)
	}
	if p.image != nil || !hasLabel(p.panel(), "This image could not be shown") {
		t.Errorf("broken image: %q", labelTexts(p.panel()))
	}
	var n int
	if err := u.vault.View(func(tx *storage.Tx) error {
		as, err := tx.AttachmentsOfHearing(u.hearing.hearing.ID)
		n = len(as)
		return err
	}); err != nil || n != 2 {
		t.Errorf("vault holds %d attachments (%v), want 2", n, err)
	}
	if len(p.items) != 2 {
		t.Errorf("list shows %d, want 2", len(p.items))
	}
}

// Attachments stored earlier are listed when the hearing is opened again.
func TestAttachmentsReopen(t *testing.T) {
	u := newTestUI(t)
	p := attHearing(t, u)
	if _, err := p.add("a.png", notice(t, 10, 10)); err != nil {
		t.Fatal(err)
	}
	id := u.hearing.hearing.ID
	u.leaveHearing()
	u.openHearing(id)
	if p := u.hearing.attachments; len(p.items) != 1 || p.items[0].Name != "a.png" {
		t.Errorf("reopened: %d items", len(p.items))
	}
}

func TestAttachmentsLayout(t *testing.T) {
	u := newTestUI(t)
	now := time.Date(2026, 3, 4, 9, 2, 0, 0, time.UTC)
	u.now = func() time.Time { return now }
	dir := u.dir
	u.dir = "/home/monitor/courtwatch-vault" // as shown
	p := attHearingIn(t, u, dir)
	if _, err := p.add("court-notice.png", notice(t, 48, 64)); err != nil {
		t.Fatal(err)
	}
	if err := p.setCaption("Court notice listing the accused, ដីកាកោះ"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.add("hearing-list.txt", []byte("Hearing list\n")); err != nil {
		t.Fatal(err)
	}
	p.list.Select(0)
	test.AssertRendersToMarkup(t, "attachments.xml", u.win.Canvas())
}

// attHearingIn is attHearing with the vault in dir, for a screen that
// shows another folder name.
func attHearingIn(t *testing.T, u *appUI, dir string) *attachmentsPanel {
	t.Helper()
	shown := u.dir
	u.dir = dir
	p := attHearing(t, u)
	u.dir = shown
	u.status.SetText("Vault open: " + shown)
	return p
}

// A caption typed but not yet saved is saved when another file is chosen.
func TestAttachmentsCaptionSavedOnSwitch(t *testing.T) {
	u := newTestUI(t)
	p := attHearing(t, u)
	a, err := p.add("a.png", notice(t, 10, 10))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.add("b.txt", []byte("b")); err != nil {
		t.Fatal(err)
	}
	p.list.Select(0)
	test.Type(p.caption, "Summons")
	p.list.Select(1)
	if got, _ := storage.Load[storage.Attachment](u.vault, a.ID); got.Caption != "Summons" {
		t.Errorf("caption stored %q", got.Caption)
	}
	if p.caption.Text != "" || p.selected != 1 {
		t.Errorf("after switching: field %q, selected %d", p.caption.Text, p.selected)
	}
}

// TestCaptionKeptOnLock: a caption typed but not saved is stored when the
// vault locks, like a half-typed note.
func TestCaptionKeptOnLock(t *testing.T) {
	u := newTestUI(t)
	p := attHearing(t, u)
	a, err := p.add("notice.txt", []byte("Hearing moved to courtroom 3"))
	if err != nil {
		t.Fatal(err)
	}
	p.caption.SetText("Notice on the gate, 8:10")
	u.lock()
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	got, err := storage.Load[storage.Attachment](u.vault, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Caption != "Notice on the gate, 8:10" {
		t.Errorf("caption after lock = %q", got.Caption)
	}
}
