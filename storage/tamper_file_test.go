package storage

// File-level tampering: flip bytes in Badger's files and check that no read
// ever returns altered data.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// testDBKey derives the Badger key of the vault in dir, for tests that open
// Badger behind the vault's back.
func (v *Vault) testDBKey(t testing.TB) []byte {
	t.Helper()
	_, dataKey, err := unlock(v.dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer wipe(dataKey)
	return subkey(dataKey, "badger")
}

// ---------------------------------------------------------------------------
// (c) Bytes flipped in the files on disk.
//
// The parent builds a vault and snapshots its folder twice: "open", as a
// crash would leave it, with the last session still in Badger's write-ahead
// log (*.mem), and "closed", after a clean Close. It plans trials (file,
// offset, xor): 40 offsets spread over the used part of every distinct
// *.sst, *.vlog and *.mem file, and a few in MANIFEST and KEYREGISTRY. A
// helper process (this test binary again) restores the snapshot for each
// trial, flips one byte, opens the vault and reads everything back.
//
// A panic in Badger's own goroutines kills the helper; the parent records
// the trial as a crash and starts a new helper at the next one, so a bad
// flip cannot take the suite down. Badger crashes are logged as a known
// limitation; after three in one file the rest of that file is skipped to
// keep the test fast (COURTWATCH_TAMPER_ALL=1 runs them all).

const tamperHelperEnv = "COURTWATCH_TAMPER_PLAN"

type tamperPlan struct {
	Snapshots map[string]string // snapshot name → folder
	Trials    []tamperTrial
	Expect    tamperExpect
	Work      string
}

type tamperTrial struct {
	Snap string
	File string // relative to the vault folder
	Off  int64
	Xor  byte
}

func (tr tamperTrial) String() string {
	return fmt.Sprintf("%s:%s@%d^%#02x", tr.Snap, tr.File, tr.Off, tr.Xor)
}

type tamperExpect struct {
	Device   uuid.UUID
	ChainLen uint64
	Records  []tamperRecord
	Attach   []string
	Word     string
	WordHits []uuid.UUID
}

type tamperRecord struct {
	ID      uuid.UUID
	Raws    [][]byte
	Deleted bool
}

// Outcomes of one trial, from harmless to alarming. A trial's outcome is the
// worst of all its reads.
const (
	outNoEffect = "no-effect" // everything read back exactly
	outTampered = "tampered"  // some read (or Open) said ErrTampered
	outError    = "error"     // some read (or Open) failed with another error
	outLost     = "lost"      // data missing or rolled back, with no error
	outReported = "reported"  // data missing, and Open reported how many records since when
	outWrong    = "WRONG"     // data returned that was never stored: must never happen
	outPanic    = "panic"     // panic recovered in the helper
	outCrash    = "crash"     // the helper process died
	outHang     = "hang"      // the helper made no progress
	outSkipped  = "skipped"   // not run: Badger kept crashing on this file
)

var outRank = map[string]int{outNoEffect: 0, outTampered: 1, outReported: 1, outError: 2, outLost: 3, outPanic: 4, outCrash: 4, outHang: 4, outWrong: 5}

type tamperOutcome struct {
	Out    string
	Detail string
}

func (o *tamperOutcome) worse(out, detail string) {
	if outRank[out] > outRank[o.Out] {
		o.Out, o.Detail = out, detail
	}
}

func (o *tamperOutcome) fromErr(what string, err error) {
	switch {
	case errors.Is(err, ErrTampered):
		o.worse(outTampered, what+": "+err.Error())
	case errors.Is(err, ErrNotFound):
		o.worse(outLost, what+": "+err.Error())
	default:
		o.worse(outError, what+": "+err.Error())
	}
}

func TestTamperFileFlips(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns helper processes")
	}
	start := time.Now()
	v, dir := newTestVault(t)
	c, h := seedHearing(t, v)
	const word = "tamperword"
	var notes []*Note
	addNotes := func(n int, tag string) {
		var batch []Record
		for i := range n {
			text := fmt.Sprintf("%s note %d: the judge asked លោកសមរង្ស៊ី about article %d.", tag, i, 400+i)
			if i%3 == 0 {
				text += " " + word
			}
			nt := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(len(notes)+i) * time.Minute), Text: text}
			batch = append(batch, nt)
		}
		mustPut(t, v, batch...)
		for _, r := range batch {
			notes = append(notes, r.(*Note))
		}
	}
	addNotes(20, "first")
	persons := []*Person{
		{Name: "Kem Sokha", NameLocal: "កឹម សុខា"},
		{Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី", Aliases: []string{"Rainsy"}},
	}
	mustPut(t, v, persons[0], persons[1])
	// Attachment chunks of 1 MiB are over Badger's value threshold, so they
	// go to the value log; everything else stays in the LSM tree.
	att1 := &Attachment{CaseID: c.ID, Name: "indictment.pdf"}
	if err := v.AddAttachment(att1, bytes.NewReader(tamperContent(1, chunkSize+chunkSize/5))); err != nil {
		t.Fatal(err)
	}
	v.Close()

	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	addNotes(10, "second")
	for _, n := range notes[:5] {
		n.Text += " (edited) " + word
		mustPut(t, v, n)
	}
	for _, n := range notes[5:7] {
		if err := v.Update(func(tx *Tx) error { return tx.Delete(n.ID) }); err != nil {
			t.Fatal(err)
		}
	}
	att2 := &Attachment{HearingID: h.ID, Name: "photo.jpg"}
	if err := v.AddAttachment(att2, bytes.NewReader(tamperContent(2, chunkSize+chunkSize/10))); err != nil {
		t.Fatal(err)
	}

	// What the vault holds, read from the pristine vault.
	exp := tamperExpect{Device: v.deviceID(), Attach: []string{att1.SHA256, att2.SHA256}, Word: word}
	exp.ChainLen, _ = v.Head()
	ids := []uuid.UUID{c.ID, h.ID, persons[0].ID, persons[1].ID, att1.ID, att2.ID}
	for _, n := range notes {
		ids = append(ids, n.ID)
	}
	for _, id := range ids {
		hist, err := v.History(id)
		if err != nil {
			t.Fatal(err)
		}
		r := tamperRecord{ID: id, Deleted: hist[len(hist)-1].Deleted}
		for _, ver := range hist {
			r.Raws = append(r.Raws, ver.Raw)
		}
		exp.Records = append(exp.Records, r)
	}
	hits, err := v.Search(word, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, hit := range hits {
		exp.WordHits = append(exp.WordHits, hit.ID)
	}
	if len(exp.WordHits) < 10 {
		t.Fatalf("only %d hits for %q before tampering", len(exp.WordHits), word)
	}

	base := t.TempDir()
	snaps := map[string]string{"open": filepath.Join(base, "snap-open"), "closed": filepath.Join(base, "snap-closed")}
	tamperCopyDir(t, dir, snaps["open"])
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	tamperCopyDir(t, dir, snaps["closed"])

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("COURTWATCH_TAMPER_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	const perFile = 40
	var trials []tamperTrial
	seen := map[[32]byte]string{}
	var layout []string
	for _, name := range []string{"closed", "open"} {
		for _, f := range tamperSnapFiles(t, snaps[name]) {
			n := perFile
			switch ext := filepath.Ext(f.rel); {
			case ext == ".sst" || ext == ".vlog" || ext == ".mem":
			case strings.HasSuffix(f.rel, "MANIFEST") || strings.HasSuffix(f.rel, "KEYREGISTRY"):
				n = 6
			default:
				continue
			}
			layout = append(layout, fmt.Sprintf("%s:%s (%d bytes, %d used)", name, f.rel, f.size, f.extent))
			if prev, ok := seen[f.sum]; ok {
				layout[len(layout)-1] += " = " + prev
				continue // the same bytes were planned already
			}
			seen[f.sum] = name + ":" + f.rel
			for _, off := range tamperOffsets(rng, f.extent, n) {
				trials = append(trials, tamperTrial{Snap: name, File: f.rel, Off: off, Xor: byte(1 + rng.IntN(255))})
			}
		}
	}
	plan := tamperPlan{Snapshots: snaps, Trials: trials, Expect: exp, Work: filepath.Join(base, "work")}
	planFile := filepath.Join(base, "plan.json")
	pb, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planFile, pb, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d (set COURTWATCH_TAMPER_SEED to repeat); %d trials over\n  %s", seed, len(trials), strings.Join(layout, "\n  "))

	st := &tamperState{t: t, plan: &plan, planFile: planFile, results: make([]tamperOutcome, len(trials)),
		crashes: map[string]int{}, all: os.Getenv("COURTWATCH_TAMPER_ALL") == "1"}
	var wg sync.WaitGroup
	const workers = 2
	for w := range workers {
		lo, hi := w*len(trials)/workers, (w+1)*len(trials)/workers
		wg.Go(func() { st.run(lo, hi) })
	}
	wg.Wait()

	type key struct{ snap, kind, out string }
	counts := map[key]int{}
	totals := map[string]int{}
	loggedCrash := map[string]bool{}
	lost, reported := 0, 0
	for i, tr := range trials {
		o := st.results[i]
		kind := filepath.Ext(tr.File)
		if kind == "" {
			kind = filepath.Base(tr.File)
		}
		counts[key{tr.Snap, kind, o.Out}]++
		totals[o.Out]++
		switch o.Out {
		case outWrong:
			t.Errorf("trial %s returned data that was never stored: %s", tr, o.Detail)
		case outPanic, outCrash, outHang:
			if !strings.Contains(o.Detail, "dgraph-io/badger") {
				t.Errorf("trial %s: %s outside Badger: %s", tr, o.Out, o.Detail)
			} else if !loggedCrash[tr.Snap+tr.File] {
				loggedCrash[tr.Snap+tr.File] = true
				t.Logf("KNOWN LIMITATION: Badger %s on a flipped byte in %s (trial %s): %s", o.Out, tr.File, tr, o.Detail)
			}
		case outLost:
			if lost++; lost <= 3 {
				t.Errorf("trial %s: data silently lost or rolled back: %s", tr, o.Detail)
			}
		case outReported:
			if reported++; reported <= 2 {
				t.Logf("trial %s: data lost and reported at open: %s", tr, o.Detail)
			}
		case outNoEffect, outTampered, outError, outSkipped:
		default:
			t.Errorf("trial %s: no result (%q)", tr, o.Out)
		}
	}
	var ks []key
	for k := range counts {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b key) int { return strings.Compare(a.snap+a.kind+a.out, b.snap+b.kind+b.out) })
	var sb strings.Builder
	for _, k := range ks {
		fmt.Fprintf(&sb, "\n  %-6s %-12s %-9s %3d", k.snap, k.kind, k.out, counts[k])
	}
	t.Logf("%d flips in %v: %d ErrTampered, %d lost and reported at open, %d other error, %d no effect, %d data silently lost or rolled back, %d wrong data, %d Badger panic/crash/hang, %d skipped after Badger crashes%s",
		len(trials), time.Since(start).Round(time.Millisecond), totals[outTampered], totals[outReported], totals[outError], totals[outNoEffect],
		totals[outLost], totals[outWrong], totals[outPanic]+totals[outCrash]+totals[outHang], totals[outSkipped], sb.String())
	if totals[outTampered] == 0 {
		t.Errorf("no flip was reported as ErrTampered: the test is not reaching the data")
	}
}
