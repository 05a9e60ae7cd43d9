package storage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Auxiliary state: small sealed values that other packages keep in the
// vault next to the records, so that they change in the same transaction
// (the outbox queue and its cursor, the HQ import's per-device sequence).
// They are not records: they have no versions and are never exported.
//
//	a/<key>   sealed value
var prefixAux = []byte("a/")

func auxKey(key string) []byte { return cat(prefixAux, []byte(key)) }

// SetAux stores val under key.
func (tx *Tx) SetAux(key string, val []byte) error {
	if !tx.write {
		return errors.New("set aux: read-only transaction")
	}
	if key == "" {
		return errors.New("set aux: empty key")
	}
	tx.dirty = true
	return tx.setSealed(auxKey(key), val)
}

// Aux returns the value under key, or ErrNotFound.
func (tx *Tx) Aux(key string) ([]byte, error) {
	b, err := tx.getSealed(auxKey(key))
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return b, err
}

// DeleteAux removes key; removing a missing key is not an error.
func (tx *Tx) DeleteAux(key string) error {
	if !tx.write {
		return errors.New("delete aux: read-only transaction")
	}
	tx.dirty = true
	return tx.del(auxKey(key))
}

// ScanAux calls fn with every key starting with prefix, in key order, and
// its value.
func (tx *Tx) ScanAux(prefix string, fn func(key string, val []byte) error) error {
	p := auxKey(prefix)
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 16})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		val, err := tx.unsealItem(it.Item())
		if err != nil {
			return err
		}
		if err := fn(strings.TrimPrefix(string(it.Item().Key()), string(prefixAux)), val); err != nil {
			return err
		}
	}
	return nil
}
