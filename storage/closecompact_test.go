package storage

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/google/uuid"
)

// levelZero returns the tables the vault's MANIFEST lists at level 0, and
// the table files in its folder that the MANIFEST does not list: newer
// than every listed table (a flush or compaction writing them) or older
// (replaced by a compaction, not removed yet).
func levelZero(t *testing.T, dir string) (l0 int, newer, older []string) {
	t.Helper()
	dbPath := filepath.Join(dir, dbDir)
	m, err := readManifest(dbPath, badgerOptions(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	var maxID uint64
	for id, tm := range m.Tables {
		maxID = max(maxID, id)
		if tm.Level == 0 {
			l0++
		}
	}
	ssts, _ := filepath.Glob(filepath.Join(dbPath, "*.sst"))
	for _, p := range ssts {
		id, ok := table.ParseFileID(p)
		if _, listed := m.Tables[id]; !ok || listed {
			continue
		}
		if id > maxID {
			newer = append(newer, filepath.Base(p))
		} else {
			older = append(older, filepath.Base(p))
		}
	}
	return l0, newer, older
}

// Close compacts level 0 away, and the tables that compaction writes are
// in the ledger of checked tables: the next open checks no table block by
// block, and every note reads back. With keepL0 (the old way) level 0 keeps
// a table per session, which is what the option is there to avoid.
func TestCloseCompactsL0(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	var notes []*Note
	session := func(o OpenOptions) {
		t.Helper()
		if v == nil {
			var err error
			if v, err = OpenWith(dir, testPass, o); err != nil {
				t.Fatalf("open: %v", err)
			}
		}
		var rs []Record
		for range 300 {
			n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(len(notes)) * time.Second),
				Text: fmt.Sprintf("session note uqsession%05d %s", len(notes), strings.Repeat("testimony ", 30))}
			notes = append(notes, n)
			rs = append(rs, n)
		}
		mustPut(t, v, rs...)
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		v = nil
	}
	for s := range 3 {
		session(OpenOptions{})
		l0, newer, older := levelZero(t, dir)
		if l0 != 0 || len(newer)+len(older) != 0 {
			t.Fatalf("after close %d: %d level-0 tables, stray table files %v %v; want none", s, l0, newer, older)
		}
		before := tablesBlockChecked.Load()
		w, err := Open(dir, testPass)
		if err != nil {
			t.Fatalf("open after close %d: %v", s, err)
		}
		if n := tablesBlockChecked.Load() - before; n != 0 {
			t.Errorf("open after close %d checked %d tables block by block; want none (Close checked the tables its compaction wrote)", s, n)
		}
		if m := w.db.Opts().ChecksumVerificationMode; m != options.OnBlockRead {
			t.Errorf("open after close %d: checksum mode %v; want per-block", s, m)
		}
		ledger := readLedger(dir, w.aead)
		for _, name := range vaultTables(t, dir) {
			if ledger[name] == "" {
				t.Errorf("after close %d: table %s is not in the ledger", s, name)
			}
		}
		for _, n := range notes {
			wantNoteReads(t, w, n.ID, n.Text)
		}
		hits, err := w.Search(fmt.Sprintf("uqsession%05d", len(notes)-1), 0)
		if err != nil || len(hits) != 1 || hits[0].ID != notes[len(notes)-1].ID {
			t.Errorf("after close %d: search for the last note: %v %v", s, hits, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	session(OpenOptions{keepL0: true})
	if l0, _, _ := levelZero(t, dir); l0 == 0 {
		t.Errorf("a close that keeps level 0 left no level-0 table: the check above proves nothing")
	}
}

// A crash right after the close's compaction wrote its MANIFEST record,
// before Badger removed the tables it replaced and before Close wrote the
// ledger: the replaced tables' files are still there, and the ledger
// (written at open) lists them. The MANIFEST deleted them: the vault opens
// with nothing lost, and the open after the next clean close checks no
// table block by block. (TestCrashDuringCloseCompaction gets there by
// chance; this builds that state on purpose.)
func TestCloseCompactionCrashLeavesReplaced(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	var notes []*Note
	add := func(v *Vault) {
		var rs []Record
		for range 200 {
			n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(len(notes)) * time.Second),
				Text: fmt.Sprintf("note uqreplaced%05d %s", len(notes), strings.Repeat("the witness recanted ", 20))}
			notes = append(notes, n)
			rs = append(rs, n)
		}
		mustPut(t, v, rs...)
	}
	add(v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	add(v)
	ledgerAtOpen, err := os.ReadFile(filepath.Join(dir, checkedFile))
	if err != nil {
		t.Fatal(err)
	}
	listed := readLedger(dir, v.aead)
	saved := map[string][]byte{}
	for _, name := range vaultTables(t, dir) {
		if saved[name], err = os.ReadFile(filepath.Join(dir, dbDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	crash := filepath.Join(t.TempDir(), "crash")
	tamperCopyDir(t, dir, crash)
	var back []string
	for name, b := range saved {
		if _, err := os.Stat(filepath.Join(dir, dbDir, name)); err == nil {
			continue // not replaced
		}
		if listed[name] == "" {
			t.Fatalf("table %s was replaced but is not in the ledger written at open", name)
		}
		if err := os.WriteFile(filepath.Join(crash, dbDir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
		back = append(back, name)
	}
	if len(back) == 0 {
		t.Fatalf("the close's compaction replaced none of the tables %v", slices.Sorted(maps.Keys(saved)))
	}
	if err := os.WriteFile(filepath.Join(crash, checkedFile), ledgerAtOpen, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("tables replaced at close, put back: %v", back)
	for round := range 2 {
		before := tablesBlockChecked.Load()
		w, err := Open(crash, testPass)
		if err != nil {
			t.Fatalf("open %d after a crash that left the replaced tables: %v", round, err)
		}
		checked := tablesBlockChecked.Load() - before
		if round == 1 && checked != 0 {
			t.Errorf("open after a clean close checked %d tables block by block; want none", checked)
		}
		for _, n := range notes {
			wantNoteReads(t, w, n.ID, n.Text)
		}
		if lost := w.Lost(); len(lost) > 0 {
			t.Fatalf("lost: %v", lost)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range back {
		if _, err := os.Stat(filepath.Join(crash, dbDir, name)); err == nil {
			t.Errorf("replaced table %s is still there after open and close", name)
		}
	}
}

// TestCrashDuringCloseCompaction kills a process while it closes the
// vault (flushing its memtable, compacting level 0, checking the new
// tables, writing the ledger) and reopens: the vault opens, every
// acknowledged note reads back and is found by search, and after the next
// clean close no table is checked block by block at open.
func TestCrashDuringCloseCompaction(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("COURTWATCH_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set COURTWATCH_CRASH_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 3))

	acked := map[uuid.UUID]string{}
	states := map[string]int{}
	inCompaction := 0
	closeTook := 50 * time.Millisecond // grows with the vault; measured below
	maxIt, want := 30, 3
	if testing.Short() {
		maxIt, want = 12, 1
	}
	it := 0
	for ; it < maxIt && (it < 8 || inCompaction < want); it++ {
		// The first run closes by itself, to measure a close.
		delay := time.Hour
		if it > 0 {
			delay = time.Duration(rng.Int64N(int64(closeTook) * 5 / 4))
		}
		run := closeKiller(t, dir, h.ID, seed+uint64(it), delay)
		if run.closed > 0 {
			closeTook = max(closeTook, run.closed)
		} else if run.waitErr == nil || !strings.Contains(run.waitErr.Error(), "killed") {
			t.Fatalf("run %d: the writer was not killed but ended with %v\n%s", it, run.waitErr, run.stderr)
		}
		for _, n := range run.notes {
			if run.acked[n.batch] {
				acked[n.id] = n.text
			}
		}

		// Where in the close the kill landed.
		l0, newer, older := levelZero(t, dir)
		mems, _ := filepath.Glob(filepath.Join(dir, dbDir, "*.mem"))
		var state string
		switch {
		case run.closed > 0:
			state = "not killed"
		case len(older) > 0:
			state = "after the compaction's MANIFEST record, before it removed the tables it replaced"
		case l0 > 0 && len(newer) > 0:
			state = "in the compaction, writing its tables"
		case l0 > 0:
			state = "after the flush, before the compaction wrote a table"
		case len(mems) > 0:
			state = "before the flush was recorded"
		default:
			state = "after the compaction"
		}
		states[state]++
		if l0 > 0 || len(older) > 0 {
			inCompaction++
		}

		t0 := time.Now()
		w, err := Open(dir, testPass)
		if err != nil {
			t.Fatalf("run %d (killed %v into the close: %s): open: %v\nwriter stderr:\n%s", it, delay, state, err, tailOf(run.stderr, 4000))
		}
		opened := time.Since(t0)
		if err := readsAcked(w, acked); err != nil {
			t.Fatalf("run %d (%s): acknowledged note: %v", it, state, err)
		}
		if last := run.lastAcked(); last.word != "" {
			hits, err := w.Search(last.word, 0)
			if err != nil || len(hits) != 1 || hits[0].ID != last.id {
				t.Errorf("run %d (%s): search %q: %d hits, %v; want note %s", it, state, last.word, len(hits), err, last.id)
			}
		}
		if lost := w.Lost(); len(lost) > 0 {
			t.Fatalf("run %d (%s): lost %v", it, state, lost)
		}
		t0 = time.Now()
		if err := w.Close(); err != nil {
			t.Fatalf("run %d (%s): close: %v", it, state, err)
		}
		closeTook = max(closeTook, time.Since(t0))
		t.Logf("run %d: killed %v into the close: %s; reopened in %v", it, delay.Round(time.Millisecond), state, opened.Round(time.Millisecond))
	}
	t.Logf("%d runs, %d notes acknowledged, close up to %v: %v", it, len(acked), closeTook.Round(time.Millisecond), states)
	if inCompaction < want {
		t.Errorf("only %d of %d kills landed in the compaction (want %d): the test did not test it; rerun", inCompaction, it, want)
	}

	// After a clean close: no level-0 table, nothing to check at open.
	if l0, newer, older := levelZero(t, dir); l0 != 0 || len(newer)+len(older) != 0 {
		t.Errorf("after the last clean close: %d level-0 tables, stray files %v %v", l0, newer, older)
	}
	before := tablesBlockChecked.Load()
	w, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if n := tablesBlockChecked.Load() - before; n != 0 {
		t.Errorf("open after a clean close checked %d tables block by block; want none", n)
	}
}

// closeRun is what the parent learned from one closeKiller process.
type closeRun struct {
	crashRun
	closed time.Duration // how long its Close took, if it was not killed
}

func (r *closeRun) lastAcked() crashNote {
	var last crashNote
	for _, n := range r.notes {
		if r.acked[n.batch] {
			last = n
		}
	}
	return last
}

// closeKiller runs TestCloseCrashHelper on dir and kills it delay after it
// begins to close the vault.
func closeKiller(t *testing.T, dir string, hearing uuid.UUID, seed uint64, delay time.Duration) closeRun {
	t.Helper()
	cmd := helperCommand("TestCloseCrashHelper", crashHelperEnv+"=closer",
		"COURTWATCH_CRASH_DIR="+dir, "COURTWATCH_CRASH_HEARING="+hearing.String(),
		fmt.Sprintf("COURTWATCH_CRASH_WSEED=%d", seed))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go crashLines(out, lines)
	run := closeRun{crashRun: crashRun{acked: map[int]bool{}}}
	killAt := time.NewTimer(time.Hour)
	watchdog := time.NewTimer(60 * time.Second)
	defer watchdog.Stop()
	for done := false; !done; {
		select {
		case line, ok := <-lines:
			if !ok {
				done = true
				break
			}
			if line == "CLOSING" {
				killAt.Reset(delay)
			}
			if d, ok := strings.CutPrefix(line, "CLOSED "); ok {
				ns, _ := strconv.ParseInt(d, 10, 64)
				run.closed = time.Duration(ns)
			}
			crashParse(&run.crashRun, line)
		case <-killAt.C:
			cmd.Process.Kill()
			done = true
		case <-watchdog.C:
			cmd.Process.Kill()
			t.Fatalf("close helper did not finish:\n%s", stderr.String())
		}
	}
	for line := range lines {
		crashParse(&run.crashRun, line)
	}
	run.waitErr = cmd.Wait()
	run.stderr = stderr.String()
	return run
}

// TestCloseCrashHelper is the process TestCrashDuringCloseCompaction
// kills: it opens the vault, saves about 1.5 MB of notes in batches,
// printing each note before its batch and "ACK" after it, then prints
// "CLOSING", closes the vault and prints how long that took.
func TestCloseCrashHelper(t *testing.T) {
	if os.Getenv(crashHelperEnv) != "closer" {
		t.Skip("helper process for TestCrashDuringCloseCompaction")
	}
	dir := os.Getenv("COURTWATCH_CRASH_DIR")
	hearing := uuid.MustParse(os.Getenv("COURTWATCH_CRASH_HEARING"))
	seed, _ := strconv.ParseUint(os.Getenv("COURTWATCH_CRASH_WSEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 4))
	v, err := Open(dir, testPass)
	if err != nil {
		fmt.Fprintf(os.Stderr, "closer: open: %v\n", err)
		os.Exit(2)
	}
	for batch := range 40 {
		var sb strings.Builder
		var rs []Record
		for range 50 {
			var text strings.Builder
			for range 60 + rng.IntN(60) {
				text.WriteString(crashWords[rng.IntN(len(crashWords))])
				text.WriteByte(' ')
			}
			word := fmt.Sprintf("uq%016x", rng.Uint64())
			text.WriteString(word)
			n := &Note{Meta: Meta{ID: uuid.Must(uuid.NewV7())}, HearingID: hearing,
				Time: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(batch) * time.Second), Text: text.String()}
			rs = append(rs, n)
			fmt.Fprintf(&sb, "NOTE %d %s %s %s\n", batch, n.ID, word, strconv.Quote(n.Text))
		}
		os.Stdout.WriteString(sb.String())
		if err := v.Put(rs...); err != nil {
			fmt.Fprintf(os.Stderr, "closer: save: %v\n", err)
			os.Exit(3)
		}
		fmt.Printf("ACK %d\n", batch)
	}
	// The search postings are written in the background; wait for them so
	// that the kill lands in Close, not in the indexer.
	if err := v.waitIndexed(); err != nil && !errors.Is(err, ErrLocked) {
		fmt.Fprintf(os.Stderr, "closer: index: %v\n", err)
		os.Exit(3)
	}
	fmt.Println("CLOSING")
	t0 := time.Now()
	if err := v.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "closer: close: %v\n", err)
		os.Exit(4)
	}
	fmt.Printf("CLOSED %d\n", time.Since(t0))
}
