package storage

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/storage/fulltext"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Search index layout 2 (searchmigrate.go, searchhit.go): every posting
// names the version its record was indexed from. A vault indexed by
// layout 1 searches as before while the indexer migrates it, the
// migration survives a kill -9, and edits, deletes and purges keep every
// posting naming the record's newest version.

// searchV1Vault unpacks testdata/search_v1vault.tar.gz: a vault built by
// the tree before layout 2 (c41f917; 60 notes of searchSameText with
// seed 23/5, some edited and some deleted, and 2 persons), with
// search_expected.txt, that tree's Search(q, 50) for searchV1Queries.
func searchV1Vault(t *testing.T) (dir, expected string) {
	t.Helper()
	dir = extractVault(t, "testdata/search_v1vault.tar.gz")
	b, err := os.ReadFile(filepath.Join(dir, "search_expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(b)
}

var searchV1Queries = []string{"defendant quarantined", "DEFENDANT", "def quar", "d", "nguyen duc", "judge court",
	"ចៅក្រម", "កឹមសុខា", "ក", "ចោទ defendant", "sokha", "défense", "nothing"}

// searchV1Results formats Search(q, 50) for searchV1Queries as the
// fixture's search_expected.txt does.
func searchV1Results(t *testing.T, v *Vault) string {
	t.Helper()
	var b strings.Builder
	for _, q := range searchV1Queries {
		hits, err := v.Search(q, 50)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		fmt.Fprintf(&b, "%q: %d hits\n", q, len(hits))
		for _, hit := range hits {
			fmt.Fprintf(&b, "\t%s %s %q\n", hit.ID, hit.Kind, hit.Snippet)
		}
	}
	return b.String()
}

func sameLines(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Fatalf("%s: line %d:\n got %s\nwant %s", what, i+1, g[i], w[i])
		}
	}
	t.Fatalf("%s: %d lines, want %d", what, len(g), len(w))
}

// postingsState checks that every posting and terms list names the
// newest version of its record, and returns how many postings there are
// and how many name no version (layout 1).
func postingsState(t *testing.T, v *Vault) (postings, unnamed int) {
	t.Helper()
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	err := v.View(func(tx *Tx) error {
		it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefixSearch})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			id, _ := uuid.FromBytes(k[len(k)-16:])
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			postings++
			if len(val) == 0 {
				unnamed++
				continue
			}
			r, ok := postedRef(id, val)
			newest, err := tx.Current(id)
			if err != nil {
				return fmt.Errorf("posting %q of a record without a live version: %v", k, err)
			}
			if !ok || r != newest.ref() {
				return fmt.Errorf("posting %q names %+v, the newest version is %+v", k, r, newest.ref())
			}
			b, err := tx.getSealed(termsKey(id))
			if err != nil {
				return err
			}
			l, err := decodeTermsList(b)
			if err != nil || l.Ref != r {
				return fmt.Errorf("terms list of %s names %+v (%v), its postings %+v", id, l.Ref, err, r)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return postings, unnamed
}

func searchLayoutOf(t *testing.T, v *Vault) searchState {
	t.Helper()
	var st searchState
	err := v.View(func(tx *Tx) (err error) { st, err = readSearchState(tx); return err })
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitMigrated waits for the vault's migration to end and fails on its error.
func waitMigrated(t *testing.T, v *Vault) {
	t.Helper()
	select {
	case <-v.ix.migrateDone:
	case <-time.After(time.Minute):
		t.Fatal("the search index migration did not end within a minute")
	}
	v.ix.mu.Lock()
	err := v.ix.migrateErr
	v.ix.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSearchLayout1VaultMigrates(t *testing.T) {
	dir, want := searchV1Vault(t)
	old := migrateBatch
	migrateBatch = 7 // several steps for 60 notes
	t.Cleanup(func() { migrateBatch = old })
	steps := 0
	testHookMigrate = func() { steps++ }
	t.Cleanup(func() { testHookMigrate = nil })
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	// While it migrates, and after, Search finds what the old tree found.
	sameLines(t, "during the migration", searchV1Results(t, v), want)
	waitMigrated(t, v)
	if steps < 9 {
		t.Errorf("%d migration steps, want at least 9 (60 notes, 7 a step)", steps)
	}
	if st := searchLayoutOf(t, v); st.Layout != searchLayout {
		t.Errorf("layout after the migration: %+v", st)
	}
	n, unnamed := postingsState(t, v)
	if n == 0 || unnamed != 0 {
		t.Errorf("after the migration: %d postings, %d name no version", n, unnamed)
	}
	sameLines(t, "after the migration", searchV1Results(t, v), want)
	// An edit and a delete after the migration keep the postings right.
	hits, err := v.Search("defendant quarantined", 2)
	if err != nil || len(hits) != 2 {
		t.Fatalf("Search: %d hits, %v", len(hits), err)
	}
	note := hits[0].Record.(*Note)
	note.Text = "no longer about that"
	mustPut(t, v, note)
	if err := v.Update(func(tx *Tx) error { return tx.Delete(hits[1].ID) }); err != nil {
		t.Fatal(err)
	}
	postingsState(t, v)
	after, err := v.Search("defendant quarantined", 50)
	if err != nil || len(after) != 22 {
		t.Errorf("after an edit and a delete: %d hits, want 22 (%v)", len(after), err)
	}
	v.Close()
	// Reopened, nothing is left to migrate.
	steps = 0
	if v, err = Open(dir, testPass); err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	waitMigrated(t, v)
	if steps != 0 {
		t.Errorf("reopened after the migration: %d steps", steps)
	}
}

const migrateKillEnv = "COURTWATCH_MIGRATE_KILL_DIR"

// TestSearchMigrationKillHelper is the process killed by
// TestSearchMigrationKilled: it opens the vault and stops for good after
// the third migration step has committed its markers.
func TestSearchMigrationKillHelper(t *testing.T) {
	dir := os.Getenv(migrateKillEnv)
	if dir == "" {
		t.Skip("helper of TestSearchMigrationKilled")
	}
	migrateBatch = 7
	steps := 0
	testHookMigrate = func() {
		if steps++; steps == 3 {
			fmt.Println("MARKED")
			select {} // killed here
		}
	}
	if _, err := Open(dir, testPass); err != nil {
		t.Fatal(err)
	}
	select {}
}

// A migration killed with its markers committed and not yet indexed
// goes on at the next Open from where it stopped, and searches as before
// all along.
func TestSearchMigrationKilled(t *testing.T) {
	dir, want := searchV1Vault(t)
	cmd := helperCommand("TestSearchMigrationKillHelper", migrateKillEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	marked := false
	for sc.Scan() {
		if sc.Text() == "MARKED" {
			marked = true
			break
		}
	}
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	if !marked {
		t.Fatal("the helper did not reach its third migration step")
	}
	old := migrateBatch
	migrateBatch = 7
	t.Cleanup(func() { migrateBatch = old })
	steps := 0
	testHookMigrate = func() { steps++ }
	t.Cleanup(func() { testHookMigrate = nil })
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	sameLines(t, "after the kill", searchV1Results(t, v), want)
	waitMigrated(t, v)
	// 60 notes, 2 persons, a case and a hearing: 64 records, 10 steps;
	// the killed process did 2 and marked the third, which Open indexed.
	if steps != 7 {
		t.Errorf("%d steps after the kill, want 7 (from where it stopped)", steps)
	}
	if n, unnamed := postingsState(t, v); n == 0 || unnamed != 0 {
		t.Errorf("%d postings, %d name no version", n, unnamed)
	}
	sameLines(t, "after the migration", searchV1Results(t, v), want)
}

// Every posting names its record's newest version after saves, edits,
// deletes and purges; a new vault starts at layout 2 and never migrates.
func TestPostingsNameNewestVersion(t *testing.T) {
	v, _ := newTestVault(t)
	if st := searchLayoutOf(t, v); st.Layout != searchLayout {
		t.Fatalf("a new vault's search layout: %+v", st)
	}
	_, h := seedHearing(t, v)
	var notes []*Note
	for i := range 20 {
		n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Second), Text: fmt.Sprintf("witness %d speaks ចៅក្រម", i)}
		notes = append(notes, n)
		mustPut(t, v, n)
	}
	postingsState(t, v)
	for i, n := range notes[:10] {
		n.Text = fmt.Sprintf("witness %d repeats", i) // some terms kept, some gone
		mustPut(t, v, n)
	}
	postingsState(t, v)
	if err := v.Update(func(tx *Tx) error { return tx.Delete(notes[0].ID) }); err != nil {
		t.Fatal(err)
	}
	if err := v.Update(func(tx *Tx) error { return tx.Purge(notes[1].ID) }); err != nil {
		t.Fatal(err)
	}
	n, unnamed := postingsState(t, v)
	if n == 0 || unnamed != 0 {
		t.Errorf("%d postings, %d name no version", n, unnamed)
	}
	wantSearchHits(t, v, "speaks", idsOf(notes[10:])...)
	hits, err := v.Search("repeats", 0)
	if err != nil || len(hits) != 8 {
		t.Fatalf("Search(repeats): %d hits, %v", len(hits), err)
	}
	for _, hit := range hits {
		if !strings.Contains(hit.Record.(*Note).Text, "repeats") || hit.Record.(*Note).Version != 2 {
			t.Errorf("hit %s shows %+v, not the newest version", hit.ID, hit.Record)
		}
	}
}

func idsOf(notes []*Note) []uuid.UUID {
	var out []uuid.UUID
	for i := len(notes) - 1; i >= 0; i-- {
		out = append(out, notes[i].ID)
	}
	return out
}

// A posting that names a version which is no longer the newest (a save
// committed and not yet indexed) is not trusted: the snapshot's index is
// not current, and the hit is read from the record's newest version.
func TestSearchStalePostingReadsNewest(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "alpha first"}
	mustPut(t, v, n)
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	first := refOfMeta(&n.Meta)
	blocked, release := make(chan struct{}), make(chan struct{})
	v.testHookIndexCommit = func() {
		close(blocked)
		<-release
	}
	n.Text = "alpha second"
	mustPut(t, v, n)
	<-blocked // the edit is committed, its postings are not
	w, i := v.wseq.Load(), v.iseq.Load()
	var text string
	var posted ref
	err := v.View(func(tx *Tx) error {
		current := v.indexCurrent(w, i)
		if current {
			t.Error("index reported current with an edit queued")
		}
		q := fulltext.ParseQuery("alpha")
		return tx.candidates(q.Lookups(), func(id uuid.UUID, p ref) (bool, error) {
			posted = p
			ver, err := tx.hitVersion(id, p, current)
			if err != nil {
				return false, err
			}
			var got Note
			if err := decodeInto(ver, &got); err != nil {
				return false, err
			}
			text = got.Text
			return true, nil
		})
	})
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if posted != first {
		t.Errorf("the posting names %+v, want the first version %+v", posted, first)
	}
	if text != "alpha second" {
		t.Errorf("hit read %q, want the newest version's text", text)
	}
	// Once indexed, the index is current again and names the edit.
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	if !v.indexCurrent(v.wseq.Load(), v.iseq.Load()) {
		t.Error("index not current once idle")
	}
	postingsState(t, v)
	// While a writer holds the vault, it is not current either.
	done, err := v.beginWrite()
	if err != nil {
		t.Fatal(err)
	}
	if v.indexCurrent(v.wseq.Load(), v.iseq.Load()) {
		t.Error("index reported current while a writer may commit")
	}
	done()
}
