package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrDiskFull means a write was refused because the disk holding the vault
// has too little free space left; nothing was stored, and nothing stored
// before was lost. The message says how much is free.
var ErrDiskFull = errors.New("the disk is full")

// Full disk.
//
// Badger writes through memory-mapped files: its write-ahead log (.mem),
// the value log and every new table are grown with ftruncate, which does
// not reserve blocks, and then filled through the mapping. When the disk
// runs out while a mapped page is first written, the kernel raises SIGBUS
// and the process dies with a runtime dump. Go cannot recover from that.
// So the vault never lets Badger get there: before each commit it checks
// the free space against what the commit adds plus a reserve, and refuses
// with ErrDiskFull when it is short.
//
// The reserve covers what Badger may write on its own after the commit:
// flushing the memtable (as large as the write-ahead log on disk) to a
// table, at the latest on Close, and a compaction, which rewrites tables
// before it deletes the old ones. Open takes the same measure: on a disk
// too full for Badger to flush what it replays, the vault opens read-only,
// so reading, searching and writing reports elsewhere still work, and
// every save says the disk is full.
const (
	// reserveMargin is kept free beyond the estimate: the manifest, file
	// headers, page rounding.
	reserveMargin = 2 << 20
	// compactionReserve caps the room kept for one compaction.
	compactionReserve = 32 << 20
)

// lowSpaceMark is the free space under which the search indexer stops
// letting saves gather beyond indexSettle (indexer.go): the postings it
// writes are not part of any save's check, so on a filling disk they go in
// soon after the saves, and the saves that follow see the room they took.
// (A variable for tests.)
var lowSpaceMark uint64 = 256 << 20

// spaceNeed is the free space, in bytes, that a commit of n bytes needs,
// given the vault's files now.
func spaceNeed(db string, n int) uint64 {
	mem, tables := dbUsage(db)
	return need(n, mem, tables)
}

func need(n int, mem, tables uint64) uint64 {
	// Writing n bytes touches about 2n of mapped log (entry headers, page
	// rounding); a flush writes about as much as the log holds.
	return 2*uint64(n) + 2*mem + min(tables, compactionReserve) + reserveMargin
}

// dbUsage returns the bytes the write-ahead logs occupy and the size of
// the tables.
func dbUsage(db string) (mem, tables uint64) {
	entries, _ := os.ReadDir(db)
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".mem":
			mem += allocated(filepath.Join(db, e.Name()))
		case ".sst":
			if fi, err := e.Info(); err == nil {
				tables += uint64(fi.Size())
			}
		}
	}
	return mem, tables
}

// spaceCache keeps the folder scan of dbUsage for up to a second (a save
// should not list the folder); the bytes committed since are added to the
// log's size meanwhile. It also keeps the last free space read, which a
// save may rely on instead of asking again (see freeAmple).
type spaceCache struct {
	at          time.Time
	mem, tables uint64
	freeAt      time.Time // when free was read
	free        uint64
	since       uint64 // what commits since may have used of it
}

// A save skips the free-space query (a statfs) when one less than
// freeRecheck ago found freeAmple more than the save needs, less what
// the vault's commits since may have used: to be caught out, other
// programs would have to write a gigabyte in a quarter of a second. On a
// disk with less free space than that, every save asks.
const (
	freeAmple   = 1 << 30
	freeRecheck = 250 * time.Millisecond
)

// checkSpace refuses a commit of about n bytes when the disk is too full
// to take it and still flush and close cleanly.
func (v *Vault) checkSpace(n int) error {
	c := &v.space
	grow := 2 * uint64(n)
	if !c.freeAt.IsZero() && time.Since(c.freeAt) < freeRecheck &&
		c.free >= c.since+need(n, c.mem, c.tables)+freeAmple {
		c.mem += grow
		c.since += grow
		return nil
	}
	db := filepath.Join(v.dir, dbDir)
	free, ok := freeSpace(db)
	if !ok {
		return nil // the platform cannot tell; Badger's own error applies
	}
	if time.Since(c.at) > time.Second || free < 4*reserveMargin {
		c.mem, c.tables = dbUsage(db)
		c.at = time.Now()
	}
	c.free, c.freeAt, c.since = free, time.Now(), 0
	v.lowSpace.Store(free < lowSpaceMark)
	if free < need(n, c.mem, c.tables) {
		return diskFullError(free)
	}
	c.mem += grow
	c.since += grow
	return nil
}

func diskFullError(free uint64) error {
	return fmt.Errorf("%w: %.1f MB free; nothing was lost, and this change was not saved: free some space on the disk and try again", ErrDiskFull, float64(free)/(1<<20))
}

// openReadOnly reports whether Open should open Badger read-only because
// the disk is too full to flush what Badger replays at open.
func openReadOnly(db string) (bool, uint64) {
	free, ok := freeSpace(db)
	if !ok {
		return false, 0
	}
	return free < spaceNeed(db, 0), free
}

// writable returns why the vault cannot take writes now, if it cannot.
func (v *Vault) writable() error {
	if v.unfinished != nil {
		return v.unfinished
	}
	if v.readOnly {
		db := filepath.Join(v.dir, dbDir)
		free, _ := freeSpace(db)
		return fmt.Errorf("%w: %.1f MB free; nothing was lost, and this change was not saved: the vault was opened read-only because the disk was full; free some space, then close the vault and open it again", ErrDiskFull, float64(free)/(1<<20))
	}
	return nil
}
