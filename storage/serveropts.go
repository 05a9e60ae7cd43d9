package storage

import (
	"github.com/dgraph-io/badger/v4"
)

// OpenOptions tune OpenWith. The zero value is what Open uses: a
// monitor's vault on a laptop, kept small in memory.
type OpenOptions struct {
	// Server sizes the database for a server that merges many devices'
	// records (HQ's vault): larger memtables, tables and caches, so that
	// Badger's compactions and reads cost less per record as the vault
	// grows, for up to about 700 MB more memory. What is stored, and how
	// durably, is the same; a vault opened either way opens the other way.
	Server bool

	keepL0 bool // tests: Close leaves level 0 as it is (as before a934a00)
}

// badgerOptions are the Badger options of a vault in dir opened with o.
func (o OpenOptions) badgerOptions(dir string, key []byte) badger.Options {
	opt := badgerOptions(dir, key)
	if !o.Server {
		// Close compacts level 0 into the base level (closecompact_test.go):
		// the next session's reads then skip the up to four level-0 tables,
		// each of which covers the whole key range. On a 100k-note vault
		// that halves the tables every search seek goes through.
		return opt.WithCompactL0OnClose(!o.keepL0)
	}
	// At 1M versions (bench/import.benchstat.md) the tables' indexes and
	// bloom filters take about 160 MB decoded: with the laptop's 4 MB
	// cache, point reads decrypted them again and again. Larger memtables
	// and tables mean fewer flushes, tables and compactions, and a
	// transaction may hold 15 % of a memtable.
	opt = opt.
		WithMemTableSize(64 << 20).
		WithNumMemtables(3).
		WithBaseTableSize(8 << 20).
		WithBaseLevelSize(64 << 20).
		WithBlockCacheSize(256 << 20).
		WithIndexCacheSize(256 << 20)
	return opt
}

// MaxTxnBytes is about the most bytes (keys and values) one Update can
// write: Badger takes at most 15 % of a memtable in one transaction.
// Past it, Update returns ErrTooBig.
func (v *Vault) MaxTxnBytes() int { return int(v.db.MaxBatchSize()) }
