package report_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire"

	"github.com/google/uuid"
)

// messy is a vault as real use leaves it, not as the demo is:
//
//   - case A (Asia/Phnom_Penh): hearing H1 with attendance, an edited note,
//     a note stored with a UTC offset, an event, hearing-level and
//     per-defendant answers (one per-defendant question only "not
//     observed", a section only "not applicable"); hearing H2 with no
//     attendance and no answers at all.
//   - case B, made before cases carried a zone: hearing H3 scheduled at
//     +07:00, a note stored in UTC, counsel not recorded.
//   - case C: its observations delivered to a real HQ receiver, receipts
//     verified, then purged from the vault.
//
// p1 is accused in A and B, p2 in A and C, p3 only in A.
type messy struct {
	v                  *storage.Vault
	caseA, caseB       uuid.UUID
	caseC              uuid.UUID
	h1, h2, h3, h4     uuid.UUID
	p1, p2, p3         uuid.UUID
	edited, utcNote    uuid.UUID
	purgedAt           time.Time
	purged             int
	oldText, newText   string
	bundleSeq          uint64
	phnomPenh, plus7   *time.Location
	h1Start, h3Start   time.Time
	editedAt, utcNoteT time.Time
}

func newMessy(t *testing.T) *messy {
	t.Helper()
	m := &messy{v: newVault(t, "field laptop")}
	var err error
	if m.phnomPenh, err = time.LoadLocation("Asia/Phnom_Penh"); err != nil {
		t.Fatal(err)
	}
	m.plus7 = time.FixedZone("", 7*3600)
	put := func(rs ...storage.Record) {
		t.Helper()
		if err := m.v.Put(rs...); err != nil {
			t.Fatal(err)
		}
	}
	a := &storage.Case{Number: "MESSY 1/2024", Title: "Messy one", Court: "Phnom Penh Municipal Court", TimeZone: "Asia/Phnom_Penh"}
	b := &storage.Case{Number: "MESSY 2/2024", Title: "Made before zones"}
	c := &storage.Case{Number: "MESSY 3/2024", Title: "Delivered and purged", TimeZone: "Asia/Phnom_Penh"}
	put(a, b, c)
	m.caseA, m.caseB, m.caseC = a.ID, b.ID, c.ID
	p1 := &storage.Person{Name: "Phan Chenda", NameLocal: "ផាន់ ចិន្តា"}
	p2 := &storage.Person{Name: "Kem Sokha", NameLocal: "កឹម សុខា"}
	p3 := &storage.Person{Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី"}
	put(p1, p2, p3)
	m.p1, m.p2, m.p3 = p1.ID, p2.ID, p3.ID
	put(&storage.CaseDefendant{CaseID: a.ID, PersonID: p1.ID, Counsel: "Lawyer One", Status: storage.StatusDetained},
		&storage.CaseDefendant{CaseID: a.ID, PersonID: p2.ID, Counsel: "Lawyer One", Status: storage.StatusBail},
		&storage.CaseDefendant{CaseID: a.ID, PersonID: p3.ID, Status: storage.StatusInAbsentia},
		&storage.CaseDefendant{CaseID: b.ID, PersonID: p1.ID, Counsel: "Lawyer Two", Status: storage.StatusDetained},
		&storage.CaseDefendant{CaseID: c.ID, PersonID: p2.ID, Status: storage.StatusBail})

	m.h1Start = time.Date(2024, 5, 2, 8, 0, 0, 0, m.phnomPenh)
	h1 := &storage.Hearing{CaseID: a.ID, Scheduled: m.h1Start, Started: m.h1Start.Add(40 * time.Minute), Ended: m.h1Start.Add(3 * time.Hour)}
	h2 := &storage.Hearing{CaseID: a.ID, Scheduled: time.Date(2024, 5, 20, 8, 0, 0, 0, m.phnomPenh)}
	m.h3Start = time.Date(2024, 6, 1, 8, 0, 0, 0, m.plus7)
	h3 := &storage.Hearing{CaseID: b.ID, Scheduled: m.h3Start}
	h4 := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2024, 7, 1, 8, 0, 0, 0, m.phnomPenh)}
	put(h1, h2, h3, h4)
	m.h1, m.h2, m.h3, m.h4 = h1.ID, h2.ID, h3.ID, h4.ID

	put(&storage.Attendance{HearingID: h1.ID, PersonID: p1.ID, Presence: storage.PresencePresent, Counsel: storage.CounselWasPresent},
		&storage.Attendance{HearingID: h1.ID, PersonID: p2.ID, Presence: storage.PresenceAbsent, Reason: "ill", Counsel: storage.CounselWasAbsent},
		&storage.Attendance{HearingID: h1.ID, PersonID: p3.ID, Presence: storage.PresenceInAbsentia, Reason: "abroad"},
		&storage.Attendance{HearingID: h3.ID, PersonID: p1.ID, Presence: storage.PresencePresent})

	m.oldText, m.newText = "Judge enters", "Judge enters at 09:00 with two assessors"
	edited := &storage.Note{HearingID: h1.ID, Time: time.Date(2024, 5, 2, 9, 0, 0, 0, m.phnomPenh), Text: m.oldText, Defendants: []uuid.UUID{p1.ID}}
	put(edited)
	m.utcNoteT = time.Date(2024, 5, 2, 3, 5, 0, 0, time.UTC) // 10:05 in Phnom Penh
	utcNote := &storage.Note{HearingID: h1.ID, Time: m.utcNoteT, Text: "Prosecutor reads the charges (imported with a UTC time)"}
	put(utcNote,
		&storage.Event{HearingID: h1.ID, Time: time.Date(2024, 5, 2, 9, 30, 0, 0, m.phnomPenh), Type: "defendant_absent", PersonID: p2.ID, Comment: "ill"},
		&storage.Note{HearingID: h2.ID, Time: time.Date(2024, 5, 20, 8, 30, 0, 0, m.phnomPenh), Text: "Hearing adjourned at once"},
		&storage.Note{HearingID: h3.ID, Time: time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC), Text: "Opening (stored in UTC)"},
		&storage.ChecklistAnswer{HearingID: h1.ID, Question: "PUB-01", ChecklistVersion: "1", Answer: storage.AnswerNo, Comment: "seen from the gallery"},
		&storage.ChecklistAnswer{HearingID: h1.ID, Question: "PUB-02", ChecklistVersion: "1", Answer: storage.AnswerYes, Comment: "seen from the gallery"},
		&storage.ChecklistAnswer{HearingID: h1.ID, PersonID: p1.ID, Question: "CHG-01", ChecklistVersion: "1", Answer: storage.AnswerNo, Comment: "seen from the gallery"},
		&storage.ChecklistAnswer{HearingID: h1.ID, PersonID: p2.ID, Question: "CHG-01", ChecklistVersion: "1", Answer: storage.AnswerYes, Comment: "seen from the gallery"},
		&storage.ChecklistAnswer{HearingID: h1.ID, PersonID: p3.ID, Question: "ABS-01", ChecklistVersion: "1", Answer: storage.AnswerNotObserved},
		&storage.ChecklistAnswer{HearingID: h1.ID, Question: "INT-02", ChecklistVersion: "1", Answer: storage.AnswerNotApplicable},
		&storage.Attendance{HearingID: h4.ID, PersonID: p2.ID, Presence: storage.PresencePresent, Counsel: storage.CounselWasPresent},
		&storage.Note{HearingID: h4.ID, Time: time.Date(2024, 7, 1, 9, 0, 0, 0, m.phnomPenh), Text: "Delivered, then removed here"},
		&storage.ChecklistAnswer{HearingID: h4.ID, PersonID: p2.ID, Question: "CHG-01", ChecklistVersion: "1", Answer: storage.AnswerNo, Comment: "seen from the gallery"})
	m.utcNote = utcNote.ID
	edited.Text = m.newText
	put(edited)
	m.edited = edited.ID
	m.editedAt = edited.Saved()
	m.deliverAndPurge(t)
	return m
}

// deliverAndPurge sends every record to a real HQ receiver on loopback,
// verifies the receipts, and purges case C's observations, as
// "courtwatch case purge --case C on" and "courtwatch sync" do.
func (m *messy) deliverAndPurge(t *testing.T) {
	t.Helper()
	m.purgedAt = time.Now().UTC()
	m.bundleSeq, m.purged = deliverAndPurge(t, m.v, m.caseC)
	if m.purged != 3 {
		t.Fatalf("purge: %d records, want case C's note, attendance and answer", m.purged)
	}
}

// deliverAndPurge delivers everything in v to a real HQ receiver on
// loopback with the purge setting on for caseID, and purges what HQ's
// verified receipts cover. It returns the first bundle's number and how
// many records were purged.
func deliverAndPurge(t testing.TB, v *storage.Vault, caseID uuid.UUID) (uint64, int) {
	t.Helper()
	hqDir := filepath.Join(t.TempDir(), "hq")
	if err := setup.Init(hqDir, setup.InitOptions{Name: "Test HQ", Passphrase: []byte("hq pass"), KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	rv, err := receiver.New(receiver.Config{HQDir: hqDir, Store: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rv)
	t.Cleanup(srv.Close)
	p, err := setup.Profile(hqDir, srv.URL, nil, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.AddProfile(v, p, "hq", true); err != nil {
		t.Fatal(err)
	}
	d := v.Device()
	df, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: d.ID.String(), Monitor: d.Name, PublicKey: bundle.PublicKey(d.PublicKey).String()})
	if _, _, err := hq.Enroll(hqDir, df); err != nil {
		t.Fatal(err)
	}
	if err := outbox.SetPurgeAfterReceipt(v, caseID, true); err != nil {
		t.Fatal(err)
	}
	es, err := outbox.SealAll(v)
	if err != nil || len(es) == 0 {
		t.Fatalf("seal: %v, %d bundles", err, len(es))
	}
	if _, err := outbox.Deliver(context.Background(), v, outbox.HTTPSFunc(outbox.HTTPSOptions{}), nil); err != nil {
		t.Fatal(err)
	}
	all, err := outbox.Entries(v)
	if err != nil || len(all) == 0 || all[0].State != outbox.ReceiptVerified {
		t.Fatalf("outbox after delivery: %+v, %v", all, err)
	}
	n, err := outbox.Purge(v)
	if err != nil {
		t.Fatalf("purge: %v", err)
	}
	return es[0].Seq, n
}
