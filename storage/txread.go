package storage

// The read side of a transaction: a record's newest version, its history,
// loading records and listing them by index.

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// latest returns the newest version of id, deleted or not.
func (tx *Tx) latest(id uuid.UUID) (*Version, error) {
	if ver, ok := tx.mine[id]; ok {
		return ver, nil
	}
	// A record has few versions: walk them forward and keep the last.
	// (Badger's reverse iteration can crawl for a minute over a table
	// full of deleted keys, as a big import's staging leaves.) The Tx's
	// one iterator seeks to each record: opening an iterator costs more
	// than the walk.
	if tx.versions == nil {
		tx.versions = tx.rd.NewIterator(badger.IteratorOptions{})
	}
	it := tx.versions
	prefix := versionPrefix(id)
	var key, val []byte
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		// Copied now: the iterator reuses its items once it moves on.
		item := it.Item()
		key = item.KeyCopy(key[:0])
		var err error
		if val, err = item.ValueCopy(val[:0]); err != nil {
			return nil, classify(err)
		}
	}
	if key == nil {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	if ver, ok := tx.v.memo.get(key, val); ok {
		return ver, nil
	}
	ver, err := tx.parseVersion(key, val)
	if err != nil {
		return nil, err
	}
	if tx.write {
		// Only saves and merges fill the memo: they read the same parents
		// again and again, where a search or a screen reads many versions
		// once each.
		tx.v.memo.put(key, val, ver)
	}
	return ver, nil
}

func (tx *Tx) versionFromItem(item *badger.Item) (*Version, error) {
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, classify(err)
	}
	return tx.parseVersion(item.KeyCopy(nil), val)
}

// parseVersion unseals and decodes the version stored under key.
func (tx *Tx) parseVersion(key, sealed []byte) (*Version, error) {
	raw, err := tx.v.unseal(key, sealed)
	if err != nil {
		return nil, err
	}
	ver, err := ParseVersion(raw)
	if err != nil {
		return nil, fmt.Errorf("version under %q does not decode: %v: %w", printableKey(key), err, ErrTampered)
	}
	if r, ok := refFromVersionKey(key); !ok || r != ver.ref() {
		return nil, fmt.Errorf("version stored under the wrong key: %w", ErrTampered)
	}
	return ver, nil
}

// Current returns the newest live version of id, or ErrNotFound if there is
// none or it is a tombstone.
func (tx *Tx) Current(id uuid.UUID) (*Version, error) {
	ver, err := tx.latest(id)
	if err != nil {
		return nil, err
	}
	if ver.Deleted {
		return nil, fmt.Errorf("%s was deleted: %w", id, ErrNotFound)
	}
	return ver, nil
}

// History returns every version of id, oldest first, tombstones included.
func (tx *Tx) History(id uuid.UUID) ([]*Version, error) {
	prefix := versionPrefix(id)
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 16})
	defer it.Close()
	var out []*Version
	for it.Rewind(); it.Valid(); it.Next() {
		ver, err := tx.versionFromItem(it.Item())
		if err != nil {
			return nil, err
		}
		out = append(out, ver)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	return out, nil
}

// decodeInto fills r from a version.
func decodeInto(ver *Version, r Record) error {
	if ver.Type != r.Kind() {
		return fmt.Errorf("%s is a %s, not a %s", ver.ID, ver.Type, r.Kind())
	}
	if !scanRecord(ver.Data, r) {
		if err := json.Unmarshal(ver.Data, r); err != nil {
			return fmt.Errorf("%s %s does not decode: %v", ver.Type, ver.ID, err)
		}
	}
	ver.fillMeta(r.meta())
	return nil
}

// Get loads the current version of record id into r.
func (tx *Tx) Get(id uuid.UUID, r Record) error {
	ver, err := tx.Current(id)
	if err != nil {
		return err
	}
	return decodeInto(ver, r)
}

// newRecord returns an empty record of the named kind.
func newRecord(kind string) (Record, error) {
	t, ok := kinds[kind]
	if !ok {
		return nil, fmt.Errorf("unknown record type %q", kind)
	}
	return reflect.New(t).Interface().(Record), nil
}

// list calls fn with the id of each record under (name, parent), in index
// order.
func (tx *Tx) list(name string, parent uuid.UUID, fn func(id uuid.UUID) error) error {
	prefix := indexPrefix(name, parent)
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) < len(prefix)+16 {
			return fmt.Errorf("index key too short: %w", ErrTampered)
		}
		id, _ := uuid.FromBytes(k[len(k)-16:])
		if err := fn(id); err != nil {
			return err
		}
	}
	return nil
}

// listRecords loads every live record under (name, parent), in index order.
func listRecords[T any, P interface {
	*T
	Record
}](tx *Tx, name string, parent uuid.UUID) ([]P, error) {
	var out []P
	err := tx.list(name, parent, func(id uuid.UUID) error {
		r := P(new(T))
		err := tx.Get(id, r)
		if errors.Is(err, ErrNotFound) {
			return nil // index entry of a record deleted by another device
		}
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// Load reads the current version of record id in its own transaction.
func Load[T any, P interface {
	*T
	Record
}](v *Vault, id uuid.UUID) (P, error) {
	r := P(new(T))
	err := v.View(func(tx *Tx) error { return tx.Get(id, r) })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// History returns every version of id, oldest first.
func (v *Vault) History(id uuid.UUID) ([]*Version, error) {
	var out []*Version
	err := v.View(func(tx *Tx) (err error) { out, err = tx.History(id); return err })
	return out, err
}
