package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/demo"
	"courtwatch/report"
	"courtwatch/storage"
)

// exportVault opens u on a new vault holding one hearing of a case with
// two defendants, one with a Khmer name, an attendance record and a note.
// It returns the hearing's id.
func exportVault(t *testing.T, u *appUI) (caseID, hearingID uuid.UUID) {
	t.Helper()
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "test laptop"})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "DEMO 001/2020", Title: "Plotting: mass trial I",
		Judges: []string{"Chea Sovannara"}, Charges: []storage.Charge{{Article: "453", Label: "Plotting"}}}
	kem := &storage.Person{Name: "Kem Sokha", NameLocal: "កឹម សុខា"}
	mu := &storage.Person{Name: "Mu Sochua"}
	if err := v.Put(c, kem, mu); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC),
		Started: time.Date(2026, 3, 4, 8, 52, 0, 0, time.UTC), Courtroom: "Courtroom 2", Access: "public"}
	recs := []storage.Record{
		&storage.CaseDefendant{CaseID: c.ID, PersonID: kem.ID, Status: storage.StatusBail, Counsel: "Sok Chanthy"},
		&storage.CaseDefendant{CaseID: c.ID, PersonID: mu.ID, Status: storage.StatusInAbsentia, StatusReason: "abroad"},
		h,
	}
	if err := v.Put(recs...); err != nil {
		t.Fatal(err)
	}
	if err := v.Put(
		&storage.Attendance{HearingID: h.ID, PersonID: kem.ID, Presence: storage.PresencePresent, Counsel: storage.CounselWasPresent},
		&storage.Note{HearingID: h.ID, Time: h.Started.Add(5 * time.Minute), Text: "Judge reads the charges against កឹម សុខា", Source: storage.SourceSeen},
	); err != nil {
		t.Fatal(err)
	}
	u.opened(v)
	return c.ID, h.ID
}

// richTexts returns the text of every rich text and label in o's tree.
func richTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		switch w := obj.(type) {
		case *widget.RichText:
			out = append(out, w.String())
		case *widget.Label:
			out = append(out, w.Text)
		}
	}
	return out
}

// previewHas reports whether a row of p holds text containing sub, and
// which.
func previewHas(p *exportPreview, sub string) (int, bool) {
	for i, r := range p.docList.rows {
		for _, s := range r.segs {
			if strings.Contains(s.Text, sub) {
				return i, true
			}
		}
	}
	return 0, false
}

func TestExportPreviewShowsReport(t *testing.T) {
	u := newTestUI(t)
	_, hid := exportVault(t, u)
	p, err := newExportPreview(u, report.SubjectHearing, hid)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DEMO 001/2020: Plotting: mass trial I", "Hearing report", "Kem Sokha", "កឹម សុខា",
		"Attendance", "Judge reads the charges against កឹម សុខា", "Generated 2026-03-04"} {
		if _, ok := previewHas(p, want); !ok {
			t.Errorf("preview does not hold %q", want)
		}
	}
	// On screen: the title at the top; the Khmer name once scrolled to.
	p.show()
	onScreen := func(sub string) bool {
		return slices.ContainsFunc(richTexts(u.win.Canvas().Overlays().Top()), func(s string) bool { return strings.Contains(s, sub) })
	}
	if !onScreen("DEMO 001/2020: Plotting: mass trial I") {
		t.Error("case title not on screen")
	}
	if onScreen("Judge reads the charges") {
		t.Error("the log is on screen before scrolling: the preview does not fit the window")
	}
	i, _ := previewHas(p, "កឹម សុខា")
	p.docList.list.ScrollTo(i)
	if !onScreen("កឹម សុខា") {
		t.Error("Khmer name not on screen once scrolled to")
	}

	c := p.choice()
	if c.format != "pdf" || p.fileName(c) != "hearing-2026-03-04.pdf" || !p.table.Disabled() {
		t.Errorf("default choice %+v, name %q", c, p.fileName(c))
	}
	p.format.SetSelectedIndex(2)
	p.table.SetSelectedIndex(1)
	if c := p.choice(); c.format != "csv" || c.table != "attendance" || p.fileName(c) != "hearing-2026-03-04-attendance.csv" || p.table.Disabled() {
		t.Errorf("CSV choice %+v, name %q", c, p.fileName(c))
	}
}

func TestExportSave(t *testing.T) {
	u := newTestUI(t)
	_, hid := exportVault(t, u)
	p, err := newExportPreview(u, report.SubjectHearing, hid)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		format, table, name, prefix, contains string
	}{
		{"pdf", "", "hearing-2026-03-04.pdf", "%PDF", ""},
		{"html", "", "hearing-2026-03-04.html", "<!doctype", "កឹម សុខា"},
		{"csv", "attendance", "hearing-2026-03-04-attendance.csv", "\uFEFFcase_id", "កឹម សុខា"},
	} {
		dir := t.TempDir()
		out := filepath.Join(dir, tc.name)
		if err := p.save(out, tc.format, tc.table); err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(bytes.ToLower(b), bytes.ToLower([]byte(tc.prefix))) || !bytes.Contains(b, []byte(tc.contains)) {
			t.Errorf("%s starts %q", tc.format, b[:min(len(b), 20)])
		}
		es, _ := os.ReadDir(dir)
		if len(es) != 1 || es[0].Name() != tc.name {
			t.Errorf("%s: folder holds %v, want only %s", tc.format, es, tc.name)
		}
		if fi, _ := os.Stat(out); fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: readable by others: %v", tc.format, fi.Mode())
		}
	}

	// A folder that does not exist: an error, and nothing written.
	missing := filepath.Join(t.TempDir(), "gone", "r.pdf")
	if err := p.save(missing, "pdf", ""); err == nil {
		t.Error("saved into a missing folder")
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Errorf("folder created: %v", err)
	}
}

func TestExportCaseName(t *testing.T) {
	u := newTestUI(t)
	cid, _ := exportVault(t, u)
	p, err := newExportPreview(u, report.SubjectCase, cid)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.fileName(p.choice()); got != "case-DEMO-001-2020.pdf" {
		t.Errorf("case report named %q", got)
	}
	if _, err := newExportPreview(u, report.SubjectCase, uuid.New()); err == nil {
		t.Error("previewed a case that does not exist")
	}
}

func TestFileSlug(t *testing.T) {
	for in, want := range map[string]string{
		"DEMO 001/2020": "DEMO-001-2020", "  ": "report", "កឹម សុខា": "កឹម-សុខា", "a//b..": "a-b",
	} {
		if got := fileSlug(in); got != want {
			t.Errorf("fileSlug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := fileSlug("", "Mu Sochua"); got != "Mu-Sochua" {
		t.Errorf("fallback name %q", got)
	}
}

func TestExportLayout(t *testing.T) {
	u := newTestUI(t)
	u.now = func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) }
	_, hid := exportVault(t, u)
	p, err := newExportPreview(u, report.SubjectHearing, hid)
	if err != nil {
		t.Fatal(err)
	}
	// The footer names the device and the newest record's hash, which
	// differ on every run; pin them.
	p.doc.Footer = report.Footer{Generated: u.now(), Generator: "0190c2a4-0000-7000-8000-000000000001 (test laptop)",
		Devices: []string{"0190c2a4-0000-7000-8000-000000000001 (test laptop)"}, Records: 9,
		Latest: strings.Repeat("ab", 32), Saved: u.now()}
	p.build(u.win.Canvas().Size())
	u.win.SetContent(widget.NewLabel("")) // pin the preview, not the screen under it
	p.show()
	test.AssertRendersToMarkup(t, "export.xml", u.win.Canvas())
}

// BenchmarkExportPreviewCase measures opening the export preview of the
// largest demo case report (mass trial I: about 1,800 table cells), laid
// out and drawn at 1024×600.
func BenchmarkExportPreviewCase(b *testing.B) {
	u, v := newBenchUI(b)
	sum, err := demo.Build(v, 1)
	if err != nil {
		b.Fatal(err)
	}
	u.opened(v)

	b.ResetTimer()
	for b.Loop() {
		p, err := newExportPreview(u, report.SubjectCase, sum.Cases[0])
		if err != nil {
			b.Fatal(err)
		}
		p.show()
		u.win.Canvas().Capture()
		clearOverlays(u.win.Canvas())
	}
}

// Ctrl+S in the preview asks where to save; once the preview is closed it
// does nothing.
func TestExportSaveShortcut(t *testing.T) {
	u := newTestUI(t)
	_, hid := exportVault(t, u)
	u.exportReport(report.SubjectHearing, hid)
	c := u.win.Canvas()
	preview := c.Overlays().Top()
	if preview == nil {
		t.Fatal("no preview shown")
	}
	c.(fyne.Shortcutable).TypedShortcut(exportSaveShortcut)
	if top := c.Overlays().Top(); top == preview || top == nil {
		t.Fatal("Ctrl+S did not open the save dialog")
	}
	c.Overlays().Remove(c.Overlays().Top()) // the save dialog
	test.Tap(findButton(t, preview, "Close"))
	if n := len(c.Overlays().List()); n != 0 {
		t.Fatalf("%d overlays after Close", n)
	}
	c.(fyne.Shortcutable).TypedShortcut(exportSaveShortcut)
	if c.Overlays().Top() != nil {
		t.Error("Ctrl+S acts after the preview was closed")
	}
}

// writeChosen writes a local file whole, with nothing left beside it.
func TestWriteChosen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	w, err := fynestorage.Writer(fynestorage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeChosen(w, []byte("<!DOCTYPE html>")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "<!DOCTYPE html>" {
		t.Errorf("file holds %q (%v)", b, err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("folder holds %d files, want 1", len(es))
	}
}
