package storage

// Damage to Badger's MANIFEST that Badger takes for a torn write
// (checkManifest, open.go): each case is built on purpose, byte by byte.

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"google.golang.org/protobuf/proto"
)

// manifestRecords returns the offset of every record of a MANIFEST.
func manifestRecords(t testing.TB, b []byte) []int64 {
	t.Helper()
	var out []int64
	for off := int64(8); off+8 <= int64(len(b)); {
		out = append(out, off)
		off += 8 + int64(binary.BigEndian.Uint32(b[off:]))
	}
	return out
}

// folderState maps every file under dir to its bytes.
func folderState(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range tamperSnapFiles(t, dir) {
		out[f.rel] = hex.EncodeToString(f.sum[:])
	}
	return out
}

// wantTamperedUnchanged opens the vault in dir and wants ErrTampered that
// names the MANIFEST, with no file changed.
func wantTamperedUnchanged(t *testing.T, dir string) {
	t.Helper()
	before := folderState(t, dir)
	v, err := Open(dir, testPass)
	if err == nil {
		v.Close()
		t.Fatal("Open succeeded on a damaged MANIFEST")
	}
	if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "MANIFEST") {
		t.Fatalf("Open: %v; want ErrTampered naming the MANIFEST", err)
	}
	if after := folderState(t, dir); !maps.Equal(before, after) {
		t.Fatalf("Open changed the folder:\nbefore %v\nafter  %v", before, after)
	}
}

// wantIntact opens the vault in dir and reads everything back.
func wantIntact(t *testing.T, dir string, exp *tamperExpect) {
	t.Helper()
	if o := tamperTrialRun(dir, exp); o.Out != outNoEffect {
		t.Fatalf("vault not intact: %s: %s", o.Out, o.Detail)
	}
}

// TestTamperManifestLength flips the length of MANIFEST records so that
// they run past the end of the file, which Badger took for a torn write: it
// cut the MANIFEST there and deleted the tables it no longer listed. The
// first case is the one TestTamperFileFlips once found (the only table of
// the "open" snapshot, whose chain head was in the write-ahead log, so the
// loss went unreported). Each must be ErrTampered with nothing changed,
// and the vault intact once the byte is put back.
func TestTamperManifestLength(t *testing.T) {
	base := t.TempDir()
	snaps, exp := tamperBuild(t, base)
	trials, err := parseTamperTrials("open:db/MANIFEST@19^0x10")
	if err != nil {
		t.Fatal(err)
	}
	for _, snap := range []string{"closed", "open"} {
		b, err := os.ReadFile(filepath.Join(snaps[snap], dbDir, badger.ManifestFilename))
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range manifestRecords(t, b) {
			length := binary.BigEndian.Uint32(b[off:])
			past := uint32(len(b)) - uint32(off) - 8 + 1 // one byte past the end
			if length^past > 0xff {
				continue // not one byte away
			}
			trials = append(trials, tamperTrial{Snap: snap, File: filepath.Join(dbDir, badger.ManifestFilename), Off: off + 3, Xor: byte(length ^ past)})
		}
	}
	if len(trials) < 4 {
		t.Fatalf("only %d length bytes to flip: %v", len(trials), trials)
	}
	for _, tr := range trials {
		// Without the ledger (tables.checked), as for tables flushed in a
		// session that crashed, only the checksum shows the damage.
		for _, ledger := range []bool{true, false} {
			name := strings.NewReplacer("/", "_", "^", "x").Replace(tr.String())
			if !ledger {
				name += "-noledger"
			}
			t.Run(name, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "v")
				tamperCopyDir(t, snaps[tr.Snap], dir)
				if !ledger {
					if err := os.Remove(filepath.Join(dir, checkedFile)); err != nil {
						t.Fatal(err)
					}
				}
				flip := func() {
					p := filepath.Join(dir, tr.File)
					b, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					b[tr.Off] ^= tr.Xor
					if err := os.WriteFile(p, b, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				flip()
				wantTamperedUnchanged(t, dir)
				flip()
				wantIntact(t, dir, &exp)
			})
		}
	}
}

// TestTamperManifestCut cuts the MANIFEST of the closed vault at the start
// of its last record, and in the middle of it: both look like a torn
// write to Badger, which then deleted the last table. The ledger of
// checked tables still lists it, and its file is there: ErrTampered.
func TestTamperManifestCut(t *testing.T) {
	base := t.TempDir()
	snaps, exp := tamperBuild(t, base)
	b, err := os.ReadFile(filepath.Join(snaps["closed"], dbDir, badger.ManifestFilename))
	if err != nil {
		t.Fatal(err)
	}
	recs := manifestRecords(t, b)
	last := recs[len(recs)-1]
	for _, cut := range []int64{last, last + 3, last + 9, int64(len(b)) - 1} {
		dir := filepath.Join(t.TempDir(), "v")
		tamperCopyDir(t, snaps["closed"], dir)
		if err := os.Truncate(filepath.Join(dir, dbDir, badger.ManifestFilename), cut); err != nil {
			t.Fatal(err)
		}
		wantTamperedUnchanged(t, dir)
		if err := os.WriteFile(filepath.Join(dir, dbDir, badger.ManifestFilename), b, 0o600); err != nil {
			t.Fatal(err)
		}
		wantIntact(t, dir, &exp)
	}
}

// manifestRecord encodes one MANIFEST record.
func manifestRecord(t testing.TB, changes ...*pb.ManifestChange) []byte {
	t.Helper()
	body, err := proto.Marshal(&pb.ManifestChangeSet{Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	rec := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	rec = binary.BigEndian.AppendUint32(rec, crc32.Checksum(body, y.CastagnoliCrcTable))
	return append(rec, body...)
}

// TestTamperManifestTorn: a crash while Badger appends a record leaves it
// torn at the end of the MANIFEST. Nothing acknowledged is in it (the
// table it adds is not in the ledger), so the vault opens as before, with
// nothing lost: the check must not take this for damage.
func TestTamperManifestTorn(t *testing.T) {
	base := t.TempDir()
	snaps, exp := tamperBuild(t, base)
	rec := manifestRecord(t, &pb.ManifestChange{Id: 99, Op: pb.ManifestChange_CREATE, KeyId: 1})
	for _, snap := range []string{"closed", "open"} {
		for _, n := range []int{1, 7, 8, 9, len(rec) - 1} {
			dir := filepath.Join(t.TempDir(), "v")
			tamperCopyDir(t, snaps[snap], dir)
			p := filepath.Join(dir, dbDir, badger.ManifestFilename)
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Write(rec[:n])
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			wantIntact(t, dir, &exp)
		}
	}
}

// TestTamperManifestCompacted: a crash right after a compaction's MANIFEST
// record, before Badger removed the tables it replaced, leaves their files
// behind while the ledger still lists them. The MANIFEST deleted them: the
// vault opens, with nothing lost.
func TestTamperManifestCompacted(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	var notes []*Note
	// Each session's close flushes one level-0 table (keepL0: without the
	// compaction at close, closecompact_test.go); at five (Badger's
	// NumLevelZeroTables), the next open compacts them. The first
	// session's close compacts its table to the last level.
	for s := range 6 {
		if s > 0 {
			var err error
			if v, err = OpenWith(dir, testPass, OpenOptions{keepL0: true}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 5 {
			n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(len(notes)) * time.Minute), Text: strings.Repeat("session note ", 10+i)}
			mustPut(t, v, n)
			notes = append(notes, n)
		}
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := filepath.Join(dir, dbDir)
	old, err := filepath.Glob(filepath.Join(dbPath, "*.sst"))
	if err != nil || len(old) < 6 {
		t.Fatalf("%d tables after 6 sessions (%v)", len(old), err)
	}
	saved := map[string][]byte{}
	for _, p := range old {
		if saved[p], err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	if v, err = OpenWith(dir, testPass, OpenOptions{keepL0: true}); err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	// Wait until the compaction has replaced some tables and the MANIFEST
	// has stayed the same for a moment.
	opt := badgerOptions(dir, v.testDBKey(t))
	deadline := time.Now().Add(30 * time.Second)
	var gone []string
	for prev := ""; ; {
		time.Sleep(100 * time.Millisecond)
		m, err := readManifest(dbPath, opt)
		if err != nil {
			t.Fatal(err)
		}
		gone = gone[:0]
		for _, p := range old {
			id, _ := table.ParseFileID(p)
			_, live := m.Tables[id]
			if _, err := os.Stat(p); err != nil && !live {
				gone = append(gone, p)
			}
		}
		now := fmt.Sprint(slices.Sorted(maps.Keys(m.Tables)))
		if len(gone) > 0 && now == prev {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no compaction in 30 s: tables %s", now)
		}
		prev = now
	}
	crash := filepath.Join(t.TempDir(), "crash")
	tamperCopyDir(t, dir, crash) // as a crash would leave it
	ledger := readLedger(crash, v.aead)
	listed := 0
	for _, p := range gone { // before the replaced tables were removed
		if err := os.WriteFile(filepath.Join(crash, dbDir, filepath.Base(p)), saved[p], 0o600); err != nil {
			t.Fatal(err)
		}
		if ledger[filepath.Base(p)] != "" {
			listed++
		}
	}
	if listed == 0 {
		t.Fatalf("the ledger lists none of the compacted tables %v: %v", gone, ledger)
	}
	t.Logf("%d compacted tables put back, %d of them in the ledger", len(gone), listed)
	w, err := Open(crash, testPass)
	if err != nil {
		t.Fatalf("Open after a crash that left compacted tables: %v", err)
	}
	defer w.Close()
	for _, n := range notes {
		var cur *Version
		if err := w.View(func(tx *Tx) (err error) { cur, err = tx.Current(n.ID); return err }); err != nil {
			t.Fatalf("note %s: %v", n.ID, err)
		}
		if !bytes.Contains(cur.Raw, []byte("session note")) {
			t.Fatalf("note %s reads %q", n.ID, cur.Raw)
		}
	}
	if lost := w.Lost(); len(lost) > 0 {
		t.Fatalf("lost: %v", lost)
	}
}

// The MANIFESTs of the closed and the open snapshot of tamperBuild, as
// Badger v4.9 writes them.
const (
	manifestClosedHex = "4264677200000008000000000000000000000008b1dbb0990a0608012001300100000008f9e8006d0a06080220013001"
	manifestOpenHex   = "4264677200000008000000000000000000000008b1dbb0990a06080120013001"
)

func TestManifestTablesExact(t *testing.T) {
	closed, _ := hex.DecodeString(manifestClosedHex)
	open, _ := hex.DecodeString(manifestOpenHex)
	flip := func(b []byte, off int, xor byte) []byte {
		b = bytes.Clone(b)
		b[off] ^= xor
		return b
	}
	for _, c := range []struct {
		name   string
		b      []byte
		tables []uint64
		err    error
	}{
		{"closed", closed, []uint64{1, 2}, nil},
		{"open", open, []uint64{1}, nil},
		{"open@19^0x10", flip(open, 19, 0x10), nil, errManifestLength},
		{"closed@35^0x10", flip(closed, 35, 0x10), []uint64{1}, errManifestLength},
		{"closed@19^0x20", flip(closed, 19, 0x20), nil, errManifestLength},
		{"closed@11^0x28", flip(closed, 11, 0x28), nil, errManifestLength},
		{"closed@11^0x20 (checksum fails: Badger's)", flip(closed, 11, 0x20), nil, nil},
		{"closed@10^0x01 (too long: Badger's)", flip(closed, 10, 0x01), nil, nil},
		{"closed@44^0x01 (checksum fails: Badger's)", flip(closed, 44, 0x01), []uint64{1}, nil},
		{"closed torn", closed[:45], []uint64{1}, nil},
		{"bad magic", flip(closed, 0, 1), nil, nil},
	} {
		named, err := manifestTables(c.b)
		if err != c.err {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		}
		got := slices.Sorted(maps.Keys(named))
		if !slices.Equal(got, c.tables) {
			t.Errorf("%s: tables %v, want %v", c.name, got, c.tables)
		}
	}
}

// FuzzManifestTables compares manifestTables with Badger's own replay: it
// must name every table Badger's replay lists, and say a length is damaged
// only where Badger would cut the file.
func FuzzManifestTables(f *testing.F) {
	for _, h := range []string{manifestClosedHex, manifestOpenHex} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
		for _, off := range []int{11, 19, 35} {
			if off < len(b) {
				c := bytes.Clone(b)
				c[off] ^= 0x10
				f.Add(c)
			}
		}
		f.Add(b[:len(b)-3])
	}
	path := filepath.Join(f.TempDir(), badger.ManifestFilename)
	opt := badger.DefaultOptions("")
	f.Fuzz(func(t *testing.T, b []byte) {
		named, err := manifestTables(b)
		if err != nil && err != errManifestLength {
			t.Fatalf("error %v", err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		fh, ferr := os.Open(path)
		if ferr != nil {
			t.Fatal(ferr)
		}
		defer fh.Close()
		m, cut, berr := badger.ReplayManifestFile(fh, 0, opt)
		if berr != nil {
			return // Badger reports it itself
		}
		for id := range m.Tables {
			if !named[id] {
				t.Fatalf("Badger lists table %d, manifestTables does not (%v)", id, named)
			}
		}
		if err == errManifestLength && cut >= int64(len(b)) {
			t.Fatalf("damaged length reported, but Badger reads the whole file")
		}
	})
}
