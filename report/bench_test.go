package report_test

import (
	"fmt"
	"testing"
	"time"

	"courtwatch/demo"
	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// bigCase stores, beside the demo data, one case with all 150 demo persons
// as defendants, 10 hearings, attendance and three checklist answers per
// defendant per hearing, and 5,000 notes: the size the case report must
// handle in under 2 s.
func bigCase(b testing.TB, v *storage.Vault, persons []uuid.UUID) uuid.UUID {
	b.Helper()
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "BENCH 1", Title: "Benchmark mass trial",
		Charges: []storage.Charge{{Article: "453", Label: "Plotting"}}}
	if err := v.Put(c); err != nil {
		b.Fatal(err)
	}
	var recs []storage.Record
	flush := func() {
		if err := v.Put(recs...); err != nil {
			b.Fatal(err)
		}
		recs = recs[:0]
	}
	for i, p := range persons {
		st := []string{storage.StatusDetained, storage.StatusBail, storage.StatusAtLiberty, storage.StatusInAbsentia}[i%4]
		recs = append(recs, &storage.CaseDefendant{CaseID: c.ID, PersonID: p, Status: st, Counsel: "Sok Chanthy",
			Charges: []storage.Charge{{Article: "453", Label: "Plotting"}, {Article: "494", Label: "Incitement"}}})
	}
	flush()
	ict := time.FixedZone("ICT", 7*3600)
	for h := range 10 {
		start := time.Date(2021, 1, 4+7*h, 8, 30, 0, 0, ict)
		hr := &storage.Hearing{CaseID: c.ID, Scheduled: start, Started: start, Ended: start.Add(6 * time.Hour), Courtroom: "Courtroom 1"}
		if err := v.Put(hr); err != nil {
			b.Fatal(err)
		}
		for i, p := range persons {
			pres := storage.PresencePresent
			if i%4 == 3 {
				pres = storage.PresenceInAbsentia
			}
			recs = append(recs, &storage.Attendance{HearingID: hr.ID, PersonID: p, Presence: pres, Counsel: map[bool]string{true: storage.CounselWasPresent, false: storage.CounselWasAbsent}[i%5 != 0]})
			for _, q := range []string{"ABS-01", "CNS-01", "LEG-02"} {
				ans, comment := storage.AnswerYes, ""
				if (i+h)%3 == 0 {
					ans, comment = storage.AnswerUnclear, "Could not see from the public gallery."
				}
				recs = append(recs, &storage.ChecklistAnswer{HearingID: hr.ID, PersonID: p, Question: q, ChecklistVersion: "1", Answer: ans, Comment: comment})
			}
			if len(recs) >= 900 {
				flush()
			}
		}
		for n := range 500 {
			text := fmt.Sprintf("Note %d: counsel for the defence objects to the reading of a statement by a witness who is not present.", n)
			if n%3 == 0 {
				text = "ក្រុមគ្រួសារ\u200bជនជាប់ចោទ\u200bមិន\u200bត្រូវ\u200bបាន\u200bអនុញ្ញាត\u200bឲ្យ\u200bចូល\u200bបន្ទប់\u200bសវនាការ\u200bទេ " + fmt.Sprint(n)
			}
			recs = append(recs, &storage.Note{HearingID: hr.ID, Time: start.Add(time.Duration(n) * 40 * time.Second), Text: text,
				Defendants: []uuid.UUID{persons[n%len(persons)]}, Tags: []string{"bench"}})
			if len(recs) >= 900 {
				flush()
			}
		}
		flush()
	}
	return c.ID
}

// BenchmarkCaseReport makes the case report of bigCase, from the vault to
// the finished file.
func BenchmarkCaseReport(b *testing.B) {
	v := newVault(b, "bench")
	s, err := demo.Build(v, 1)
	if err != nil {
		b.Fatal(err)
	}
	id := bigCase(b, v, s.Persons)
	for _, format := range []string{"pdf", "html"} {
		b.Run(format, func(b *testing.B) {
			size := 0
			for b.Loop() {
				data, err := report.Render(v, report.SubjectCase, id, format, "", report.Options{})
				if err != nil {
					b.Fatal(err)
				}
				size = len(data)
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}
