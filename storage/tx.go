package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Tx is a view of the vault inside View or Update. A Tx from Update writes
// all of its versions in one durable batch: all of them or none.
type Tx struct {
	v       *Vault
	txn     *badger.Txn // the transaction; in Update, where writes go
	rd      *badger.Txn // committed state to read records from (== txn in View)
	write   bool
	head    chainHead
	written []ref
	// mine holds the newest version of each record written in this Tx, so
	// that reads see the Tx's own writes without iterating Badger's pending
	// writes, which it re-sorts for every iterator.
	mine  map[uuid.UUID]*Version
	dirty bool // aux state changed
	// stage, in UpdateLarge, collects the writes instead of txn (which is
	// then read-only); see staging.go.
	stage *stager
	bytes int // bytes set so far, for the free-space check
	// versions is one iterator over rd that latest seeks in, instead of
	// opening one per record; closeReads closes it, before rd is
	// discarded.
	versions *badger.Iterator
}

// closeReads closes the iterator latest opened, if any.
func (tx *Tx) closeReads() {
	if tx.versions != nil {
		tx.versions.Close()
		tx.versions = nil
	}
}

// View runs fn with a read-only, consistent snapshot of the vault.
func (v *Vault) View(fn func(tx *Tx) error) error {
	v.life.RLock()
	defer v.life.RUnlock()
	if v.closed.Load() {
		return ErrLocked
	}
	return v.db.View(func(txn *badger.Txn) error {
		tx := &Tx{v: v, txn: txn, rd: txn}
		defer tx.closeReads()
		return fn(tx)
	})
}

// Update runs fn in one read-write transaction. When fn returns nil, every
// version it put is written and fsynced before Update returns; when fn or
// the commit fails, nothing is stored. The search postings of the new
// versions are written just after, in the background (see search.go);
// Search waits for them.
//
// fn must not call View or Update of the same vault.
func (v *Vault) Update(fn func(tx *Tx) error) error {
	done, err := v.beginWrite()
	if err != nil {
		return err
	}
	defer done()
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	rd := v.db.NewTransaction(false) // writes are serialised: this is the committed state
	defer rd.Discard()
	tx := &Tx{v: v, txn: txn, rd: rd, write: true, head: v.head, mine: map[uuid.UUID]*Version{}}
	defer tx.closeReads()
	if err := fn(tx); err != nil {
		return err
	}
	if len(tx.written) == 0 && !tx.dirty {
		return nil
	}
	if tx.head != v.head {
		if err := tx.setSealed(keyHead, mustJSON(tx.head)); err != nil {
			return err
		}
	}
	if err := tx.checkTerms(tx.written); err != nil {
		return err
	}
	if err := v.checkSpace(tx.bytes); err != nil {
		return err
	}
	if err := txn.Commit(); err != nil { // SyncWrites: durable on return
		return fmt.Errorf("save: %w", classify(err))
	}
	// The versions are durable, each with a p/ marker. Search postings are
	// derived data: the indexer writes them in the background, and a crash
	// before it does leaves the markers, which the next Open indexes.
	v.committed(tx)
	return nil
}

func (tx *Tx) set(k, val []byte) error {
	tx.bytes += len(k) + len(val)
	if tx.stage != nil {
		return tx.stage.add(op{key: k, val: val})
	}
	if err := tx.txn.Set(k, val); err != nil {
		return classify(err)
	}
	return nil
}

func (tx *Tx) del(k []byte) error {
	tx.bytes += len(k)
	if tx.stage != nil {
		return tx.stage.add(op{key: k, del: true})
	}
	return classify(tx.txn.Delete(k))
}

func (tx *Tx) setSealed(k, val []byte) error {
	s, err := tx.v.seal(k, val)
	if err != nil {
		return err
	}
	return tx.set(k, s)
}

func (tx *Tx) getSealed(k []byte) ([]byte, error) {
	item, err := tx.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, classify(err)
	}
	return tx.unsealItem(item)
}

func (tx *Tx) unsealItem(item *badger.Item) ([]byte, error) {
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, classify(err)
	}
	return tx.v.unseal(item.KeyCopy(nil), val)
}

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
	return tx.parseVersion(key, val)
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
	if err := json.Unmarshal(ver.Data, r); err != nil {
		return fmt.Errorf("%s %s does not decode: %v", ver.Type, ver.ID, err)
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

// Put stores r as a new version. With a zero ID it creates the record and
// assigns a UUIDv7; otherwise it appends a version to that record's history.
// r's Meta is updated to the new version.
func (tx *Tx) Put(r Record) error {
	if !tx.write {
		return errors.New("put: read-only transaction")
	}
	m := r.meta()
	if v, ok := r.(validator); ok {
		if err := v.validate(tx); err != nil {
			return fmt.Errorf("%s: %w", r.Kind(), err)
		}
	}
	var prev *Version
	if m.ID == uuid.Nil {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		m.ID = id
	} else {
		p, err := tx.latest(m.ID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		default:
			prev = p
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode %s: %w", r.Kind(), err)
	}
	return tx.writeVersion(r, m.ID, prev, data, false)
}

// Delete appends a tombstone version to id. Its history stays readable.
func (tx *Tx) Delete(id uuid.UUID) error {
	if !tx.write {
		return errors.New("delete: read-only transaction")
	}
	prev, err := tx.Current(id)
	if err != nil {
		return err
	}
	r, err := newRecord(prev.Type)
	if err != nil {
		return err
	}
	return tx.writeVersion(r, id, prev, nil, true)
}

func (tx *Tx) writeVersion(r Record, id uuid.UUID, prev *Version, data []byte, deleted bool) error {
	dev := tx.v.deviceID()
	ver := &Version{
		ID: id, Type: r.Kind(), Version: 1, HLC: tx.v.clock.next(), Device: dev,
		Seq: tx.head.Seq + 1, Chain: tx.head.Hash, Deleted: deleted, Data: data,
	}
	var oldEntries []indexEntry
	if prev != nil {
		if prev.Type != r.Kind() {
			return fmt.Errorf("%s is a %s, not a %s", id, prev.Type, r.Kind())
		}
		ver.Version = prev.Version + 1
		ver.Prev = prev.Hash
		if !prev.Deleted {
			old, err := newRecord(prev.Type)
			if err != nil {
				return err
			}
			if err := decodeInto(prev, old); err != nil {
				return err
			}
			oldEntries = entriesOf(old)
		}
	}
	raw, err := json.Marshal(ver)
	if err != nil {
		return err
	}
	ver.Raw, ver.Hash = raw, hashHex(raw)
	rf := ver.ref()
	if err := tx.setSealed(rf.versionKey(), raw); err != nil {
		return err
	}
	if err := tx.set(rf.feedKey(), nil); err != nil {
		return err
	}
	if err := tx.set(chainKey(dev, ver.Seq), cat(id[:], u64(ver.HLC))); err != nil {
		return err
	}
	if err := tx.set(rf.pendingKey(), nil); err != nil {
		return err
	}
	var newEntries []indexEntry
	if !deleted {
		newEntries = entriesOf(r)
	}
	if err := tx.updateIndexes(id, oldEntries, newEntries); err != nil {
		return err
	}
	tx.head = chainHead{Seq: ver.Seq, Hash: ver.Hash}
	tx.mine[id] = ver
	tx.written = append(tx.written, rf)
	ver.fillMeta(r.meta())
	return nil
}

func (tx *Tx) updateIndexes(id uuid.UUID, old, new []indexEntry) error {
	keep := make(map[string]bool, len(new))
	for _, e := range new {
		keep[string(indexKey(e.name, e.parent, e.sort, id))] = true
	}
	for _, e := range old {
		k := indexKey(e.name, e.parent, e.sort, id)
		if !keep[string(k)] {
			if err := tx.del(k); err != nil {
				return err
			}
		}
	}
	for k := range keep {
		if err := tx.set([]byte(k), nil); err != nil {
			return err
		}
	}
	return nil
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

// Put stores records in one durable batch; see Tx.Put.
func (v *Vault) Put(rs ...Record) error {
	return v.Update(func(tx *Tx) error {
		for _, r := range rs {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// History returns every version of id, oldest first.
func (v *Vault) History(id uuid.UUID) ([]*Version, error) {
	var out []*Version
	err := v.View(func(tx *Tx) (err error) { out, err = tx.History(id); return err })
	return out, err
}

func mustJSON(x any) []byte {
	b, err := json.Marshal(x)
	if err != nil {
		panic(err)
	}
	return b
}

func jsonIndent(x any) ([]byte, error) {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// beginWrite takes the vault's life lock (shared) and its write lock, and
// checks that the vault is open and may be written (not closed, not
// read-only, enough free disk). done releases both; on an error nothing is
// held.
func (v *Vault) beginWrite() (done func(), err error) {
	v.life.RLock()
	if v.closed.Load() {
		v.life.RUnlock()
		return nil, ErrLocked
	}
	v.wmu.Lock()
	done = func() {
		v.wmu.Unlock()
		v.life.RUnlock()
	}
	if v.closed.Load() {
		done()
		return nil, ErrLocked
	}
	if err := v.writable(); err != nil {
		done()
		return nil, err
	}
	return done, nil
}
