package report_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// pdftotext gives back every Latin and Khmer name exactly.
func TestPDFText(t *testing.T) {
	doc := build(t, demoVault, report.SubjectHearing, demoSum.Hearings[0])
	text := pdfText(t, doc)
	tb := tableAfter(t, doc, "Attendance")
	khmer := 0
	for _, col := range []string{"Name", "Khmer name"} {
		for _, name := range column(t, tb, col) {
			if name == "" {
				continue
			}
			if col == "Khmer name" {
				khmer++
			}
			if !strings.Contains(text, name) {
				t.Errorf("pdftotext lacks %s %q", col, name)
			}
		}
	}
	if khmer < 20 {
		t.Errorf("only %d Khmer names checked", khmer)
	}
	mustContain(t, "hearing PDF", text, "Phnom Penh Municipal Court", "abroad, refused entry", "passport cancelled", "PUB-02")

	caseText := pdfText(t, build(t, demoVault, report.SubjectCase, demoSum.Cases[0]))
	mustContain(t, "case PDF", caseText, "Sam Rainsy (សម រង្ស៊ី)", "Mu Sochua (មូរ សុខហួរ)", "កឹម សុខា", "art. 453 Plotting",
		"Fair-trial scorecard", "Cross-case matrix", "Procedural timeline", "3 of 3")
	defText := pdfText(t, build(t, demoVault, report.SubjectDefendant, demoSum.MuSochua))
	mustContain(t, "defendant PDF", defText, "Mu Sochua (មូរ សុខហួរ)", "in absentia: passport cancelled")
}

func TestHTML(t *testing.T) {
	var b bytes.Buffer
	if err := build(t, demoVault, report.SubjectCase, demoSum.Cases[0]).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	mustContain(t, "case HTML", html, "<svg", "Fair-trial scorecard", "@font-face", "data:font/ttf;base64,",
		"Sam Rainsy (សម រង្ស៊ី)", "<td>កឹម សុខា</td>", "art. 453 Plotting", "@media print", demoVault.Device().ID.String())
	for _, external := range []string{`src="http`, `href="http`, "url(http"} {
		if strings.Contains(html, external) {
			t.Errorf("HTML is not self-contained: it has %q", external)
		}
	}
	// The one script element is data, never run: the list of records the
	// report rests on.
	if n := strings.Count(html, "<script"); n != 1 || !strings.Contains(html, `<script type="application/json" id="courtwatch-sources">{`) {
		t.Errorf("HTML has %d script elements, want only the JSON list of records", n)
	}
}

// Everything from the vault is escaped.
func TestHTMLEscapes(t *testing.T) {
	v := newVault(t, "monitor")
	c := &storage.Case{Title: `<script>alert("case")</script>`, Court: "Court & Co"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	p := &storage.Person{Name: `"Bob" <b>bold</b>`, NameLocal: "សុខ"}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: fixedNow, Courtroom: `</td><td onclick="x">`}
	if err := v.Put(p, h); err != nil {
		t.Fatal(err)
	}
	err := v.Put(&storage.CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: storage.StatusDetained},
		&storage.Note{HearingID: h.ID, Time: fixedNow, Text: `<img src=x onerror=alert(1)>`},
		&storage.Attendance{HearingID: h.ID, PersonID: p.ID, Presence: storage.PresencePresent})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []report.Subject{report.SubjectCase, report.SubjectHearing} {
		id := c.ID
		if s == report.SubjectHearing {
			id = h.ID
		}
		var b bytes.Buffer
		if err := build(t, v, s, id).WriteHTML(&b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		for _, bad := range []string{"<script>", "<img src=x", "<b>bold", `<td onclick`} {
			if strings.Contains(html, bad) {
				t.Errorf("%s report: unescaped %q", s, bad)
			}
		}
		mustContain(t, string(s)+" report", html, "&lt;script&gt;", "&lt;b&gt;bold", "Court &amp; Co")
	}
}

func readCSV(t *testing.T, s report.Subject, id uuid.UUID, table report.CSVTable) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteCSV(&b, demoVault, s, id, table); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		t.Fatalf("%s CSV has no byte order mark", table)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSV(t *testing.T) {
	c := demoSum.Cases[0]
	var att, answers, notes, events, hearings int
	demoVault.View(func(tx *storage.Tx) error {
		hs, _ := tx.HearingsOfCase(c)
		hearings = len(hs)
		for _, h := range hs {
			a, _ := tx.AttendanceOfHearing(h.ID)
			q, _ := tx.ChecklistOfHearing(h.ID)
			n, _ := tx.NotesOfHearing(h.ID)
			e, _ := tx.EventsOfHearing(h.ID)
			att, answers, notes, events = att+len(a), answers+len(q), notes+len(n), events+len(e)
		}
		return nil
	})
	// The headers are the documented, stable column names.
	headers := map[report.CSVTable]string{
		report.CSVNotes:      "case_id,case_number,hearing_id,hearing_date,record_id,kind,time,text,event_type,tags,defendant_ids,defendants,source,device,hash,version,saved,time_zone",
		report.CSVAttendance: "case_id,case_number,hearing_id,hearing_date,person_id,name,name_local,case_status,status_reason,presence,reason,counsel,counsel_present,device,hash,record_id,version",
		report.CSVChecklist:  "case_id,case_number,hearing_id,hearing_date,record_id,checklist_version,question,section,scope,question_text,person_id,name,name_local,answer,concern,comment,source,device,hash,version",
		report.CSVMatrix:     "person_id,name,name_local,cases,DEMO 001/2020,DEMO 002/2020,DEMO 003/2021,DEMO 004/2021,DEMO 005/2022",
	}
	counts := map[report.CSVTable]int{report.CSVNotes: notes + events, report.CSVAttendance: 60 * hearings, report.CSVChecklist: answers, report.CSVMatrix: 60}
	for _, table := range report.CSVTables {
		rows := readCSV(t, report.SubjectCase, c, table)
		if got := strings.Join(rows[0], ","); got != headers[table] {
			t.Errorf("%s header:\n%s\nwant\n%s", table, got, headers[table])
		}
		if len(rows)-1 != counts[table] {
			t.Errorf("%s: %d rows, want %d", table, len(rows)-1, counts[table])
		}
	}
	if att != 180 {
		t.Errorf("%d attendance records in case 1, want 180", att)
	}

	rows := readCSV(t, report.SubjectDefendant, demoSum.SamRainsy, report.CSVAttendance)
	if len(rows) != 7 {
		t.Fatalf("Sam Rainsy: %d attendance rows, want 6", len(rows)-1)
	}
	for _, r := range rows[1:] {
		if r[5] != "Sam Rainsy" || r[6] != "សម រង្ស៊ី" || r[9] != "in_absentia" || r[10] != "abroad, refused entry" {
			t.Errorf("Sam Rainsy attendance row %q", r)
		}
	}
	matrix := readCSV(t, report.SubjectDefendant, demoSum.MuSochua, report.CSVMatrix)
	if len(matrix) != 2 || matrix[1][1] != "Mu Sochua" || matrix[1][2] != "មូរ សុខហួរ" || matrix[1][3] != "3" || matrix[1][4] != "art. 453 Plotting; art. 494 Incitement to commit a felony" {
		t.Errorf("Mu Sochua's matrix: %q", matrix)
	}
	checklist := readCSV(t, report.SubjectHearing, demoSum.Hearings[0], report.CSVChecklist)
	for _, r := range checklist[1:] {
		if (r[13] == "no" || r[13] == "unclear") && r[15] == "" {
			t.Errorf("answer %s %s has no comment", r[6], r[13])
		}
	}

	var b bytes.Buffer
	if err := report.WriteCSV(&b, demoVault, report.SubjectCase, c, "photos"); err == nil {
		t.Error("unknown CSV table: no error")
	}
}

// A cell that a spreadsheet would run as a formula is defused.
func TestCSVFormula(t *testing.T) {
	v := newVault(t, "monitor")
	c := &storage.Case{Title: "T"}
	v.Put(c)
	h := &storage.Hearing{CaseID: c.ID, Scheduled: fixedNow}
	v.Put(h)
	if err := v.Put(&storage.Note{HearingID: h.ID, Time: fixedNow, Text: `=HYPERLINK("http://x","y")`}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteCSV(&b, v, report.SubjectHearing, h.ID, report.CSVNotes); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][7] != `'=HYPERLINK("http://x","y")` {
		t.Errorf("formula cell %q", rows[1][7])
	}
}

// In a vault holding several devices' versions (HQ), the log names the
// device that observed each entry, and the footer lists every device.
func TestMultiDevice(t *testing.T) {
	monitor := newVault(t, "monitor B")
	c := &storage.Case{Title: "Case observed by two monitors"}
	if err := monitor.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: fixedNow}
	if err := monitor.Put(h); err != nil {
		t.Fatal(err)
	}
	if err := monitor.Put(&storage.Note{HearingID: h.ID, Time: fixedNow.Add(1), Text: "seen by B"}); err != nil {
		t.Fatal(err)
	}
	hq := newVault(t, "HQ")
	var raws [][]byte
	monitor.ChainSince(0, func(ver *storage.Version) error { raws = append(raws, ver.Raw); return nil })
	err := hq.Update(func(tx *storage.Tx) error {
		for _, raw := range raws {
			if _, err := tx.Merge(raw); err != nil {
				return err
			}
		}
		return tx.Put(&storage.Note{HearingID: h.ID, Time: fixedNow.Add(2), Text: "seen at HQ"})
	})
	if err != nil {
		t.Fatal(err)
	}
	b := monitor.Device().ID
	doc, err := report.Build(hq, report.SubjectHearing, h.ID, report.Options{DeviceNames: map[uuid.UUID]string{b: "monitor B"}})
	if err != nil {
		t.Fatal(err)
	}
	log := tableAfter(t, doc, "Log")
	if got := column(t, log, "Observed by"); !slices.Equal(got, []string{"monitor B", "HQ"}) {
		t.Errorf("observed by %q", got)
	}
	if len(doc.Footer.Devices) != 2 {
		t.Errorf("footer devices %q", doc.Footer.Devices)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "case.pdf")
	if err := report.WriteFile(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file holds %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	// A target that cannot be replaced leaves nothing behind.
	if err := os.Mkdir(filepath.Join(dir, "taken"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "taken", "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteFile(filepath.Join(dir, "taken"), []byte("x")); err == nil {
		t.Error("writing over a non-empty folder: no error")
	}
	if err := report.WriteFile(filepath.Join(dir, "missing", "r.pdf"), []byte("x")); err == nil {
		t.Error("writing into a missing folder: no error")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"case.pdf", "taken"}) {
		t.Errorf("folder holds %q, want no temporary files", names)
	}
}

// Reports can be made at the same time (the GUI exports while the CLI
// runs): the parsed fonts are shared, shaping state is not.
func TestConcurrentRender(t *testing.T) {
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			format := []string{"pdf", "html"}[i%2]
			_, err := report.Render(demoVault, report.SubjectHearing, demoSum.Hearings[i], format, "", report.Options{})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
