package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// Big all-or-nothing writes.
//
// Badger takes at most about 1 MB (15% of a memtable) in one transaction,
// so an import of 100,000 transcript lines cannot be one Update. UpdateLarge
// runs fn with a Tx that records its writes (sets and deletes, in order)
// instead of giving them to Badger, and stages them in chunks under an
// import id:
//
//	i/<import:16><chunk:4>        sealed chunk: the next writes, in order
//	i/<import:16><ffffffff>       sealed commit marker: {"chunks", "records"}
//
// Nothing reads i/ keys, so a staged import is invisible. The last chunk
// and the commit marker are written in one transaction: that commit is the
// moment the whole import becomes durable. Then the chunks are applied to
// their real keys in order, each in one transaction that also deletes the
// chunk, and the marker is deleted last. Applying is redo: a chunk is a
// list of blind sets and deletes, so applying it again after a crash gives
// the same state, and Open finishes an import whose marker it finds. Open
// deletes the chunks of an import that has no marker: a crash before the
// commit leaves nothing of it visible.
//
// A batch that fits one transaction after all (nothing was staged yet) is
// written in one transaction, exactly as Update does.
var prefixImport = []byte("i/")

const (
	stageChunkBytes = 900 << 10 // a chunk, applied with its delete, stays under Badger's 1.2 MB batch (applyChunk splits it if not)
	stageChunkOps   = 9000
	markerChunk     = ^uint32(0)
)

func stageKey(id uuid.UUID, chunk uint32) []byte {
	return cat(prefixImport, id[:], binary.BigEndian.AppendUint32(nil, chunk))
}

// stageMarker is the commit marker's content.
type stageMarker struct {
	Chunks  uint32 `json:"chunks"`
	Records int    `json:"records"`
}

// stager collects a large Tx's writes and stages them in chunks.
type stager struct {
	v      *Vault
	id     uuid.UUID
	ops    []op
	size   int
	chunks uint32 // chunks staged so far
}

func (s *stager) add(o op) error {
	s.ops = append(s.ops, o)
	s.size += len(o.key) + len(o.val) + 8
	if s.size >= stageChunkBytes || len(s.ops) >= stageChunkOps {
		return s.flush(nil)
	}
	return nil
}

// flush stages the collected writes as the next chunk, with the commit
// marker if marker is not nil, in one durable transaction.
func (s *stager) flush(marker *stageMarker) error {
	txn := s.v.db.NewTransaction(true)
	defer txn.Discard()
	need := 0
	if len(s.ops) > 0 {
		k := stageKey(s.id, s.chunks)
		sealed, err := s.v.seal(k, encodeOps(s.ops))
		if err != nil {
			return err
		}
		need += len(sealed)
		if err := txn.Set(k, sealed); err != nil {
			return classify(err)
		}
	}
	if marker != nil {
		if len(s.ops) > 0 {
			marker.Chunks = s.chunks + 1
		} else {
			marker.Chunks = s.chunks
		}
		k := stageKey(s.id, markerChunk)
		sealed, err := s.v.seal(k, mustJSON(marker))
		if err != nil {
			return err
		}
		if err := txn.Set(k, sealed); err != nil {
			return classify(err)
		}
	}
	if err := s.v.checkSpace(need); err != nil {
		return err
	}
	if err := commitTxn(txn); err != nil {
		return err
	}
	if len(s.ops) > 0 {
		s.chunks++
	}
	s.ops, s.size = s.ops[:0], 0
	return nil
}

// discard removes whatever was staged. If it fails, the next Open does it.
func (s *stager) discard() {
	if s.chunks > 0 {
		_ = s.v.deleteStaged(s.id)
	}
}

// UpdateLarge is Update for batches too big for one Badger transaction,
// such as importing a 100,000-line transcript or a 10,000-row roster: all
// of fn's writes are stored, or none, also across a crash at any moment
// (see the comment on prefixImport). Inside fn, reads see the records fn
// has put, but not auxiliary values it has set.
func (v *Vault) UpdateLarge(fn func(tx *Tx) error) error {
	done, err := v.beginWrite()
	if err != nil {
		return err
	}
	defer done()
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	rd := v.db.NewTransaction(false)
	defer rd.Discard()
	s := &stager{v: v, id: id}
	tx := &Tx{v: v, txn: rd, rd: rd, write: true, head: v.head, mine: map[uuid.UUID]*Version{}, stage: s}
	defer tx.closeReads()
	if err := fn(tx); err != nil {
		s.discard()
		return err
	}
	if len(tx.written) == 0 && !tx.dirty {
		s.discard()
		return nil
	}
	if tx.head != v.head {
		if err := tx.setSealed(keyHead, mustJSON(tx.head)); err != nil {
			s.discard()
			return err
		}
	}
	if err := tx.checkTerms(tx.written); err != nil {
		s.discard()
		return err
	}
	if s.chunks == 0 {
		// It fits after all: one transaction, as Update.
		err := v.applyOne(s.ops)
		if err == nil {
			v.committed(tx)
			return nil
		}
		if !errors.Is(err, badger.ErrTxnTooBig) {
			return fmt.Errorf("save: %w", err)
		}
	}
	if err := s.flush(&stageMarker{Records: len(tx.written)}); err != nil {
		s.discard()
		return fmt.Errorf("save: %w; nothing was stored", err)
	}
	// Durable from here on: the marker is committed.
	if err := v.applyStaged(id); err != nil {
		v.unfinished = fmt.Errorf("the last import is saved but could not be finished (%w); close the vault and open it again to finish it", err)
		return v.unfinished
	}
	v.committed(tx)
	return nil
}

// committed makes a committed Tx's state the vault's.
func (v *Vault) committed(tx *Tx) {
	v.head = tx.head
	v.noteCommit(tx.head)
	v.ix.add(tx.written, tx.mine)
}

// applyOne writes ops in one durable transaction.
func (v *Vault) applyOne(ops []op) error {
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	size := 0
	for _, o := range ops {
		size += len(o.key) + len(o.val)
	}
	if err := applyOps(txn, ops); err != nil {
		if errors.Is(err, badger.ErrTxnTooBig) {
			return err
		}
		return classify(err)
	}
	if err := v.checkSpace(size); err != nil {
		return err
	}
	return commitTxn(txn)
}

// commitTxn commits a durable transaction, mapping Badger's errors.
func commitTxn(txn *badger.Txn) error {
	if err := txn.Commit(); err != nil {
		return classify(err)
	}
	return nil
}

// applyStaged applies a committed import's chunks to their real keys, in
// order, then deletes its marker. Chunks already applied (deleted) are
// skipped: applying is idempotent.
func (v *Vault) applyStaged(id uuid.UUID) error {
	var m stageMarker
	err := v.db.View(func(txn *badger.Txn) error {
		b, err := (&Tx{v: v, txn: txn, rd: txn}).getSealed(stageKey(id, markerChunk))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("import %s: commit marker does not decode: %w", id, ErrTampered)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for c := uint32(0); c < m.Chunks; c++ {
		if err := v.applyChunk(id, c); err != nil {
			return err
		}
	}
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	if err := txn.Delete(stageKey(id, markerChunk)); err != nil {
		return classify(err)
	}
	return commitTxn(txn)
}

func (v *Vault) applyChunk(id uuid.UUID, chunk uint32) error {
	k := stageKey(id, chunk)
	var ops []op
	err := v.db.View(func(txn *badger.Txn) error {
		b, err := (&Tx{v: v, txn: txn, rd: txn}).getSealed(k)
		if err != nil {
			return err
		}
		ops, err = decodeOps(b)
		if err != nil {
			return fmt.Errorf("import %s chunk %d: %w", id, chunk, err)
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil // applied before a crash
	}
	if err != nil {
		return err
	}
	ops = append(ops, op{key: k, del: true})
	for len(ops) > 0 {
		txn := v.db.NewTransaction(true)
		n := 0
		for _, o := range ops {
			err := o.apply(txn)
			if errors.Is(err, badger.ErrTxnTooBig) && n > 0 {
				break // commit what fits; the rest goes in the next transaction
			}
			if err != nil {
				txn.Discard()
				return classify(err)
			}
			n++
		}
		size := 0
		for _, o := range ops[:n] {
			size += len(o.key) + len(o.val)
		}
		if err := v.checkSpace(size); err != nil {
			txn.Discard()
			return err
		}
		err := commitTxn(txn)
		txn.Discard()
		if err != nil {
			return err
		}
		ops = ops[n:]
	}
	return nil
}

// deleteStaged removes every key of an uncommitted import, in batches.
func (v *Vault) deleteStaged(id uuid.UUID) error {
	prefix := cat(prefixImport, id[:])
	for {
		var keys [][]byte
		err := v.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < stageChunkOps; it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			return nil
		})
		if err != nil {
			return classify(err)
		}
		if len(keys) == 0 {
			return nil
		}
		txn := v.db.NewTransaction(true)
		for _, k := range keys {
			if err := txn.Delete(k); err != nil {
				txn.Discard()
				return classify(err)
			}
		}
		err = commitTxn(txn)
		txn.Discard()
		if err != nil {
			return err
		}
	}
}

// recoverImports finishes every committed import and removes every
// unfinished one. It runs in Open, before anything reads the records, and
// returns what it did, for the user.
func (v *Vault) recoverImports() ([]string, error) {
	type found struct {
		id        uuid.UUID
		committed bool
	}
	var imports []found
	err := v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixImport})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) != len(prefixImport)+16+4 {
				return fmt.Errorf("staged import key has the wrong size: %w", ErrTampered)
			}
			id, _ := uuid.FromBytes(k[len(prefixImport) : len(prefixImport)+16])
			if len(imports) == 0 || imports[len(imports)-1].id != id {
				imports = append(imports, found{id: id})
			}
			if binary.BigEndian.Uint32(k[len(k)-4:]) == markerChunk {
				imports[len(imports)-1].committed = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, classify(err)
	}
	var notes []string
	for _, im := range imports {
		started := time.Unix(im.id.Time().UnixTime()).Format("2006-01-02 15:04")
		if im.committed {
			if err := v.applyStaged(im.id); err != nil {
				return notes, fmt.Errorf("finish the import begun at %s: %w", started, err)
			}
			notes = append(notes, fmt.Sprintf("the import begun at %s was saved but not finished when the program stopped; it is finished now", started))
			continue
		}
		if err := v.deleteStaged(im.id); err != nil {
			return notes, fmt.Errorf("roll back the unfinished import begun at %s: %w", started, err)
		}
		notes = append(notes, fmt.Sprintf("an import begun at %s did not finish when the program stopped; nothing of it was stored: run it again", started))
	}
	return notes, nil
}

// encodeOps writes ops as: del(1) keylen(uvarint) key vallen(uvarint) val.
func encodeOps(ops []op) []byte {
	n := 0
	for _, o := range ops {
		n += 1 + 2*binary.MaxVarintLen32 + len(o.key) + len(o.val)
	}
	b := make([]byte, 0, n)
	for _, o := range ops {
		if o.del {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(len(o.key)))
		b = append(b, o.key...)
		b = binary.AppendUvarint(b, uint64(len(o.val)))
		b = append(b, o.val...)
	}
	return b
}

func decodeOps(b []byte) ([]op, error) {
	var ops []op
	bad := fmt.Errorf("staged writes do not decode: %w", ErrTampered)
	for len(b) > 0 {
		del := b[0]
		if del > 1 {
			return nil, bad
		}
		b = b[1:]
		var parts [2][]byte
		for i := range parts {
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return nil, bad
			}
			parts[i] = b[n : n+int(l)]
			b = b[n+int(l):]
		}
		o := op{key: parts[0], del: del == 1}
		if !o.del {
			o.val = parts[1]
		}
		ops = append(ops, o)
	}
	return ops, nil
}
