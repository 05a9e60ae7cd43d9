package importer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"

	"github.com/google/uuid"
)

const (
	khmerNote   = "ព្រះរាជអាជ្ញាបានអានសេចក្តីសន្និដ្ឋាន។ មេធាវីការពារក្តីតវ៉ា។"
	khmerEdited = "ព្រះរាជអាជ្ញាបានអានសេចក្តីសន្និដ្ឋានម្តងទៀត។ មេធាវីការពារក្តីតវ៉ា។"
)

// TestImport follows a monitor's notes to HQ: the first bundle from the
// receiver's store, an edit in a second bundle from a USB stick, and both
// again, which changes nothing.
func TestImport(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "សុខ ដារា (Sok Dara)")
	m.enroll(t, dir)
	noteID := m.note(t, khmerNote)
	m.note(t, "Defence counsel objected; the judge adjourned for 20 minutes.")
	store, stick := filepath.Join(t.TempDir(), "store"), t.TempDir()
	m.store(t, store, m.seal(t, dir, nil))

	v := openHQVault(t, dir)
	rep := mustImport(t, dir, v, store, ImportOptions{})
	if rep.Failed() {
		t.Fatalf("import failed:\n%s", problems(rep))
	}
	dr := rep.Device(m.id())
	if dr == nil || !slices.Equal(dr.Imported, []uint64{1}) || dr.Added != 6 || dr.Monitor != m.name || dr.Replays != 0 || len(dr.Missing) != 0 {
		t.Fatalf("report %+v, want bundle 1 with 6 versions from %s", dr, m.name)
	}
	if got, want := hqVersions(t, v), m.versions(t); !slices.Equal(got, want) {
		t.Fatalf("HQ holds %d versions, the monitor %d; they differ", len(got), len(want))
	}
	checkLists(t, m, v)
	if n, err := v.VerifyChain(uuid.MustParse(m.id())); err != nil || n != 6 {
		t.Fatalf("HQ's copy of the device chain: %d versions, %v", n, err)
	}

	// An edit reaches HQ by USB stick; History keeps the old text.
	m.edit(t, noteID, khmerEdited)
	m.flat(t, stick, m.seal(t, dir, nil))
	rep = mustImport(t, dir, v, stick, ImportOptions{})
	if dr := rep.Device(m.id()); rep.Failed() || !slices.Equal(dr.Imported, []uint64{2}) || dr.Added != 1 {
		t.Fatalf("second import: %+v\n%s", dr, problems(rep))
	}
	checkLists(t, m, v)
	hist, err := v.History(noteID)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %d versions, %v", len(hist), err)
	}
	for i, want := range []string{khmerNote, khmerEdited} {
		if !strings.Contains(string(hist[i].Data), want) {
			t.Errorf("version %d of the note is %s, want the text %q", i+1, hist[i].Data, want)
		}
	}

	// Everything again, from both places: nothing changes.
	before := snapshot(t, v)
	for _, from := range []string{store, stick, filepath.Dir(store)} {
		rep = mustImport(t, dir, v, from, ImportOptions{})
		if dr := rep.Device(m.id()); rep.Failed() || len(dr.Imported) != 0 || dr.Added != 0 || dr.Replays == 0 {
			t.Fatalf("import of %s again: %+v\n%s", from, dr, problems(rep))
		}
	}
	if after := snapshot(t, v); after != before {
		t.Fatalf("importing again changed the HQ vault:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// checkLists checks that HQ lists exactly the monitor's records.
func checkLists(t *testing.T, m *monitor, hq *storage.Vault) {
	t.Helper()
	list := func(v *storage.Vault) (out []string) {
		err := v.View(func(tx *storage.Tx) error {
			cs, err := tx.Cases()
			for _, k := range cs {
				out = append(out, k.ID.String()+" "+k.Title+" "+k.Hash)
			}
			ps, err2 := tx.Persons()
			for _, p := range ps {
				out = append(out, p.ID.String()+" "+p.DisplayName()+" "+p.Hash)
			}
			hs, err3 := tx.Hearings()
			for _, h := range hs {
				out = append(out, h.ID.String()+" "+h.Courtroom+" "+h.Hash)
			}
			ns, err4 := tx.NotesOfHearing(m.hearing)
			for _, n := range ns {
				out = append(out, n.ID.String()+" "+n.Text+" "+n.Hash+" "+n.Device.String())
			}
			ds, err5 := tx.DefendantsOfCase(m.caseID)
			for _, d := range ds {
				out = append(out, d.ID.String()+" "+d.Status+" "+d.Hash)
			}
			return errors.Join(err, err2, err3, err4, err5)
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got, want := list(hq), list(m.v)
	if !slices.Equal(got, want) {
		t.Fatalf("HQ lists\n%s\nthe monitor\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(strings.Join(got, "\n"), "កឹម សុខា") {
		t.Fatalf("HQ lists no Khmer name:\n%s", strings.Join(got, "\n"))
	}
	hits, err := hq.Search("សន្និដ្ឋាន", 0)
	if err != nil || len(hits) == 0 {
		t.Fatalf("HQ search for Khmer text: %d hits, %v", len(hits), err)
	}
}

// TestImportGap imports bundles 1 and 3, reporting 2 missing, then 2,
// which closes the gap and links 3 to it.
func TestImportGap(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	var bs []sealed
	for i := range 3 {
		m.note(t, "note "+string(rune('a'+i)))
		bs = append(bs, m.seal(t, dir, nil))
	}
	early, late := t.TempDir(), t.TempDir()
	m.flat(t, early, bs[0])
	m.flat(t, early, bs[2])
	m.flat(t, late, bs[1])
	v := openHQVault(t, dir)

	rep := mustImport(t, dir, v, early, ImportOptions{})
	dr := rep.Device(m.id())
	if rep.Failed() || !slices.Equal(dr.Imported, []uint64{1, 3}) || !slices.Equal(dr.Missing, []uint64{2}) {
		t.Fatalf("report %+v, want 1 and 3 imported and 2 missing\n%s", dr, problems(rep))
	}
	if _, err := v.VerifyChain(uuid.MustParse(m.id())); err == nil {
		t.Fatal("the device chain at HQ verifies with a bundle missing")
	}
	rep = mustImport(t, dir, v, late, ImportOptions{})
	if dr = rep.Device(m.id()); rep.Failed() || !slices.Equal(dr.Imported, []uint64{2}) || len(dr.Missing) != 0 {
		t.Fatalf("report %+v, want 2 imported, nothing missing\n%s", dr, problems(rep))
	}
	if got, want := hqVersions(t, v), m.versions(t); !slices.Equal(got, want) {
		t.Fatalf("HQ holds %d versions, the monitor %d", len(got), len(want))
	}
	if _, err := v.VerifyChain(uuid.MustParse(m.id())); err != nil {
		t.Fatal(err)
	}
	err := v.View(func(tx *storage.Tx) error {
		s, err := loadSequence(tx, m.id())
		if err == nil && (s.Last != 3 || s.LastHash != bundle.Hash(bs[2].data) || len(s.Seen) != 0) {
			t.Errorf("sequence %+v, want last 3 and nothing above", s)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestImportFork: a copy of the monitor's vault (a restored backup) seals
// its own bundle 2 and 3. HQ imports the original's bundle 2 and reports
// the copy's as forks, merging nothing of them.
func TestImportFork(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	m.note(t, "before the copy")
	b1 := m.seal(t, dir, nil)
	if err := m.v.Close(); err != nil {
		t.Fatal(err)
	}
	clone := *m
	clone.dir = filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(clone.dir, os.DirFS(m.dir)); err != nil {
		t.Fatal(err)
	}
	for _, x := range []*monitor{m, &clone} {
		v, err := storage.Open(x.dir, hqtest.Pass)
		if err != nil {
			t.Fatal(err)
		}
		x.use(t, v)
	}
	m.note(t, "the original's note")
	clone.note(t, "the copy's note")
	b2 := m.seal(t, dir, nil)
	c2 := clone.seal(t, dir, nil)
	clone.note(t, "the copy's second note")
	c3 := clone.seal(t, dir, nil)

	v := openHQVault(t, dir)
	from := t.TempDir()
	m.flat(t, from, b1)
	m.flat(t, from, b2)
	mustImport(t, dir, v, from, ImportOptions{})
	before := snapshot(t, v)

	for _, b := range []sealed{c2, c3} {
		from := t.TempDir()
		clone.flat(t, from, b)
		rep := mustImport(t, dir, v, from, ImportOptions{})
		dr := rep.Device(m.id())
		if !rep.Failed() || len(dr.Forks) != 1 || len(dr.Imported) != 0 || !errors.Is(dr.Forks[0].Err, bundle.ErrFork) {
			t.Fatalf("bundle %d of the copy: %+v, want a fork\n%s", b.seq, dr, problems(rep))
		}
		t.Logf("bundle %d: %s", b.seq, dr.Forks[0].Reason)
	}
	if after := snapshot(t, v); after != before {
		t.Fatalf("forks changed the HQ vault:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestImportSplit merges a bundle one record per transaction, after a
// crashed import left part of it in the vault, unrecorded: the import
// completes it, and records it only at the end.
func TestImportSplit(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	for i := range 5 {
		m.note(t, "note "+string(rune('a'+i)))
	}
	b := m.seal(t, dir, nil)
	from := t.TempDir()
	m.flat(t, from, b)
	v := openHQVault(t, dir)
	// The crash: three of the records merged, the bundle not recorded.
	recs := m.versions(t)
	err := v.Update(func(tx *storage.Tx) error {
		for _, r := range recs[:3] {
			if _, err := tx.Merge([]byte(r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := mustImport(t, dir, v, from, ImportOptions{Batch: 1})
	if dr := rep.Device(m.id()); rep.Failed() || !slices.Equal(dr.Imported, []uint64{1}) || dr.Added != len(recs)-3 {
		t.Fatalf("report %+v, want bundle 1 with %d new versions\n%s", dr, len(recs)-3, problems(rep))
	}
	if got := hqVersions(t, v); !slices.Equal(got, recs) {
		t.Fatalf("HQ holds %d versions, want %d", len(got), len(recs))
	}
	rep = mustImport(t, dir, v, from, ImportOptions{Batch: 1})
	if dr := rep.Device(m.id()); dr.Replays != 1 {
		t.Fatalf("again: %+v, want a replay", dr)
	}
}

// TestImportLarge merges a bundle too large for one vault transaction.
func TestImportLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	addNotes(t, m, 3000, "Counsel objected.")
	from := t.TempDir()
	m.flat(t, from, m.seal(t, dir, nil))
	// Opened as a laptop's vault, which takes about an eighth of what a
	// server's (setup.OpenVault) takes in one transaction: 3,000 notes
	// are too many for one.
	v, err := storage.Open(hq.VaultDir(dir), hqtest.Pass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	recs := m.versions(t)
	err = v.Update(func(tx *storage.Tx) error {
		for _, r := range recs {
			if _, err := tx.Merge([]byte(r)); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, storage.ErrTooBig) {
		t.Fatalf("merging all %d versions in one transaction: %v, want it too big", len(recs), err)
	}
	rep, err := Import(dir, v, from, ImportOptions{})
	if err != nil || rep.Failed() {
		t.Fatalf("%v\n%s", err, problems(rep))
	}
	if got := rep.Device(m.id()).Added; got != len(recs) {
		t.Fatalf("added %d versions, want %d", got, len(recs))
	}
	if got := hqVersions(t, v); !slices.Equal(got, recs) {
		t.Fatalf("HQ holds %d versions, want %d", len(got), len(recs))
	}
}

// addNotes adds n notes with text to the monitor, in transactions of 500.
func addNotes(t testing.TB, m *monitor, n int, text string) {
	t.Helper()
	start := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; {
		err := m.v.Update(func(tx *storage.Tx) error {
			for j := 0; j < 500 && i < n; j, i = j+1, i+1 {
				note := &storage.Note{HearingID: m.hearing, Time: start.Add(time.Duration(i) * time.Second), Text: fmt.Sprintf("%s (observation %d)", text, i)}
				if err := tx.Put(note); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestImportAttachment imports a bundle with an attachment: the record is
// merged and the content counted as not stored, since the HQ vault has no
// way yet to store content without a record of its own.
func TestImportAttachment(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	content := []byte("a photo of the court's notice")
	a := &storage.Attachment{HearingID: m.hearing, Name: "notice.jpg", MediaType: "image/jpeg"}
	if err := m.v.AddAttachment(a, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	from := t.TempDir()
	m.flat(t, from, m.seal(t, dir, map[string][]byte{a.SHA256: content}))
	v := openHQVault(t, dir)
	rep := mustImport(t, dir, v, from, ImportOptions{})
	if dr := rep.Device(m.id()); rep.Failed() || dr.Attachments != 1 || dr.Added != len(m.versions(t)) {
		t.Fatalf("report %+v\n%s", dr, problems(rep))
	}
	got, err := storage.Load[storage.Attachment](v, a.ID)
	if err != nil || got.SHA256 != a.SHA256 || got.Name != "notice.jpg" {
		t.Fatalf("the attachment record at HQ: %+v, %v", got, err)
	}
	if got, err := v.AttachmentContent(a.SHA256); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("content at HQ: %q, %v; want the monitor's bytes", got, err)
	}
}
