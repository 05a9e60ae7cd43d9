package storage

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Search index layouts. Layout 1 posted empty values; layout 2 posts the
// indexed version's ref under every term (postingValue) and keeps it in
// the terms list, so that a hit is read with one point read (searchhit.go).
// A vault indexed by layout 1 searches correctly as it is (a posting that
// names no version makes Search read the newest version), and is brought
// to layout 2 in the background by the indexer: a step at a time, it puts
// a p/ marker on the newest version of the next migrateBatch records, in
// id order, with the id to go on from, in one commit, then indexes them
// as it indexes saves. A crash leaves at most one step's markers, which
// the next Open indexes, and the stored id, from which the next Open goes
// on. m/search holds {"layout":2} once every record is done.

const searchLayout = 2

var keySearch = []byte("m/search")

// migrateBatch is how many records a migration step marks and reindexes:
// a search waiting behind a step waits for about this many records'
// postings to be rewritten.
const migrateBatch = 200

type searchState struct {
	Layout int       `json:"layout"`
	Next   uuid.UUID `json:"next,omitempty"` // layout 1: the first id not yet marked
}

// readSearchState reads m/search; a vault without it is at layout 1 from
// the start.
func readSearchState(tx *Tx) (searchState, error) {
	b, err := tx.getSealed(keySearch)
	if errors.Is(err, ErrNotFound) {
		return searchState{Layout: 1}, nil
	}
	if err != nil {
		return searchState{}, err
	}
	var st searchState
	if err := json.Unmarshal(b, &st); err != nil || st.Layout < 1 {
		return searchState{}, fmt.Errorf("search index state does not decode: %w", ErrTampered)
	}
	return st, nil
}

// searchNeedsMigration reports whether the vault's index is older than
// searchLayout. A vault without records is marked current at once.
func (v *Vault) searchNeedsMigration() (bool, error) {
	var st searchState
	empty := true
	err := v.db.View(func(txn *badger.Txn) error {
		var err error
		if st, err = readSearchState(&Tx{v: v, txn: txn, rd: txn}); err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixVersion})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		return nil
	})
	if err != nil || st.Layout >= searchLayout {
		return false, err
	}
	if !empty {
		return true, nil
	}
	return false, v.db.Update(func(txn *badger.Txn) error {
		return setSearchState(v, txn, searchState{Layout: searchLayout})
	})
}

func setSearchState(v *Vault, txn *badger.Txn, st searchState) error {
	s, err := v.seal(keySearch, mustJSON(st))
	if err != nil {
		return err
	}
	return txn.Set(keySearch, s)
}

// migrateStep marks the next migrateBatch records and indexes them. It
// returns done once the vault is at searchLayout. Only the indexer calls
// it, between batches of saves.
func (v *Vault) migrateStep() (done bool, err error) {
	end, err := v.beginWrite() // against a purge of a record being marked
	if err != nil {
		return true, err
	}
	refs, done, err := v.markNext()
	end()
	if err != nil {
		return true, err
	}
	if len(refs) > 0 {
		if v.testHookMigrate != nil {
			v.testHookMigrate()
		}
		if err := v.indexRefs(refs, nil); err != nil {
			return true, err
		}
	}
	return done, nil
}

// markNext commits p/ markers on the newest version of the next
// migrateBatch records and the id to go on from (or layout 2 at the end),
// and returns the refs marked.
func (v *Vault) markNext() (refs []ref, done bool, err error) {
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	rd := v.db.NewTransaction(false)
	defer rd.Discard()
	st, err := readSearchState(&Tx{v: v, txn: txn, rd: rd})
	if err != nil || st.Layout >= searchLayout {
		return nil, true, err
	}
	it := rd.NewIterator(badger.IteratorOptions{Prefix: prefixVersion})
	defer it.Close()
	next := searchState{Layout: searchLayout}
	for it.Seek(versionPrefix(st.Next)); it.Valid(); it.Next() {
		r, ok := refFromVersionKey(it.Item().Key())
		if !ok {
			continue
		}
		if n := len(refs); n > 0 && refs[n-1].ID == r.ID {
			refs[n-1] = r // a newer version of the same record
			continue
		}
		if len(refs) == migrateBatch {
			next = searchState{Layout: 1, Next: r.ID}
			break
		}
		refs = append(refs, r)
	}
	for _, r := range refs {
		if err := txn.Set(r.pendingKey(), nil); err != nil {
			return nil, false, classify(err)
		}
	}
	if err := setSearchState(v, txn, next); err != nil {
		return nil, false, err
	}
	if err := txn.Commit(); err != nil {
		return nil, false, classify(err)
	}
	return refs, next.Layout >= searchLayout, nil
}
