package report_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"courtwatch/report"
	"courtwatch/storage"
)

// TestCheckCSV: a CSV export is checked by the records its rows cite. Made
// and checked unchanged, every table with record ids passes; after one note
// is edited, the notes CSV fails naming it while the other tables still
// pass; a changed hash in the file fails; the matrix says it cites no
// records.
func TestCheckCSV(t *testing.T) {
	m := newMessy(t)
	files := map[report.CSVTable][]byte{}
	for _, table := range report.CSVTables {
		var b bytes.Buffer
		if err := report.WriteCSV(&b, m.v, report.SubjectCase, m.caseA, table); err != nil {
			t.Fatal(err)
		}
		files[table] = b.Bytes()
	}
	wantCited := map[report.CSVTable]int{report.CSVNotes: 3, report.CSVAttendance: 3, report.CSVChecklist: 6}
	check := func(table report.CSVTable) *report.CheckResult {
		t.Helper()
		res, err := report.Check(m.v, files[table])
		if err != nil {
			t.Fatalf("check %s CSV: %v", table, err)
		}
		if res.CSV != table {
			t.Errorf("check of the %s CSV took it for %q", table, res.CSV)
		}
		return res
	}
	for table, n := range wantCited {
		if res := check(table); !res.OK() || res.Checked < n || res.Checked != len(res.Manifest.Sources) {
			t.Errorf("%s CSV before any change: %d of %d cited records checked (want at least %d), problems %q",
				table, res.Checked, len(res.Manifest.Sources), n, res.Problems)
		}
	}

	note, err := storage.Load[storage.Note](m.v, m.utcNote)
	if err != nil {
		t.Fatal(err)
	}
	note.Text += " (corrected)"
	if err := m.v.Put(note); err != nil {
		t.Fatal(err)
	}
	res := check(report.CSVNotes)
	if res.OK() || len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "note "+note.ID.String()+" was changed after the report was made") {
		t.Errorf("notes CSV after editing note %s: problems %q", note.ID, res.Problems)
	}
	for _, table := range []report.CSVTable{report.CSVAttendance, report.CSVChecklist} {
		if res := check(table); !res.OK() {
			t.Errorf("%s CSV fails after a note changed: %q", table, res.Problems)
		}
	}

	// A hash changed in the file itself.
	att := files[report.CSVAttendance]
	a, err := storage.Load[storage.Attendance](m.v, attendanceOf(t, m.v, m.h1, m.p3))
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(att), a.Hash, strings.Repeat("0", 64), 1)
	if forged == string(att) {
		t.Fatal("the attendance CSV does not cite the attendance record's hash")
	}
	res, err = report.Check(m.v, []byte(forged))
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || !strings.Contains(strings.Join(res.Problems, "\n"), "attendance "+a.ID.String()+" version 1 has sha256 "+a.Hash) {
		t.Errorf("attendance CSV with a forged hash: %q", res.Problems)
	}

	if _, err := report.Check(m.v, files[report.CSVMatrix]); !errors.Is(err, report.ErrCSVNoRecords) {
		t.Errorf("check of the matrix CSV: %v, want ErrCSVNoRecords", err)
	}
	// A CSV cut inside a row, or with a broken id, is an error, not a pass.
	notes := files[report.CSVNotes]
	if _, err := report.Check(m.v, bytes.Replace(notes, []byte(note.ID.String()), []byte("not-an-id"), 1)); err == nil {
		t.Error("a notes CSV with a broken record id checks")
	}
	if _, err := report.Check(m.v, []byte("a,b,c\r\n1,2,3\r\n")); !errors.Is(err, report.ErrNoManifest) {
		t.Errorf("check of a CSV that is no export: %v, want ErrNoManifest", err)
	}
}
