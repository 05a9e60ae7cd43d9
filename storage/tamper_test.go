package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Tampering with a vault must never make it return different data. These
// tests change stored bytes behind the vault's back, first as values under
// Badger keys (what an attacker who could write Badger entries could do),
// then as raw bytes in the files on disk (what a failing disk, or an attacker
// without the key, can do).

// tamperTwoNotes stores two notes, the second edited once, and returns them.
func tamperTwoNotes(t *testing.T, v *Vault) (a, b *Note, bFirst ref) {
	t.Helper()
	_, h := seedHearing(t, v)
	a = &Note{HearingID: h.ID, Time: h.Scheduled, Text: "Judge Ya Narin opens the hearing."}
	b = &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Minute), Text: "Defendant Kem Sokha is absent."}
	mustPut(t, v, a, b)
	bFirst = ref{b.ID, b.HLC, b.Device}
	b.Text = "Defendant Kem Sokha is absent; his lawyer is present."
	mustPut(t, v, b)
	return a, b, bFirst
}

func refOfMeta(m *Meta) ref { return ref{ID: m.ID, HLC: m.HLC, Device: m.Device} }

func badgerGetRaw(t *testing.T, v *Vault, k []byte) []byte {
	t.Helper()
	var out []byte
	err := v.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		t.Fatalf("raw get %q: %v", printableKey(k), err)
	}
	return out
}

func badgerSetRaw(t *testing.T, v *Vault, kv ...[]byte) {
	t.Helper()
	err := v.db.Update(func(txn *badger.Txn) error {
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				if err := txn.Delete(kv[i]); err != nil {
					return err
				}
				continue
			}
			if err := txn.Set(kv[i], kv[i+1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("raw set: %v", err)
	}
}

// wantReadTampered asserts that every way of reading record id reports
// ErrTampered and returns no data.
func wantReadTampered(t *testing.T, v *Vault, what string, id uuid.UUID) {
	t.Helper()
	n, err := Load[Note](v, id)
	if !errors.Is(err, ErrTampered) {
		t.Errorf("%s: Load: got (%v, %v), want ErrTampered", what, n, err)
	}
	h, err := v.History(id)
	if !errors.Is(err, ErrTampered) {
		t.Errorf("%s: History: got %d versions, err %v; want ErrTampered", what, len(h), err)
	}
}

func wantNoteReads(t *testing.T, v *Vault, id uuid.UUID, text string) {
	t.Helper()
	n, err := Load[Note](v, id)
	if err != nil || n.Text != text {
		t.Fatalf("note %s: got %v, %v; want %q", id, n, err, text)
	}
}

// (a) A sealed value moved to another key does not authenticate: the key is
// the associated data of the seal.
func TestTamperSwapSealedValues(t *testing.T) {
	v, dir := newTestVault(t)
	a, b, bFirst := tamperTwoNotes(t, v)
	ka, kb := refOfMeta(&a.Meta).versionKey(), refOfMeta(&b.Meta).versionKey()
	va, vb := badgerGetRaw(t, v, ka), badgerGetRaw(t, v, kb)

	badgerSetRaw(t, v, ka, vb, kb, va)
	wantReadTampered(t, v, "swapped between notes", a.ID)
	wantReadTampered(t, v, "swapped between notes", b.ID)
	if _, err := v.Search("Sokha", 0); !errors.Is(err, ErrTampered) {
		t.Errorf("search over a swapped note: got %v, want ErrTampered", err)
	}
	if _, err := v.VerifyChain(v.deviceID()); !errors.Is(err, ErrTampered) {
		t.Errorf("VerifyChain over a swapped note: got %v, want ErrTampered", err)
	}
	// It is not an artefact of a cache: the same after a reopen.
	v.Close()
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer v.Close()
	wantReadTampered(t, v, "swapped, after reopen", a.ID)
	wantReadTampered(t, v, "swapped, after reopen", b.ID)

	// Swapped back, both read again: the test is not vacuous.
	badgerSetRaw(t, v, ka, va, kb, vb)
	wantNoteReads(t, v, a.ID, a.Text)
	wantNoteReads(t, v, b.ID, b.Text)

	// Two versions of one record swapped: an edit "rolled back" in place.
	k1 := bFirst.versionKey()
	v1 := badgerGetRaw(t, v, k1)
	badgerSetRaw(t, v, k1, vb, kb, v1)
	wantReadTampered(t, v, "versions of one note swapped", b.ID)
	badgerSetRaw(t, v, k1, v1, kb, vb)

	// A correctly sealed version stored under another record's key: the seal
	// holds, but the version names a different id, so it is still refused.
	rawA, err := v.unseal(ka, va)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := v.seal(kb, rawA)
	if err != nil {
		t.Fatal(err)
	}
	badgerSetRaw(t, v, kb, forged)
	wantReadTampered(t, v, "version resealed under another key", b.ID)
	badgerSetRaw(t, v, kb, vb)
	wantNoteReads(t, v, b.ID, b.Text)
}

// (b) One flipped byte anywhere in a sealed value (nonce, ciphertext, tag),
// or a truncated value, is ErrTampered.
func TestTamperFlipSealedValue(t *testing.T) {
	v, _ := newTestVault(t)
	a, _, _ := tamperTwoNotes(t, v)
	ka := refOfMeta(&a.Meta).versionKey()
	orig := badgerGetRaw(t, v, ka)
	ns, ov := v.aead.NonceSize(), v.aead.Overhead()
	positions := []int{0, ns - 1, ns, ns + 7, len(orig) / 2, len(orig) - ov - 1, len(orig) - ov, len(orig) - 1}
	for _, pos := range positions {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(orig)
			bad[pos] ^= x
			badgerSetRaw(t, v, ka, bad)
			wantReadTampered(t, v, fmt.Sprintf("byte %d of %d ^%#x", pos, len(orig), x), a.ID)
		}
	}
	for _, n := range []int{0, 1, ns, ns + ov - 1, ns + ov, len(orig) - 1} {
		badgerSetRaw(t, v, ka, bytes.Clone(orig[:n]))
		wantReadTampered(t, v, fmt.Sprintf("truncated to %d bytes", n), a.ID)
	}
	badgerSetRaw(t, v, ka, append(bytes.Clone(orig), 0))
	wantReadTampered(t, v, "one byte appended", a.ID)
	badgerSetRaw(t, v, ka, orig)
	wantNoteReads(t, v, a.ID, a.Text)
}

// Attachment chunks, the device identity and the chain head are sealed the
// same way.
func TestTamperOtherSealedValues(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	content := bytes.Repeat([]byte("court notice, page 1. "), (chunkSize+chunkSize/2)/22)
	att := &Attachment{HearingID: h.ID, Name: "notice.jpg"}
	if err := v.AddAttachment(att, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	sum, _ := hex.DecodeString(att.SHA256)
	k0, k1 := blobKey(sum, 0), blobKey(sum, 1)
	c0, c1 := badgerGetRaw(t, v, k0), badgerGetRaw(t, v, k1)
	wantAtt := func(what string) {
		t.Helper()
		got, err := v.AttachmentContent(att.SHA256)
		if !errors.Is(err, ErrTampered) {
			t.Errorf("attachment, %s: got %d bytes, %v; want ErrTampered", what, len(got), err)
		}
	}
	bad := bytes.Clone(c1)
	bad[len(bad)/2] ^= 0x04
	badgerSetRaw(t, v, k1, bad)
	wantAtt("flipped byte in chunk 1")
	badgerSetRaw(t, v, k0, c1, k1, c0)
	wantAtt("chunks swapped")
	badgerSetRaw(t, v, k0, c0, k1, nil)
	wantAtt("last chunk deleted")
	badgerSetRaw(t, v, k1, c1)
	if got, err := v.AttachmentContent(att.SHA256); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("restored attachment: %d bytes, %v", len(got), err)
	}

	// The device identity and chain head are checked when the vault opens.
	for _, k := range [][]byte{keyDevice, keyHead} {
		orig := badgerGetRaw(t, v, k)
		bad := bytes.Clone(orig)
		bad[len(bad)-5] ^= 0x10
		badgerSetRaw(t, v, k, bad)
		v.Close()
		if v2, err := Open(dir, testPass); !errors.Is(err, ErrTampered) {
			if err == nil {
				v2.Close()
			}
			t.Errorf("open with %s flipped: got %v, want ErrTampered", k, err)
		}
		// Put it back with Badger directly, then check the vault opens.
		db, err := badger.Open(badgerOptions(dir, v.testDBKey(t)))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(k, orig) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		v, err = Open(dir, testPass)
		if err != nil {
			t.Fatalf("open after restoring %s: %v", k, err)
		}
		t.Cleanup(func() { v.Close() })
	}
}

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
	outWrong    = "WRONG"     // data returned that was never stored: must never happen
	outPanic    = "panic"     // panic recovered in the helper
	outCrash    = "crash"     // the helper process died
	outHang     = "hang"      // the helper made no progress
	outSkipped  = "skipped"   // not run: Badger kept crashing on this file
)

var outRank = map[string]int{outNoEffect: 0, outTampered: 1, outError: 2, outLost: 3, outPanic: 4, outCrash: 4, outHang: 4, outWrong: 5}

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
	lost := 0
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
				t.Logf("KNOWN LIMITATION: trial %s: data silently lost or rolled back: %s", tr, o.Detail)
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
	t.Logf("%d flips in %v: %d ErrTampered, %d other error, %d no effect, %d data silently lost or rolled back, %d wrong data, %d Badger panic/crash/hang, %d skipped after Badger crashes%s",
		len(trials), time.Since(start).Round(time.Millisecond), totals[outTampered], totals[outError], totals[outNoEffect],
		totals[outLost], totals[outWrong], totals[outPanic]+totals[outCrash]+totals[outHang], totals[outSkipped], sb.String())
	if totals[outTampered] == 0 {
		t.Errorf("no flip was reported as ErrTampered: the test is not reaching the data")
	}
}

// tamperContent returns n bytes of deterministic incompressible content.
func tamperContent(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// tamperCopyDir copies a vault folder, keeping sparse files sparse.
func tamperCopyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return tamperWriteSparse(filepath.Join(dst, rel), tamperSparse(b), int64(len(b)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

type tamperChunk struct {
	Off  int64
	Data []byte
}

// tamperSparse keeps the 4 KiB blocks of b that are not all zero.
func tamperSparse(b []byte) []tamperChunk {
	const blk = 4096
	var out []tamperChunk
	for off := 0; off < len(b); off += blk {
		end := min(off+blk, len(b))
		if tamperIsZeros(b[off:end]) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Off+int64(len(out[n-1].Data)) == int64(off) {
			out[n-1].Data = b[out[n-1].Off:end]
			continue
		}
		out = append(out, tamperChunk{int64(off), b[off:end]})
	}
	return out
}

func tamperIsZeros(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func tamperWriteSparse(path string, chunks []tamperChunk, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	for _, c := range chunks {
		if _, err := f.WriteAt(c.Data, c.Off); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

type tamperFile struct {
	rel    string
	size   int64
	extent int64 // one past the last non-zero byte
	sum    [32]byte
	chunks []tamperChunk
}

func (f *tamperFile) byteAt(off int64) byte {
	for _, c := range f.chunks {
		if off >= c.Off && off < c.Off+int64(len(c.Data)) {
			return c.Data[off-c.Off]
		}
	}
	return 0
}

func tamperSnapFiles(t testing.TB, dir string) []*tamperFile {
	t.Helper()
	var out []*tamperFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f := &tamperFile{rel: rel, size: int64(len(b)), chunks: tamperSparse(b), sum: sha256.Sum256(b)}
		if n := len(f.chunks); n > 0 {
			last := f.chunks[n-1]
			f.extent = last.Off + int64(len(bytes.TrimRight(last.Data, "\x00")))
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tamperOffsets spreads n offsets over [0, extent): one at a random place in
// each of n equal slots, so that headers, data and footers are all hit.
func tamperOffsets(rng *rand.Rand, extent int64, n int) []int64 {
	var out []int64
	for i := range int64(n) {
		lo, hi := extent*i/int64(n), extent*(i+1)/int64(n)
		if hi <= lo {
			continue
		}
		out = append(out, lo+rng.Int64N(hi-lo))
	}
	return out
}

// tamperState is the parent's side of the trials, shared by its workers.
type tamperState struct {
	t        *testing.T
	plan     *tamperPlan
	planFile string
	all      bool

	mu      sync.Mutex
	results []tamperOutcome
	crashes map[string]int // snapshot:file → helper deaths
}

func (st *tamperState) crashed(i int, o tamperOutcome) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.results[i] = o
	tr := st.plan.Trials[i]
	st.crashes[tr.Snap+":"+tr.File]++
}

// skip marks trials from lo on as skipped while their file has made Badger
// crash three times, and returns the first trial to run.
func (st *tamperState) skip(lo, hi int) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	for ; lo < hi && !st.all; lo++ {
		tr := st.plan.Trials[lo]
		if n := st.crashes[tr.Snap+":"+tr.File]; n < 3 {
			break
		}
		st.results[lo] = tamperOutcome{Out: outSkipped}
	}
	return lo
}

// run runs trials [lo, hi) in helper processes, starting a new helper after
// the trial that killed the previous one.
func (st *tamperState) run(lo, hi int) {
	t := st.t
	for {
		if lo = st.skip(lo, hi); lo >= hi {
			return
		}
		cmd := helperCommand("TestTamperFlipHelper",
			tamperHelperEnv+"="+st.planFile, fmt.Sprintf("COURTWATCH_TAMPER_RANGE=%d:%d", lo, hi))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Error(err)
			return
		}
		if err := cmd.Start(); err != nil {
			t.Error(err)
			return
		}
		lines := make(chan string)
		go crashLines(out, lines)
		started, hung := -1, false
		watchdog := time.NewTimer(time.Minute)
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				watchdog.Reset(time.Minute)
				f := strings.SplitN(line, " ", 4)
				if len(f) < 2 {
					continue
				}
				i, err := strconv.Atoi(f[1])
				if err != nil || i < lo || i >= hi {
					continue
				}
				switch {
				case f[0] == "START":
					started = i
				case f[0] == "RES" && len(f) == 4:
					st.mu.Lock()
					st.results[i] = tamperOutcome{Out: f[2], Detail: f[3]}
					st.mu.Unlock()
				}
			case <-watchdog.C:
				hung = true
				cmd.Process.Kill()
				for range lines {
				}
				break read
			}
		}
		werr := cmd.Wait()
		if started < 0 {
			t.Errorf("tamper helper did no trial: %v\n%s", werr, tailOf(stderr.String(), 3000))
			return
		}
		st.mu.Lock()
		res := st.results[started]
		st.mu.Unlock()
		switch {
		case res.Out == "":
			o := tamperOutcome{Out: outCrash, Detail: fmt.Sprintf("%v: %s", werr, tamperPanicSummary(stderr.String()))}
			if hung {
				o.Out = outHang
			}
			st.crashed(started, o)
		case res.Out == outPanic:
			st.crashed(started, res)
		case started == hi-1:
			if werr != nil {
				t.Errorf("tamper helper failed after its last trial: %v\n%s", werr, tailOf(stderr.String(), 3000))
			}
			return
		}
		lo = started + 1
	}
}

// tamperPanicSummary keeps the panic message and the frames that say whose code
// panicked.
func tamperPanicSummary(s string) string {
	i := strings.Index(s, "panic: ")
	if i < 0 {
		i = strings.Index(s, "fatal error: ")
	}
	if i < 0 {
		return tailOf(s, 600)
	}
	var keep []string
	for n, l := range strings.Split(s[i:], "\n") {
		if n == 0 || strings.Contains(l, "dgraph-io/badger") || strings.Contains(l, "courtwatch/storage.") {
			keep = append(keep, strings.TrimSpace(l))
		}
		if len(keep) > 6 {
			break
		}
	}
	return strings.Join(keep, " | ")
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestTamperFlipHelper is the helper process of TestTamperFileFlips.
func TestTamperFlipHelper(t *testing.T) {
	planFile := os.Getenv(tamperHelperEnv)
	if planFile == "" {
		t.Skip("helper process for TestTamperFileFlips")
	}
	var plan tamperPlan
	pb, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pb, &plan); err != nil {
		t.Fatal(err)
	}
	var lo, hi int
	fmt.Sscanf(os.Getenv("COURTWATCH_TAMPER_RANGE"), "%d:%d", &lo, &hi)
	snaps := map[string][]*tamperFile{}
	work := filepath.Join(plan.Work, fmt.Sprintf("w%d", lo))
	defer os.RemoveAll(work)
	for i := lo; i < hi; i++ {
		tr := plan.Trials[i]
		if snaps[tr.Snap] == nil {
			snaps[tr.Snap] = tamperSnapFiles(t, plan.Snapshots[tr.Snap])
		}
		fmt.Printf("START %d\n", i)
		if err := tamperRestore(work, snaps[tr.Snap], tr); err != nil {
			t.Fatalf("restore: %v", err)
		}
		o := tamperTrialRun(work, &plan.Expect)
		fmt.Printf("RES %d %s %s\n", i, o.Out, strings.ReplaceAll(o.Detail, "\n", " | "))
		if o.Out == outPanic {
			os.Exit(3) // Badger may have goroutines left in a bad state: start afresh
		}
	}
}

func tamperRestore(work string, files []*tamperFile, tr tamperTrial) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	found := false
	for _, f := range files {
		p := filepath.Join(work, f.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := tamperWriteSparse(p, f.chunks, f.size); err != nil {
			return err
		}
		if f.rel != tr.File {
			continue
		}
		found = true
		fh, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = fh.WriteAt([]byte{f.byteAt(tr.Off) ^ tr.Xor}, tr.Off)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("no file %s in snapshot %s", tr.File, tr.Snap)
	}
	return nil
}

// tamperTrialRun opens the vault in work and reads everything, comparing it
// with exp. A panic is recovered and reported with its stack.
func tamperTrialRun(work string, exp *tamperExpect) (o tamperOutcome) {
	o.Out = outNoEffect
	defer func() {
		if p := recover(); p != nil {
			o = tamperOutcome{Out: outPanic, Detail: tamperPanicSummary(fmt.Sprintf("panic: %v\n%s", p, debug.Stack()))}
		}
	}()
	v, err := Open(work, testPass)
	if err != nil {
		o.fromErr("open", err)
		return o
	}
	defer func() {
		if err := v.Close(); err != nil {
			o.fromErr("close", err)
		}
	}()
	known := map[uuid.UUID]*tamperRecord{}
	for i := range exp.Records {
		known[exp.Records[i].ID] = &exp.Records[i]
	}
	// stored reports whether raw is one of the versions stored for id.
	stored := func(id uuid.UUID, raw []byte) bool {
		r := known[id]
		return r != nil && slices.ContainsFunc(r.Raws, func(b []byte) bool { return bytes.Equal(b, raw) })
	}
	for _, r := range exp.Records {
		hist, err := v.History(r.ID)
		if err != nil {
			o.fromErr("history", err)
		} else {
			// Each version read must be one that was stored, in order.
			j := 0
			for _, ver := range hist {
				for j < len(r.Raws) && !bytes.Equal(ver.Raw, r.Raws[j]) {
					j++
				}
				if j == len(r.Raws) {
					o.worse(outWrong, fmt.Sprintf("history of %s holds a version never stored: %q", r.ID, ver.Raw))
					break
				}
				j++
			}
			if len(hist) < len(r.Raws) {
				o.worse(outLost, fmt.Sprintf("history of %s has %d versions, want %d", r.ID, len(hist), len(r.Raws)))
			}
		}
		var cur *Version
		err = v.View(func(tx *Tx) (err error) { cur, err = tx.Current(r.ID); return err })
		switch {
		case err != nil && r.Deleted && errors.Is(err, ErrNotFound):
		case err != nil:
			o.fromErr("current", err)
		case !r.Deleted && bytes.Equal(cur.Raw, r.Raws[len(r.Raws)-1]):
		case stored(r.ID, cur.Raw):
			o.worse(outLost, fmt.Sprintf("current version of %s is an older one", r.ID))
		default:
			o.worse(outWrong, fmt.Sprintf("current version of %s was never stored: %q", r.ID, cur.Raw))
		}
	}
	for _, sha := range exp.Attach {
		b, err := v.AttachmentContent(sha)
		if err != nil {
			o.fromErr("attachment", err)
			continue
		}
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != sha {
			o.worse(outWrong, "attachment "+sha+" differs")
		}
	}
	n, err := v.VerifyChain(exp.Device)
	switch {
	case err != nil:
		o.fromErr("verify chain", err)
	case n > exp.ChainLen:
		o.worse(outWrong, fmt.Sprintf("chain has %d versions, want %d", n, exp.ChainLen))
	case n < exp.ChainLen:
		o.worse(outLost, fmt.Sprintf("chain verifies with %d versions, want %d", n, exp.ChainLen))
	}
	hits, err := v.Search(exp.Word, 1000)
	if err != nil {
		o.fromErr("search", err)
		return o
	}
	var got []uuid.UUID
	for _, h := range hits {
		got = append(got, h.ID)
		if slices.Contains(exp.WordHits, h.ID) {
			continue
		}
		var cur *Version
		err := v.View(func(tx *Tx) (err error) { cur, err = tx.Current(h.ID); return err })
		if err == nil && stored(h.ID, cur.Raw) {
			o.worse(outLost, fmt.Sprintf("search finds %s through a version since replaced", h.ID))
		} else {
			o.worse(outWrong, fmt.Sprintf("search finds %s, which never had the word", h.ID))
		}
	}
	for _, id := range exp.WordHits {
		if !slices.Contains(got, id) {
			o.worse(outLost, fmt.Sprintf("search no longer finds %s", id))
		}
	}
	return o
}
