package storage

import (
	"errors"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Reading a search hit's record. Since layout 2 (searchmigrate.go) each
// posting names the version its record was indexed from, and the indexer
// rewrites all of a record's postings whenever it indexes a newer
// version. When the snapshot's index is current (every version it holds
// has been indexed), that version is the record's newest, and Search reads
// it with one point read instead of seeking the newest version among the
// record's keys. Otherwise, or for a posting that names no version, it
// reads the newest version as before: the record is the truth.

// indexCurrent reports whether the snapshot of a View that began after
// wseq and iseq read w and i, and that calls it, holds only indexed
// versions: no writer or indexer commit was under way when they were read
// nor has begun since, and nothing committed before is still queued. A
// commit that was made before w was read had queued its refs (committed
// runs before the writer lets go of wmu), and the indexer commits that
// handled them had ended before i was read, so they are in the snapshot.
func (v *Vault) indexCurrent(w, i uint64) bool {
	if w%2 != 0 || i%2 != 0 || v.ix == nil || !v.ix.idle() {
		return false
	}
	return v.wseq.Load() == w && v.iseq.Load() == i
}

// idle reports whether every ref queued so far has been indexed.
func (ix *indexer) idle() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.indexed == ix.queued && ix.err == nil
}

// hitVersion returns the newest version of id for a search hit: with
// current (see indexCurrent) and a posting that names a version, that
// version, read with one point read; otherwise the newest stored.
func (tx *Tx) hitVersion(id uuid.UUID, posted ref, current bool) (*Version, error) {
	if !current || posted.HLC == 0 || posted.ID != id {
		return tx.Current(id)
	}
	key := posted.versionKey()
	item, err := tx.rd.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return tx.Current(id) // not expected while current: the record decides
	}
	if err != nil {
		return nil, classify(err)
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, classify(err)
	}
	ver, err := tx.parseVersion(key, val)
	if err != nil {
		return nil, err
	}
	if ver.Deleted {
		return nil, ErrNotFound
	}
	return ver, nil
}
