package storage

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Benchmarks of the vault's costs that users feel: saving a note (one
// fsync each), searching a monitor's 100k notes, and unlocking.
//
//	go test -run XXX -bench 'NoteSave|Raw' -benchtime 2000x ./storage
//	go test -run XXX -bench '100k|KDF' ./storage
//
// The 100k-note vault is built once per process (about a minute) in a
// temporary folder; COURTWATCH_BENCH_VAULT=<dir> keeps it there between
// runs instead.

// benchNoteText is a typical note: Latin and Khmer, about 200 bytes.
const benchNoteText = "09:42 The presiding judge asks លោកកឹមសុខា whether he received the summons; " +
	"counsel objects that the indictment was served late. Prosecutor replies. ចៅក្រមអនុញ្ញាត"

func benchNote(h *Hearing, i int) *Note {
	return &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Second), Text: benchNoteText,
		Tags: []string{"procedure"}, Source: SourceSeen}
}

// BenchmarkNoteSaveDurable is v.Put of one new note: validate, seal, write
// the version, feed, chain and index entries and pending marker, fsync. The
// search postings are written by the vault's background indexer, which
// competes with the saves for the disk and the CPU.
func BenchmarkNoteSaveDurable(b *testing.B) { benchNoteSave(b) }

// BenchmarkRawBadgerSetDurable is the floor: one Set of as many bytes as a
// sealed note version, in a Badger opened with the vault's options but
// SyncWrites, so that each commit is durable by itself.
func BenchmarkRawBadgerSetDurable(b *testing.B) { benchRawSet(b) }

// BenchmarkNoteSaveVsRaw runs both in one process, so that their ratio is
// measured on the same disk under the same load. "interleaved" alternates
// them op by op and reports the ratio as a metric, which holds up best when
// the machine is busy.
func BenchmarkNoteSaveVsRaw(b *testing.B) {
	b.Run("vault", benchNoteSave)
	b.Run("raw", benchRawSet)
	b.Run("interleaved", func(b *testing.B) {
		v, h, size := benchVault(b)
		db, keyOf, val := benchRawDB(b, size)
		var tv, tr time.Duration
		i := 0
		for b.Loop() {
			t0 := time.Now()
			if err := v.Put(benchNote(h, i)); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := db.Update(func(txn *badger.Txn) error { return txn.Set(keyOf(i), val) }); err != nil {
				b.Fatal(err)
			}
			tr += time.Since(t1)
			tv += t1.Sub(t0)
			i++
		}
		b.ReportMetric(float64(tv.Nanoseconds())/float64(i), "vault-ns/op")
		b.ReportMetric(float64(tr.Nanoseconds())/float64(i), "raw-ns/op")
		b.ReportMetric(float64(tv)/float64(tr), "vault/raw")
	})
}

// benchVault returns an open vault with a hearing, and the size of one
// sealed note version as stored.
func benchVault(b *testing.B) (*Vault, *Hearing, int) {
	b.Helper()
	v, _ := newTestVault(b)
	_, h := seedHearing(b, v)
	n := benchNote(h, -1)
	mustPut(b, v, n)
	var size int
	err := v.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(refOfMeta(&n.Meta).versionKey())
		if err != nil {
			return err
		}
		size = int(item.ValueSize())
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return v, h, size
}

func benchNoteSave(b *testing.B) {
	v, h, size := benchVault(b)
	b.SetBytes(int64(size))
	i := 0
	for b.Loop() {
		if err := v.Put(benchNote(h, i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchRawDB opens Badger as the vault does, plus SyncWrites, and returns
// version-shaped keys and a value of size random bytes.
func benchRawDB(b *testing.B, size int) (*badger.DB, func(int) []byte, []byte) {
	b.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := badger.Open(badgerOptions(b.TempDir(), key).WithSyncWrites(true))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	val := make([]byte, size)
	rand.Read(val)
	id := uuid.Must(uuid.NewV7())
	keyOf := func(i int) []byte {
		return cat(prefixVersion, id[:], binary.BigEndian.AppendUint64(nil, uint64(i)), id[:])
	}
	return db, keyOf, val
}

func benchRawSet(b *testing.B) {
	_, _, size := benchVault(b) // only to learn the size of a sealed note
	db, keyOf, val := benchRawDB(b, size)
	b.SetBytes(int64(size))
	i := 0
	for b.Loop() {
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(keyOf(i), val) }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// ---------------------------------------------------------------------------
// A monitor's vault after years of work: 100k notes.

const bench100kNotes = 100_000

// Query words and how often they occur.
const (
	benchRareWord   = "quarantined"   // about 1 note in 5000
	benchCommonPref = "defen"         // defendant, defence, defended: most notes
	benchKhmerName  = "កឹមសុខា"       // about 1 note in 50, inside longer Khmer runs
	benchKhmerOther = "សមរង្ស៊ីបានមក" // filler Khmer
)

var benchWords = strings.Fields(`the judge prosecutor clerk counsel lawyer witness court hearing
session asks answers objects reads statement evidence document summons indictment article
charge verdict appeal adjourned recess resumes public gallery police guards entry denied
interpreter translation absent present detained bail defendant defendants defence defended
photo video recording phone confiscated observer journalist embassy diplomat minutes
morning afternoon late early minutes hours question questions answer refused allowed
incitement treason conspiracy plotting criminal code trial chamber bench seated standing`)

var benchKhmerWords = []string{"តុលាការ", "ចៅក្រម", "មេធាវី", "ព្រះរាជអាជ្ញា", "ជនជាប់ចោទ", "សាក្សី", "សវនាការ"}

func benchText(rng *mrand.Rand) string {
	var sb strings.Builder
	for i, n := 0, 8+rng.IntN(25); i < n; i++ {
		switch r := rng.IntN(100); {
		case r < 3:
			sb.WriteString("defendant")
		case r < 8:
			sb.WriteString(benchKhmerWords[rng.IntN(len(benchKhmerWords))] + benchKhmerWords[rng.IntN(len(benchKhmerWords))])
		default:
			sb.WriteString(benchWords[rng.IntN(len(benchWords))])
		}
		sb.WriteByte(' ')
	}
	if rng.IntN(50) == 0 {
		sb.WriteString("លោក" + benchKhmerName + benchKhmerOther + " ")
	}
	if rng.IntN(5000) == 0 {
		sb.WriteString(benchRareWord + " ")
	}
	sb.WriteString(fmt.Sprintf("%02d:%02d", rng.IntN(24), rng.IntN(60)))
	return sb.String()
}

var bench100k struct {
	once   sync.Once
	dir    string
	err    error
	build  time.Duration
	logged atomic.Bool
	lock   *os.File // held while this process uses dir, so others leave it alone
}

// bench100kVault returns the folder of a closed vault with 100k notes,
// building it the first time.
func bench100kVault(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("builds a 100k-note vault")
	}
	bench100k.once.Do(func() {
		dir := os.Getenv("COURTWATCH_BENCH_VAULT")
		if dir != "" {
			if _, err := os.Stat(filepath.Join(dir, headerFile)); err == nil {
				bench100k.dir = dir
				return
			}
		} else {
			benchRemoveStale()
			parent, err := os.MkdirTemp("", "courtwatch-bench100k-")
			if err != nil {
				bench100k.err = err
				return
			}
			if bench100k.lock, err = os.Create(filepath.Join(parent, "owner.lock")); err == nil {
				err = lockFile(bench100k.lock)
			}
			if err != nil {
				bench100k.err = err
				return
			}
			dir = filepath.Join(parent, "vault")
		}
		start := time.Now()
		bench100k.err = benchBuild100k(dir)
		bench100k.dir, bench100k.build = dir, time.Since(start)
	})
	if bench100k.err != nil {
		b.Fatal(bench100k.err)
	}
	if bench100k.build > 0 && !bench100k.logged.Swap(true) {
		b.Logf("built the %d-note vault in %v in %s", bench100kNotes, bench100k.build.Round(time.Second), bench100k.dir)
	}
	return bench100k.dir
}

// benchRemoveStale deletes 100k-note vaults left by benchmark processes
// that have ended (their owner.lock is free). Off Unix, lockFile cannot
// tell, so nothing is removed.
func benchRemoveStale() {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		return
	}
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "courtwatch-bench100k-*"))
	for _, d := range old {
		f, err := os.Open(filepath.Join(d, "owner.lock"))
		if err != nil {
			continue
		}
		if lockFile(f) == nil {
			os.RemoveAll(d)
		}
		f.Close()
	}
}

func benchBuild100k(dir string) error { return benchBuildN(dir, bench100kNotes) }

// benchBuildN builds the benchmark vault with n notes (a multiple of 500)
// in dir; the first n of the 100k vault's notes.
func benchBuildN(dir string, n int) error {
	v, err := Create(dir, testPass, CreateOptions{KDF: TestKDF, DeviceName: "bench"})
	if err != nil {
		return err
	}
	defer v.Close()
	rng := mrand.New(mrand.NewPCG(100, 1))
	c := &Case{Court: "Phnom Penh Municipal Court", Number: "002/19", Title: "Mass trial of the opposition"}
	if err := v.Put(c); err != nil {
		return err
	}
	// 150 defendants, as in the design's scale.
	var persons []Record
	for i := range 150 {
		persons = append(persons, &Person{Name: fmt.Sprintf("Defendant %d Sokha", i), NameLocal: benchKhmerWords[i%len(benchKhmerWords)] + benchKhmerName[:9]})
	}
	if err := v.Put(persons...); err != nil {
		return err
	}
	var hearings []*Hearing
	for i := range 40 {
		h := &Hearing{CaseID: c.ID, Scheduled: time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i)}
		if err := v.Put(h); err != nil {
			return err
		}
		hearings = append(hearings, h)
	}
	const batch = 500
	for done := 0; done < n; done += batch {
		err := v.Update(func(tx *Tx) error {
			for i := range batch {
				h := hearings[(done+i)*len(hearings)/n]
				n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(done+i) * time.Second), Text: benchText(rng)}
				if err := tx.Put(n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("after %d notes: %w", done, err)
		}
	}
	return v.Close()
}

func BenchmarkSearch100k(b *testing.B) {
	dir := bench100kVault(b)
	v, err := Open(dir, testPass)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for _, q := range []struct{ name, query string }{
		{"rare-latin-word", benchRareWord},
		{"common-latin-prefix", benchCommonPref},
		{"khmer-name", benchKhmerName},
		{"two-words", "defendant quarantined"},
	} {
		b.Run(q.name, func(b *testing.B) {
			hits := 0
			for b.Loop() {
				h, err := v.Search(q.query, 50)
				if err != nil {
					b.Fatal(err)
				}
				hits = len(h)
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// BenchmarkOpen100k is the time from passphrase to usable vault, for the
// 100k-note vault. "Open" is the whole of Open with the (negligible)
// TestKDF; "NoKDF" is what follows the key derivation. Add
// BenchmarkKDFDefault for the derivation a real vault pays.
func BenchmarkOpen100k(b *testing.B) {
	dir := bench100kVault(b)
	b.Run("Open", func(b *testing.B) {
		for b.Loop() {
			v, err := Open(dir, testPass)
			if err != nil {
				b.Fatal(err)
			}
			v.Close()
		}
	})
	b.Run("NoKDF", func(b *testing.B) {
		kf, err := readKeyFile(dir)
		if err != nil {
			b.Fatal(err)
		}
		kek, _, _, dataKey, err := kf.unlockKey(testPass)
		wipe(kek)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			v := openKeyed(b, dir, dataKey)
			v.Close()
		}
	})
}

// BenchmarkKDFDefault is the Argon2id derivation of a vault made with the
// default settings (64 MiB, 3 passes, 4 lanes): paid once per unlock, on
// top of BenchmarkOpen100k/NoKDF.
func BenchmarkKDFDefault(b *testing.B) {
	p := DefaultKDF
	p.Salt = make([]byte, 32)
	rand.Read(p.Salt)
	for b.Loop() {
		wipe(p.deriveKEK(testPass))
	}
}

// BenchmarkSaveChecks measures what the durability checks add to each save:
// the free-space check (statfs and a look at the database folder) and the
// sealed chain head (seal and pwrite; its fdatasync runs at most once a
// second). Compare with BenchmarkNoteSaveDurable.
func BenchmarkSaveChecks(b *testing.B) {
	v, _ := newTestVault(b)
	_, h := seedHearing(b, v)
	for i := range 50 {
		mustPut(b, v, &Note{HearingID: h.ID, Time: time.Now(), Text: fmt.Sprint("note ", i)})
	}
	b.ResetTimer()
	for i := range b.N {
		if err := v.checkSpace(600); err != nil {
			b.Fatal(err)
		}
		v.wmu.Lock()
		v.noteCommit(chainHead{Seq: uint64(i) + 1000, Hash: "x"})
		v.wmu.Unlock()
	}
}

// openKeyed opens the vault in dir with its data key, as Open does after
// the key derivation, failing b if it cannot.
func openKeyed(b *testing.B, dir string, dataKey []byte) *Vault {
	b.Helper()
	lockf, err := lockVault(dir)
	if err != nil {
		b.Fatal(err)
	}
	v, err := openUnlocked(dir, append([]byte(nil), dataKey...), lockf)
	if err != nil {
		b.Fatal(err)
	}
	return v
}
