package storage

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"courtwatch/storage/safefile"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/dgraph-io/ristretto/v2/z"
)

// Whole-table checks without reading every table at every open.
//
// Badger's per-block checks alone are not enough: a damaged block silently
// ends an iteration, and a point read that lands on it answers "not found"
// (or an older version), so records could vanish without an error. Every
// block of every table must be checked before the vault reads it. Badger's
// OnTableRead mode does that at each open, decrypting and decompressing
// every block: the open time grew with the vault.
//
// A table file never changes once written. So the vault keeps a sealed
// ledger (checkedFile) of the table files whose every block has been
// checked, each with a keyed checksum of its bytes (tableSummer, keyed
// BLAKE3; tablecheck_sum.go). At open, a table whose bytes
// still match the ledger's checksum needs no block check; one that is new
// (written by the last session's flushes and compactions) or whose bytes
// differ is checked block by block now, with Badger's own table code. Only
// when every table passed is Badger opened with per-block checks only;
// otherwise it is opened with OnTableRead as before, so a damaged table is
// reported exactly as it always was (ErrTampered naming the file). The
// checksum runs several times faster than decrypting and decompressing
// every block.
//
// The ledger is sealed with the vault's record key, so it cannot be forged
// to pass a damaged table; a missing or unauthentic ledger only means every
// table is checked again, once.
const (
	checkedFile = "tables.checked"
	checkedAD   = "courtwatch checked tables"
)

// errTableDamaged is a table whose blocks do not check out.
var errTableDamaged = errors.New("damaged table")

// tablesBlockChecked counts the tables checkTableBlocks has checked, for
// tests.
var tablesBlockChecked atomic.Int64

// tableLedger maps a table file's name to its checksum (tableSummer.sum).
type tableLedger map[string]string

// readLedger returns the vault's ledger of checked tables; empty if it is
// missing or does not authenticate.
func readLedger(dir string, aead cipher.AEAD) tableLedger {
	b, err := os.ReadFile(filepath.Join(dir, checkedFile))
	ns := aead.NonceSize()
	if err != nil || len(b) < ns+aead.Overhead() {
		return tableLedger{}
	}
	plain, err := aead.Open(nil, b[:ns], b[ns:], []byte(checkedAD))
	if err != nil {
		return tableLedger{}
	}
	l := tableLedger{}
	if json.Unmarshal(plain, &l) != nil {
		return tableLedger{}
	}
	return l
}

// writeLedger replaces the ledger atomically. A failure only means that the
// next open checks more tables.
func writeLedger(dir string, aead cipher.AEAD, l tableLedger) error {
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := aead.Seal(nonce, nonce, mustJSON(l), []byte(checkedAD))
	return safefile.WriteFile(filepath.Join(dir, checkedFile), sealed, 0o600)
}

// checkTablesFast brings the ledger up to date with the live tables of the
// database in dbPath: each is either unchanged since it was checked, or is
// checked block by block now. It returns the new ledger (live tables only)
// and whether every live table passed. Anything it cannot do (no manifest,
// a key it cannot read, a damaged table) returns false: the caller then
// opens Badger with whole-table checks, which reports the damage in its
// usual words.
//
// damaged names a table whose blocks do not check out (ok is then false).
// Badger is not opened on it: its OnTableRead check can crash the process
// on a damaged block (a nil block in its error path), where ours recovers.
func checkTablesFast(dbPath string, opt badger.Options, ts tableSummer, old tableLedger, onlyNew bool) (ledger tableLedger, ok bool, damaged string) {
	m, err := readManifest(dbPath, opt)
	if err != nil {
		return nil, false, ""
	}
	var (
		kr  *badger.KeyRegistry
		idx *ristretto.Cache[uint64, *fb.TableIndex] // Badger's table code needs one for encrypted tables
	)
	defer func() {
		if kr != nil {
			kr.Close()
		}
		if idx != nil {
			idx.Close()
		}
	}()
	ids := make([]uint64, 0, len(m.Tables))
	for id := range m.Tables {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	sums := make([]string, len(ids))
	same := make([]bool, len(ids)) // the table's bytes match its entry in old
	if !forEach(len(ids), func(i int) bool {
		path := table.NewFilename(ids[i], dbPath)
		prev := old[filepath.Base(path)]
		if onlyNew && prev != "" {
			sums[i], same[i] = prev, true // checked at open: its entry stands
			return true
		}
		var err error
		sums[i], same[i], err = ts.sum(path, prev)
		return err == nil
	}) {
		return nil, false, ""
	}
	var recheck []int
	for i := range ids {
		if !same[i] {
			recheck = append(recheck, i)
		}
	}
	var damagedOnce sync.Once
	if len(recheck) > 0 {
		kr, err = badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dbPath, ReadOnly: true,
			EncryptionKey: opt.EncryptionKey, EncryptionKeyRotationDuration: opt.EncryptionKeyRotationDuration})
		if err != nil {
			kr = nil
			return nil, false, ""
		}
		idx, err = ristretto.NewCache(&ristretto.Config[uint64, *fb.TableIndex]{NumCounters: 1 << 12, MaxCost: 16 << 20, BufferItems: 64})
		if err != nil {
			idx = nil
			return nil, false, ""
		}
		if !forEach(len(recheck), func(j int) bool {
			id := ids[recheck[j]]
			path := table.NewFilename(id, dbPath)
			err := checkTableBlocks(path, m.Tables[id], kr, idx, opt)
			if errors.Is(err, errTableDamaged) {
				damagedOnce.Do(func() { damaged = path })
			}
			return err == nil
		}) {
			return nil, false, damaged
		}
	}
	out := make(tableLedger, len(ids))
	for i, id := range ids {
		out[filepath.Base(table.NewFilename(id, dbPath))] = sums[i]
	}
	return out, true, ""
}

// forEach runs fn(0) … fn(n-1) on as many goroutines as there are CPUs and
// reports whether every call returned true.
func forEach(n int, fn func(i int) bool) bool {
	var (
		next   atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || failed.Load() {
					return
				}
				if !fn(i) {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return !failed.Load()
}

// checkTableBlocks reads, decrypts, decompresses and checksums every block
// of one table file, as Badger's OnTableRead does at open. Badger panics on
// some damaged files; that is an error here too.
func checkTableBlocks(path string, tm badger.TableManifest, kr *badger.KeyRegistry, idx *ristretto.Cache[uint64, *fb.TableIndex], opt badger.Options) (err error) {
	var mf *z.MmapFile
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("table %s: %v: %w", filepath.Base(path), r, errTableDamaged)
			unmapTable(mf)
		}
	}()
	tablesBlockChecked.Add(1)
	dk, err := kr.DataKey(tm.KeyID)
	if err != nil {
		return err
	}
	mf, err = z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	t, err := table.OpenTable(mf, table.Options{
		ReadOnly:           true,
		TableSize:          uint64(opt.BaseTableSize),
		BlockSize:          opt.BlockSize,
		BloomFalsePositive: opt.BloomFalsePositive,
		ChkMode:            options.OnTableRead, // every block, now
		Compression:        tm.Compression,
		DataKey:            dk,
		IndexCache:         idx,
	})
	if err != nil {
		unmapTable(mf) // OpenTable closes it on some errors, not on all
		return fmt.Errorf("%w: %v", errTableDamaged, err)
	}
	// Close, never DecrRef: at zero references Badger deletes the file.
	return t.MmapFile.Close(-1)
}

// unmapTable closes the mapping of a damaged table that Badger gave up on,
// unless Badger has closed it: a mapping left open keeps Windows from
// replacing or removing the file ("File has a user-mapped section"). It
// never unmaps twice: the address may by then be another table's mapping.
func unmapTable(mf *z.MmapFile) {
	if mf == nil || mf.Fd == nil {
		return
	}
	// z.MmapFile.Close unmaps first, then closes the file; a closed file
	// fails Stat (on Windows its handle is then INVALID_HANDLE_VALUE).
	if _, err := mf.Fd.Stat(); err != nil {
		return
	}
	_ = mf.Close(-1)
}

func readManifest(dbPath string, opt badger.Options) (badger.Manifest, error) {
	f, err := os.Open(filepath.Join(dbPath, badger.ManifestFilename))
	if err != nil {
		return badger.Manifest{}, err
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, opt.ExternalMagicVersion, opt)
	return m, err
}

// sumLiveTables returns the ledger of the live tables of an open database
// that Badger has checked whole (opened with OnTableRead, which also checks
// every table its compactions write).
func sumLiveTables(dbPath string, opt badger.Options, ts tableSummer) (tableLedger, bool) {
	m, err := readManifest(dbPath, opt)
	if err != nil {
		return nil, false
	}
	out := tableLedger{}
	for id := range m.Tables {
		path := table.NewFilename(id, dbPath)
		sum, _, err := ts.sum(path, "")
		if errors.Is(err, fs.ErrNotExist) {
			continue // compacted away meanwhile
		}
		if err != nil {
			return nil, false
		}
		out[filepath.Base(path)] = sum
	}
	return out, true
}

// tableCheck is what an open vault needs to add the tables its session
// wrote to the ledger when it closes, so that the next open need not check
// them block by block.
type tableCheck struct {
	dir    string
	key    []byte // Badger's key; wiped by afterClose
	ts     tableSummer
	aead   cipher.AEAD
	ledger tableLedger // as written at open
	opts   OpenOptions
}

// afterClose checks the tables that are not in the ledger yet (flushes and
// compactions of this session, the compaction of level 0 that Badger's
// Close runs included) and records them; the ones checked at open
// keep their entries. It runs after Badger has closed. A failure only means
// that the next open checks those tables.
func (tc *tableCheck) afterClose() {
	defer wipe(tc.key)
	dbPath := filepath.Join(tc.dir, dbDir)
	ledger, ok, _ := checkTablesFast(dbPath, tc.opts.badgerOptions(tc.dir, tc.key), tc.ts, tc.ledger, true)
	if ok && !maps.Equal(ledger, tc.ledger) {
		_ = writeLedger(tc.dir, tc.aead, ledger)
	}
}
