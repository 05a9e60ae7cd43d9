package storage

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// ErrConflict means a version from another device collides with a
// different version already stored under the same id, clock and device, or
// the same chain position: the device's history forked.
var ErrConflict = errors.New("version conflicts with a different version already stored (forked history)")

// Merge stores a version written by another device, exactly as written (an
// HQ vault merges versions from many monitors this way). It is idempotent:
// a version already stored byte for byte is skipped and added is false.
// The record's current state is the version with the highest clock, so
// versions may arrive in any order.
//
// In Update, when the vault's indexer has nothing queued or in progress
// as the transaction begins (as at HQ, whose vault only merges), a merge
// makes its record searchable in the same transaction: the postings of
// the version the commit leaves newest are written with it, and no p/
// marker is left for the indexer. Otherwise (the indexer busy, or in
// UpdateLarge) it leaves a marker, as a save does.
func (tx *Tx) Merge(raw []byte) (added bool, err error) {
	ver, err := ParseVersion(raw)
	if err != nil {
		return false, fmt.Errorf("merge: version does not decode: %w", err)
	}
	return tx.MergeVersion(ver)
}

// MergeVersion is Merge of a version that ParseVersion decoded, unchanged
// since: an importer that decodes every version of a bundle before it
// merges any need not decode them again.
func (tx *Tx) MergeVersion(ver *Version) (added bool, err error) {
	if !tx.write {
		return false, errors.New("merge: read-only transaction")
	}
	raw := ver.Raw
	if ver.ID == uuid.Nil || ver.Device == uuid.Nil || ver.Seq == 0 || ver.Version == 0 {
		return false, fmt.Errorf("merge: version lacks its id, device, seq or version number")
	}
	r, err := newRecord(ver.Type)
	if err != nil {
		return false, fmt.Errorf("merge %s: %w", ver.ID, err)
	}
	if !ver.Deleted {
		if err := decodeInto(ver, r); err != nil {
			return false, fmt.Errorf("merge: %w", err)
		}
	}
	rf := ver.ref()
	// The newest version of the record first: when there is none (a record
	// new to this vault, as most are at HQ), no version of it is stored,
	// nor written by this Tx (its first merge would be the newest), so
	// this one is not stored either, and need not be looked up.
	prev, err := tx.latest(ver.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	if prev != nil {
		if old, err := tx.getSealed(rf.versionKey()); err == nil {
			if bytes.Equal(old, raw) {
				return false, nil
			}
			return false, fmt.Errorf("merge %s %s: %w", ver.Type, ver.ID, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return false, err
		}
	}
	ck := chainKey(ver.Device, ver.Seq)
	if item, err := tx.txn.Get(ck); err == nil {
		val, err := item.ValueCopy(nil)
		if err != nil {
			return false, classify(err)
		}
		if !bytes.Equal(val, cat(ver.ID[:], u64(ver.HLC))) {
			return false, fmt.Errorf("merge: device %s already has a different version at chain position %d: %w", ver.Device, ver.Seq, ErrConflict)
		}
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return false, classify(err)
	}

	newest := prev == nil || newer(ver, prev)
	if newest {
		var oldEntries, newEntries []indexEntry
		if prev != nil && !prev.Deleted {
			old, err := newRecord(prev.Type)
			if err != nil {
				return false, err
			}
			if err := decodeInto(prev, old); err != nil {
				return false, err
			}
			oldEntries = entriesOf(old)
		}
		if !ver.Deleted {
			newEntries = entriesOf(r)
		}
		if err := tx.updateIndexes(ver.ID, oldEntries, newEntries); err != nil {
			return false, err
		}
		tx.mine[ver.ID] = ver
		if tx.postNow {
			if tx.posted == nil {
				tx.posted = map[uuid.UUID][]string{}
			}
			tx.posted[ver.ID] = nil
			if !ver.Deleted {
				tx.posted[ver.ID] = termsOf(r)
			}
		}
	}
	if err := tx.set(rf.feedKey(), nil); err != nil {
		return false, err
	}
	if err := tx.set(ck, cat(ver.ID[:], u64(ver.HLC))); err != nil {
		return false, err
	}
	if !tx.postNow {
		if err := tx.set(rf.pendingKey(), nil); err != nil {
			return false, err
		}
	}
	if err := tx.setSealed(rf.versionKey(), raw); err != nil {
		return false, err
	}
	tx.v.clock.observe(ver.HLC)
	if tx.postNow {
		// Searchable with this commit (postMerged): no marker, nothing
		// for the indexer. A version older than the record's newest
		// changes no postings.
		tx.dirty = true
	} else {
		tx.written = append(tx.written, rf)
	}
	return true, nil
}

// postMerged writes, in tx, the postings and terms list of each record
// whose newest version a merge in tx changed, and removes the postings of
// the version it replaced: what the indexer would write for it, computed
// by the same code (termOps). Update calls it before it commits, so a
// merged version is stored with its postings, or neither is.
func (tx *Tx) postMerged() error {
	for id, want := range tx.posted {
		ops, err := tx.v.termOps(tx, id, want)
		if err != nil {
			return err
		}
		for _, o := range ops {
			if o.del {
				err = tx.del(o.key)
			} else {
				err = tx.set(o.key, o.val)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// newer orders versions of one record: by clock, then by device id.
func newer(a, b *Version) bool {
	if a.HLC != b.HLC {
		return a.HLC > b.HLC
	}
	return bytes.Compare(a.Device[:], b.Device[:]) > 0
}
