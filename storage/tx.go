package storage

import (
	"encoding/json"
	"errors"
	"fmt"

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
	mine map[uuid.UUID]*Version
	// dirty: the Tx wrote what written does not list (aux state, an
	// attachment, a purge, a version merged with its postings).
	dirty bool
	// stage, in UpdateLarge, collects the writes instead of txn (which is
	// then read-only); see staging.go.
	stage *stager
	bytes int // bytes set so far, for the free-space check
	// fresh holds the records this Tx created (new UUIDv7s): they have no
	// search-terms list to check yet.
	fresh map[uuid.UUID]bool
	// versions is one iterator over rd that latest seeks in, instead of
	// opening one per record; closeReads closes it, before rd is
	// discarded.
	versions *badger.Iterator
	// postNow: merges write postings in this Tx (see Merge), set by
	// Update when no indexer write can race with the Tx's. posted holds
	// the terms of each record whose newest version they changed (nil:
	// none).
	postNow bool
	posted  map[uuid.UUID][]string
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
	// Only commits under wmu (Update, UpdateLarge) queue work for the
	// indexer: an indexer idle now stays idle until this Tx commits, and
	// has committed all its writes before txn begins, so postings this Tx
	// writes cannot race with its own.
	postNow := v.ix != nil && v.ix.idle()
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	rd := v.db.NewTransaction(false) // writes are serialised: this is the committed state
	defer rd.Discard()
	tx := &Tx{v: v, txn: txn, rd: rd, write: true, head: v.head, mine: map[uuid.UUID]*Version{}, postNow: postNow}
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
	if err := tx.postMerged(); err != nil {
		return err
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
		if tx.fresh == nil {
			tx.fresh = map[uuid.UUID]bool{}
		}
		tx.fresh[id] = true
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
	raw, err := marshalVersion(ver) // data is json.Marshal's output (Put) or nil
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
