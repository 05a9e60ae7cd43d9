package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"courtwatch/storage/fulltext"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// The search index lives inside the encrypted store like everything else:
//
//	s/<term>\0<id:16>   posting (empty value)
//	t/<id:16>           sealed list of the terms currently posted for id
//
// It is derived data. Update adds the postings to the transaction that
// writes the versions when they fit; when a batch is too big for that, the
// versions are committed first and indexed right after, and the p/ markers
// written with them say what still needs indexing, which Open finishes
// after a crash.
var prefixTerms = []byte("t/")

func termsKey(id uuid.UUID) []byte { return cat(prefixTerms, id[:]) }

// indexRefs brings the postings of the records behind refs up to date and
// clears their pending markers.
func (v *Vault) indexRefs(refs []ref) error {
	txn := v.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	// Reads go through a read-only snapshot: iterating a write transaction
	// makes Badger sort its pending writes each time.
	rd := v.db.NewTransaction(false)
	defer rd.Discard()
	reader := &Tx{v: v, txn: rd, rd: rd}
	seen := map[uuid.UUID]bool{}
	for _, r := range refs {
		var ops []op
		if !seen[r.ID] {
			seen[r.ID] = true
			var err error
			if ops, err = v.postingOps(reader, r.ID); err != nil {
				return err
			}
		}
		ops = append(ops, op{key: r.pendingKey(), del: true})
		err := applyOps(txn, ops)
		if errors.Is(err, badger.ErrTxnTooBig) {
			if err := txn.Commit(); err != nil {
				return classify(err)
			}
			txn = v.db.NewTransaction(true)
			err = applyOps(txn, ops)
		}
		if err != nil {
			return classify(err)
		}
	}
	return classify(txn.Commit())
}

// indexInline adds the postings of refs to tx itself, as far as Badger's
// transaction limit allows, and returns the refs that did not fit; those
// keep their p/ markers.
func (tx *Tx) indexInline(refs []ref) ([]ref, error) {
	seen := map[uuid.UUID]bool{}
	for i, r := range refs {
		var ops []op
		if !seen[r.ID] {
			seen[r.ID] = true
			var err error
			if ops, err = tx.v.postingOps(tx, r.ID); err != nil {
				return nil, err
			}
		}
		ops = append(ops, op{key: r.pendingKey(), del: true})
		if err := applyOps(tx.txn, ops); err != nil {
			if errors.Is(err, badger.ErrTxnTooBig) {
				return refs[i:], nil
			}
			return nil, classify(err)
		}
	}
	return nil, nil
}

type op struct {
	key, val []byte
	del      bool
}

func applyOps(txn *badger.Txn, ops []op) error {
	for _, o := range ops {
		var err error
		if o.del {
			err = txn.Delete(o.key)
		} else {
			err = txn.Set(o.key, o.val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// postingOps computes the writes that make id's postings match its newest
// version (none if it is deleted or not searchable).
func (v *Vault) postingOps(tx *Tx, id uuid.UUID) ([]op, error) {
	var want []string
	ver, err := tx.latest(id)
	if err != nil {
		return nil, err
	}
	if !ver.Deleted {
		r, err := newRecord(ver.Type)
		if err != nil {
			return nil, err
		}
		if err := decodeInto(ver, r); err != nil {
			return nil, err
		}
		if s, ok := r.(searchable); ok {
			want = fulltext.Terms(s.searchText())
		}
	}
	var have []string
	b, err := tx.getSealed(termsKey(id))
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &have); err != nil {
			return nil, fmt.Errorf("search terms of %s do not decode: %w", id, ErrTampered)
		}
	}
	var ops []op
	for _, t := range have {
		if !slices.Contains(want, t) {
			ops = append(ops, op{key: searchKey(t, id), del: true})
		}
	}
	for _, t := range want {
		if !slices.Contains(have, t) {
			ops = append(ops, op{key: searchKey(t, id)})
		}
	}
	if len(want) == 0 {
		if have != nil {
			ops = append(ops, op{key: termsKey(id), del: true})
		}
		return ops, nil
	}
	sealed, err := v.seal(termsKey(id), mustJSON(want))
	if err != nil {
		return nil, err
	}
	return append(ops, op{key: termsKey(id), val: sealed}), nil
}

// indexPending indexes every version left with a p/ marker.
func (v *Vault) indexPending() error {
	var refs []ref
	err := v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixPending})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if r, ok := refFromVersionKey(it.Item().Key()); ok {
				refs = append(refs, r)
			}
		}
		return nil
	})
	if err != nil || len(refs) == 0 {
		return classify(err)
	}
	v.wmu.Lock()
	defer v.wmu.Unlock()
	return v.indexRefs(refs)
}

// Hit is one search result.
type Hit struct {
	ID      uuid.UUID `json:"id"`
	Kind    string    `json:"type"`
	Snippet string    `json:"snippet"`
	Record  Record    `json:"record"`
}

// Search finds live records whose text matches query: notes, names and
// aliases of persons, cases, events and attachment names. Latin words match
// word prefixes, ignoring case and diacritics; Khmer matches anywhere inside
// a Khmer run. Newest records come first; at most limit hits (0: 50).
func (v *Vault) Search(query string, limit int) ([]Hit, error) {
	q := fulltext.ParseQuery(query)
	if q.Empty() {
		return nil, errors.New("search: the query has no words to look for")
	}
	if limit <= 0 {
		limit = 50
	}
	var hits []Hit
	err := v.View(func(tx *Tx) error {
		var cand map[uuid.UUID]bool
		for _, l := range q.Lookups() {
			ids, err := tx.postings(l, cand)
			if err != nil {
				return err
			}
			cand = ids
			if len(cand) == 0 {
				return nil
			}
		}
		ids := make([]uuid.UUID, 0, len(cand))
		for id := range cand {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(b[:], a[:]) })
		for _, id := range ids {
			ver, err := tx.Current(id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			r, err := newRecord(ver.Type)
			if err != nil {
				return err
			}
			if err := decodeInto(ver, r); err != nil {
				return err
			}
			s, ok := r.(searchable)
			if !ok || !q.Match(s.searchText()) {
				continue // stale or forged posting: the record is the truth
			}
			hits = append(hits, Hit{ID: id, Kind: ver.Type, Snippet: q.Snippet(s.searchText()), Record: r})
			if len(hits) == limit {
				return nil
			}
		}
		return nil
	})
	return hits, err
}

// postings returns the ids posted under l, restricted to within when it is
// not nil.
func (tx *Tx) postings(l fulltext.Lookup, within map[uuid.UUID]bool) (map[uuid.UUID]bool, error) {
	prefix := cat(prefixSearch, []byte(l.Term))
	if !l.Prefix {
		prefix = append(prefix, 0)
	}
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	out := map[uuid.UUID]bool{}
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) < len(prefix)+16 {
			continue
		}
		id, _ := uuid.FromBytes(k[len(k)-16:])
		if within == nil || within[id] {
			out[id] = true
		}
	}
	return out, nil
}
