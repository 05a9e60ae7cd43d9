package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	fynestorage "fyne.io/fyne/v2/storage"

	"courtwatch/report"
)

// TestExportPDFInBackground: saving a PDF returns to the window at once
// with a progress dialog; the PDF is made off the UI goroutine and written
// when it is ready (issue 10, speed).
func TestExportPDFInBackground(t *testing.T) {
	u := newTestUI(t)
	_, hid := exportVault(t, u)
	var pending []func()
	u.spawn = func(f func()) { pending = append(pending, f) } // run it later, as a goroutine would
	p, err := newExportPreview(u, report.SubjectHearing, hid)
	if err != nil {
		t.Fatal(err)
	}
	p.show()
	path := filepath.Join(t.TempDir(), "hearing.pdf")
	w, err := fynestorage.Writer(fynestorage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	p.saveTo(w, exportChoice{format: "pdf"})
	if len(pending) != 1 {
		t.Fatalf("%d background jobs, want the PDF", len(pending))
	}
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !hasLabel(top, "Making the report (PDF)") {
		t.Fatal("no progress shown while the PDF is made")
	}
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Fatal("the PDF was made on the UI goroutine")
	}
	pending[0]()
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("file after the job: %.20q (%v)", b, err)
	}
	if top := u.win.Canvas().Overlays().Top(); top != nil && hasLabel(top, "Making the report") {
		t.Error("the progress dialog stayed open")
	}
}
