package storage

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/dgraph-io/badger/v4"
)

func u64be(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// Since calls fn with every version whose HLC is greater than cursor, in HLC
// order, from every device. It is one prefix scan over the change feed.
// Pass the HLC of the last version handled as the next cursor.
func (v *Vault) Since(cursor uint64, fn func(*Version) error) error {
	if cursor == math.MaxUint64 {
		return nil // nothing can come after the largest cursor
	}
	return v.View(func(tx *Tx) error {
		it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefixFeed})
		defer it.Close()
		for it.Seek(cat(prefixFeed, u64(cursor+1))); it.ValidForPrefix(prefixFeed); it.Next() {
			r, ok := refFromFeedKey(it.Item().Key())
			if !ok {
				return fmt.Errorf("change feed key has the wrong size: %w", ErrTampered)
			}
			item, err := tx.txn.Get(r.versionKey())
			if err != nil {
				return classify(err)
			}
			ver, err := tx.versionFromItem(item)
			if err != nil {
				return err
			}
			if err := fn(ver); err != nil {
				return err
			}
		}
		return nil
	})
}

// lastFeedHLC returns the newest HLC in the feed, so the clock never
// repeats one after a restart.
func lastFeedHLC(txn *badger.Txn) (uint64, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixFeed, Reverse: true})
	defer it.Close()
	it.Seek(cat(prefixFeed, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}))
	if !it.ValidForPrefix(prefixFeed) {
		return 0, nil
	}
	r, ok := refFromFeedKey(it.Item().Key())
	if !ok {
		return 0, fmt.Errorf("change feed key has the wrong size: %w", ErrTampered)
	}
	return r.HLC, nil
}
