package demo_test

import (
	"testing"

	"courtwatch/demo"
	"courtwatch/storage"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
)

func newVault(t testing.TB) *storage.Vault {
	t.Helper()
	v, err := storage.Create(t.TempDir(), []byte("demo pass"), storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func TestBuildCounts(t *testing.T) {
	v := newVault(t)
	s, err := demo.Build(v, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got demo.Counts
	khmer, multi := 0, 0
	absentia := map[uuid.UUID]string{}
	err = v.View(func(tx *storage.Tx) error {
		ps, err := tx.Persons()
		if err != nil {
			return err
		}
		got.Persons = len(ps)
		for _, p := range ps {
			if p.NameLocal != "" {
				khmer++
				if !norm.NFC.IsNormalString(p.NameLocal) {
					t.Errorf("%s: Khmer name %q is not NFC", p.Name, p.NameLocal)
				}
			}
			ds, err := tx.CasesOfPerson(p.ID)
			if err != nil {
				return err
			}
			if len(ds) == 0 {
				t.Errorf("%s is charged in no case", p.Name)
			}
			if len(ds) > 1 {
				multi++
			}
			for _, d := range ds {
				if d.Status == storage.StatusInAbsentia {
					absentia[p.ID] = d.StatusReason
				}
			}
		}
		cs, err := tx.Cases()
		if err != nil {
			return err
		}
		got.Cases = len(cs)
		for _, c := range cs {
			ds, err := tx.DefendantsOfCase(c.ID)
			if err != nil {
				return err
			}
			got.Defendants += len(ds)
			hs, err := tx.HearingsOfCase(c.ID)
			if err != nil {
				return err
			}
			got.Hearings += len(hs)
			for _, h := range hs {
				att, err := tx.AttendanceOfHearing(h.ID)
				if err != nil {
					return err
				}
				if len(att) != len(ds) || len(h.Defendants) != len(ds) {
					t.Errorf("hearing %s: %d attendance records, %d listed, %d defendants", h.Scheduled, len(att), len(h.Defendants), len(ds))
				}
				got.Attendance += len(att)
				ns, _ := tx.NotesOfHearing(h.ID)
				es, _ := tx.EventsOfHearing(h.ID)
				as, _ := tx.ChecklistOfHearing(h.ID)
				at, _ := tx.AttachmentsOfHearing(h.ID)
				got.Notes += len(ns)
				got.Events += len(es)
				got.Answers += len(as)
				got.Attachments += len(at)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != s.Counts {
		t.Errorf("stored %+v\nsummary %+v", got, s.Counts)
	}
	want := demo.Counts{Persons: 150, Cases: 6, Defendants: 175, Hearings: 10, Attendance: 365, Attachments: 1}
	if got.Persons != want.Persons || got.Cases != want.Cases || got.Defendants != want.Defendants ||
		got.Hearings != want.Hearings || got.Attendance != want.Attendance || got.Attachments != want.Attachments {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if got.Notes < 240 || got.Events < 40 || got.Answers < 2000 {
		t.Errorf("too few observations: %+v", got)
	}
	if khmer < 50 {
		t.Errorf("%d persons have a Khmer name, want at least 50", khmer)
	}
	if multi != 20 || len(s.MultiCase) != 20 {
		t.Errorf("%d persons in several cases (summary %d), want 20", multi, len(s.MultiCase))
	}
	if absentia[s.SamRainsy] != "abroad, refused entry" || absentia[s.MuSochua] != "passport cancelled" {
		t.Errorf("in absentia reasons: Sam Rainsy %q, Mu Sochua %q", absentia[s.SamRainsy], absentia[s.MuSochua])
	}
	if len(absentia) != len(s.InAbsentia) || len(absentia) < 10 {
		t.Errorf("%d persons in absentia, summary says %d", len(absentia), len(s.InAbsentia))
	}
}

// The same seed gives the same content.
func TestBuildDeterministic(t *testing.T) {
	texts := func() []string {
		v := newVault(t)
		s, err := demo.Build(v, 7)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		v.View(func(tx *storage.Tx) error {
			for _, h := range s.Hearings {
				ns, _ := tx.NotesOfHearing(h)
				for _, n := range ns {
					out = append(out, n.Time.String()+n.Text)
				}
			}
			return nil
		})
		return out
	}
	a, b := texts(), texts()
	if len(a) != len(b) {
		t.Fatalf("%d notes, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("note %d differs: %q, then %q", i, a[i], b[i])
		}
	}
}
