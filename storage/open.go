package storage

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"google.golang.org/protobuf/proto"
)

// openBadger opens the vault's Badger database, read-only when the disk is
// too full for Badger to flush what it replays (diskspace.go). Badger
// panics on some damaged files; that becomes an ErrTampered error naming
// the file.
//
// Every block of every table is checked before anything is read: the
// tables checked in earlier sessions by their checksums, the others block by
// block (tablecheck.go). Then Badger only checks blocks as it reads them.
// A table whose blocks fail is reported as ErrTampered naming the file; if
// the check cannot be made (no manifest, a key it cannot read), Badger
// checks every table itself as it opens, as before. The tables a session writes are checked when the
// vault closes (tableCheck).
func openBadger(dir string, key []byte, aead cipher.AEAD, oo OpenOptions) (db *badger.DB, readOnly bool, tc *tableCheck, err error) {
	dbPath := filepath.Join(dir, dbDir)
	readOnly, _ = openReadOnly(dbPath)
	opt := oo.badgerOptions(dir, key).WithReadOnly(readOnly)
	old := readLedger(dir, aead)
	if err := checkManifest(dbPath, old); err != nil {
		return nil, false, nil, err
	}
	if err := checkTables(dbPath, opt); err != nil {
		return nil, false, nil, err
	}
	ts, err := newTableSummer(key)
	if err != nil {
		return nil, false, nil, err
	}
	ledger, checked, damaged := checkTablesFast(dbPath, opt, ts, old, false)
	if damaged != "" {
		return nil, false, nil, fmt.Errorf("open vault database: the vault database file %s is damaged and could not be read: %w", damaged, ErrTampered)
	}
	if checked {
		opt = opt.WithChecksumVerificationMode(options.OnBlockRead)
	}
	err = badgerCall(dbPath, func() error {
		var err error
		db, err = badger.Open(opt)
		return err
	})
	if err != nil {
		return nil, false, nil, fmt.Errorf("open vault database: %w", classify(err))
	}
	if readOnly {
		return db, readOnly, nil, nil
	}
	if !checked {
		// Badger has just checked every table: note them, so that the next
		// open need not.
		ledger, checked = sumLiveTables(dbPath, opt, ts)
	}
	if !checked {
		return db, readOnly, nil, nil
	}
	if !maps.Equal(ledger, old) {
		_ = writeLedger(dir, aead, ledger) // a failure only makes the next open slower
	}
	return db, readOnly, &tableCheck{dir: dir, key: bytes.Clone(key), ts: ts, aead: aead, ledger: ledger, opts: oo}, nil
}

// afterOpen brings a freshly opened vault to a consistent state: it
// finishes or rolls back staged imports, reads the device, chain head and
// clock, and compares the chain head with the sealed copy outside Badger.
func (v *Vault) afterOpen() error {
	dbPath := filepath.Join(v.dir, dbDir)
	if v.readOnly {
		free, _ := freeSpace(dbPath)
		v.notes = append(v.notes, fmt.Sprintf("the disk is full (%.1f MB free): the vault is open for reading only; free some space and open it again to save", float64(free)/(1<<20)))
		if v.hasStaged() {
			v.notes = append(v.notes, "an import that was saved or begun before the disk filled is not shown yet: free some space and open the vault again to finish it or roll it back")
		}
	} else {
		err := badgerCall(dbPath, func() error {
			notes, err := v.recoverImports()
			v.notes = append(v.notes, notes...)
			return err
		})
		if err != nil {
			return err
		}
	}
	if err := badgerCall(dbPath, v.load); err != nil {
		return err
	}
	return v.checkHead()
}

// checkManifest reports, before Badger opens the database, damage to
// Badger's MANIFEST that Badger would take silently and act on. The
// MANIFEST is a list of change records (tables created and deleted), each
// a 4-byte length, a CRC-32 and the record. Badger takes a record that
// runs past the end of the file for one a crash tore while it was being
// appended: it cuts the file there, forgets every table that record and
// the later ones created, and deletes those table files. A damaged length
// looks just like that, and would lose every record in those tables.
//
// So a record that runs past the end is taken for torn only when no
// shorter record with its checksum is there in full; if one is, the length
// was damaged (errManifestLength). And a table that the ledger of checked
// tables (tablecheck.go) lists, whose file is still there, but which the
// MANIFEST neither lists nor ever deleted, was forgotten by a damaged or
// cut MANIFEST. Both are ErrTampered, and nothing is changed on disk.
//
// A table compacted away leaves a delete record, and its file is removed
// just after; a table that a crash kept from the MANIFEST was never in the
// ledger, which only ever holds tables the MANIFEST listed. (After about
// 10,000 deletes Badger rewrites the MANIFEST without them; a crash in the
// moment before it removes the files of that compaction would be reported
// as damage here.) What this does not see is left to Badger, which reports
// it (bad checksum, bad magic).
func checkManifest(dbPath string, ledger tableLedger) error {
	path := filepath.Join(dbPath, badger.ManifestFilename)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil // a missing MANIFEST is Badger's to create or report
	}
	named, err := manifestTables(b)
	if err != nil {
		return fmt.Errorf("open vault database: the vault database file %s is damaged (%s) and could not be read; nothing was changed: %w", path, err, ErrTampered)
	}
	for name := range ledger {
		id, ok := table.ParseFileID(name)
		if !ok || named[id] {
			continue
		}
		if _, err := os.Stat(table.NewFilename(id, dbPath)); err == nil {
			return fmt.Errorf("open vault database: the vault database file %s is damaged and could not be read (it no longer lists the table %s, which holds saved records); nothing was changed: %w", path, name, ErrTampered)
		}
	}
	return nil
}

// errManifestLength is a MANIFEST record whose length runs past the end of
// the file although the record it checksums is there in full.
var errManifestLength = errors.New("the length of a record is damaged")

// manifestTables reads a MANIFEST as Badger's ReplayManifestFile does and
// returns every table id that a record creates or deletes. Whatever
// Badger rejects itself (bad magic, length or checksum, a record it cannot
// decode) returns what was read so far and no error: Badger reports it.
func manifestTables(b []byte) (map[uint64]bool, error) {
	named := map[uint64]bool{}
	if len(b) < 8 || string(b[:4]) != "Bdgr" {
		return named, nil
	}
	size := uint64(len(b))
	for off := uint64(8); size-off >= 8; {
		length := uint64(binary.BigEndian.Uint32(b[off:]))
		sum := binary.BigEndian.Uint32(b[off+4:])
		if length > size {
			return named, nil
		}
		rec := b[off+8:]
		if length > uint64(len(rec)) {
			// Torn, or a damaged length: is a record with this
			// checksum there in full?
			crc := uint32(0)
			for i := range rec {
				if crc == sum {
					return named, errManifestLength
				}
				crc = crc32.Update(crc, y.CastagnoliCrcTable, rec[i:i+1])
			}
			if crc == sum {
				return named, errManifestLength
			}
			return named, nil
		}
		rec = rec[:length]
		if crc32.Checksum(rec, y.CastagnoliCrcTable) != sum {
			return named, nil
		}
		var cs pb.ManifestChangeSet
		if proto.Unmarshal(rec, &cs) != nil {
			return named, nil
		}
		for _, c := range cs.Changes {
			named[c.Id] = true
		}
		off += 8 + length
	}
	return named, nil
}

// checkTables checks the footer of every table file before Badger opens
// it. Badger reads a table's footer (checksum length, checksum, index
// length) in goroutines of its own and panics when a damaged length points
// outside the file, which no recover can catch; so a footer that does not
// fit its file is reported here, naming the file. Everything the footer
// points to is then covered by Badger's checksums.
//
// Only the tables the MANIFEST lists are checked: a table file it does not
// list is one a flush or compaction was writing when the process was
// killed, which Badger deletes at open; it holds nothing acknowledged.
// When the MANIFEST cannot be read, every table file is checked.
func checkTables(dbPath string, opt badger.Options) error {
	files, err := filepath.Glob(filepath.Join(dbPath, "*.sst"))
	if err != nil {
		return err
	}
	if m, err := readManifest(dbPath, opt); err == nil {
		files = files[:0]
		for id := range m.Tables {
			files = append(files, table.NewFilename(id, dbPath))
		}
	}
	for _, f := range files {
		if err := checkTableFooter(f); err != nil {
			return fmt.Errorf("the vault database file %s is damaged (%s) and could not be read: %w", f, err, ErrTampered)
		}
	}
	return nil
}

func checkTableFooter(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return errors.New("it cannot be opened")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return errors.New("it cannot be read")
	}
	size := fi.Size()
	u32At := func(off int64) (int64, error) {
		var b [4]byte
		if off < 0 || off+4 > size {
			return 0, errors.New("its footer lies outside the file")
		}
		if _, err := f.ReadAt(b[:], off); err != nil {
			return 0, errors.New("its footer cannot be read")
		}
		return int64(binary.BigEndian.Uint32(b[:])), nil
	}
	sumLen, err := u32At(size - 4)
	if err != nil {
		return err
	}
	if sumLen > size-8 {
		return errors.New("its checksum length is larger than the file")
	}
	idxLen, err := u32At(size - 8 - sumLen)
	if err != nil {
		return err
	}
	if idxLen > size-8-sumLen {
		return errors.New("its index length is larger than the file")
	}
	return nil
}

// hasStaged reports whether a staged import is waiting (staging.go).
func (v *Vault) hasStaged() bool {
	found := false
	_ = v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixImport})
		defer it.Close()
		it.Rewind()
		found = it.Valid()
		return nil
	})
	return found
}

var badgerFile = regexp.MustCompile(`[0-9]+\.(sst|vlog|mem)|MANIFEST|DISCARD|KEYREGISTRY`)

// badgerCall runs fn and turns a panic inside Badger (which it raises on
// some damaged files) into an error that names the damaged file when the
// panic says which. Badger's own text is not shown.
func badgerCall(dbPath string, fn func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		where := badgerFile.FindString(fmt.Sprint(r))
		if where == "" {
			where = badgerFile.FindString(string(debug.Stack()))
		}
		if where == "" {
			err = fmt.Errorf("a file of the vault database in %s is damaged and could not be read: %w", dbPath, ErrTampered)
			return
		}
		err = fmt.Errorf("the vault database file %s is damaged and could not be read: %w", filepath.Join(dbPath, where), ErrTampered)
	}()
	return fn()
}
