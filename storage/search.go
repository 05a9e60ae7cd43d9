package storage

import (
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
// It is derived data, written after the versions. Update commits the
// versions with a p/ marker each and hands their refs to the vault's
// indexer (indexer.go), which writes the postings in the background, a
// queue's worth per transaction, and deletes the markers in the same
// commit. Search first waits until everything queued before it has been
// indexed, so it sees every save that returned before it was called. A
// crash or a Close with refs still queued leaves their markers, which the
// next Open indexes before returning.
//
// Merges of other devices' versions (HQ's import) are the exception: when
// the indexer has nothing queued or in progress as an Update begins, a
// merge in it writes the postings of the version it leaves newest in the
// same transaction (Tx.postMerged, with the indexer's termOps) and no
// marker, so a large import leaves no backlog. Only commits under wmu
// (Update, UpdateLarge) queue work for the indexer, and Update holds it: an
// indexer idle when the Tx begins writes nothing until the Tx has committed.
//
// Otherwise the indexer is the only writer of s/ and t/ while the vault is
// open (Purge, too, leaves a marker rather than deleting postings itself),
// so postings never race with each other. They can race with a newer version:
// indexRefs reads each ref's marker inside its write transaction, so that a
// Purge committed meanwhile (which deletes the markers) makes the commit
// fail with a conflict and the batch is redone from the new state; an edit
// or Delete committed meanwhile has a marker of its own, queued behind, and
// is indexed from the record's newest version, which it always re-reads.
var prefixTerms = []byte("t/")

func termsKey(id uuid.UUID) []byte { return cat(prefixTerms, id[:]) }

// indexRefs brings the postings of the records behind refs up to date and
// clears their pending markers. A ref whose marker is gone (indexed
// already, or purged) is skipped. newest, which may be nil, holds the
// version of a record that its last commit left newest (see
// indexedVersion).
func (v *Vault) indexRefs(refs []ref, newest map[uuid.UUID]*Version) error {
	for len(refs) > 0 {
		n, err := v.indexBatch(refs, newest)
		if errors.Is(err, badger.ErrConflict) {
			continue // a purge committed meanwhile: redo from the new state
		}
		if err != nil && len(refs) > 1 {
			// A record that cannot be indexed (a tampered version or terms
			// list) must not hold back the others: index them one by one.
			// The ones that fail keep their markers.
			var first error
			for _, r := range refs {
				if err := v.indexRefs([]ref{r}, newest); err != nil && first == nil {
					first = err
				}
			}
			return first
		}
		if err != nil {
			return classify(err)
		}
		refs = refs[n:]
	}
	return nil
}

// indexBatch indexes as many of refs as fit in one transaction, commits,
// and returns how many that was.
func (v *Vault) indexBatch(refs []ref, newest map[uuid.UUID]*Version) (int, error) {
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	// Records are read through a read-only snapshot taken after txn began
	// (iterating a write transaction makes Badger sort its pending writes
	// each time); a purge committed in between is still a conflict for
	// txn, which read the purged markers.
	rd := v.db.NewTransaction(false)
	defer rd.Discard()
	tx := &Tx{v: v, txn: txn, rd: rd}
	defer tx.closeReads()
	// Stop short of Badger's limits on one transaction, reckoned as it
	// does, rather than fill a transaction in vain and redo it smaller.
	var count, size int64
	maxCount, maxSize := v.db.MaxBatchCount()*9/10, v.db.MaxBatchSize()*9/10
	seen := map[uuid.UUID]bool{}
	for i, r := range refs {
		_, err := txn.Get(r.pendingKey())
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		var ops []op
		first := !seen[r.ID]
		if first {
			if ops, err = v.postingOps(tx, r.ID, newest[r.ID]); err != nil {
				return 0, err
			}
		}
		ops = append(ops, op{key: r.pendingKey(), del: true})
		c, s := opsCost(ops)
		if i > 0 && (count+c > maxCount || size+s > maxSize) {
			return v.commitIndex(txn, i)
		}
		count, size = count+c, size+s
		seen[r.ID] = true
		err = applyOps(txn, ops)
		if errors.Is(err, badger.ErrTxnTooBig) && i > 0 {
			// Redo the refs that fitted alone, so that no record is left
			// half posted.
			tx.closeReads()
			txn.Discard()
			rd.Discard()
			return v.indexBatch(refs[:i], newest)
		}
		if err != nil {
			return 0, err
		}
	}
	return v.commitIndex(txn, len(refs))
}

// commitIndex commits an indexing transaction that handled n refs.
func (v *Vault) commitIndex(txn *badger.Txn, n int) (int, error) {
	if v.testHookIndexCommit != nil {
		v.testHookIndexCommit()
	}
	return n, txn.Commit()
}

// opsCost is what ops count against Badger's limits on one transaction:
// entries, and bytes as Badger reckons them (key, value, two bytes of
// metadata and ten of version), an upper bound for values it keeps in its
// value log.
func opsCost(ops []op) (count, size int64) {
	for _, o := range ops {
		size += int64(len(o.key)+len(o.val)) + 12
	}
	return int64(len(ops)), size
}

// checkTerms authenticates the search-terms list of each record in refs,
// reading the committed state: a tampered index fails the save, as it did
// when the postings were written in the save's own transaction, rather than
// failing later in the background. A record the Tx created has none yet.
func (tx *Tx) checkTerms(refs []ref) error {
	rd := &Tx{v: tx.v, txn: tx.rd, rd: tx.rd}
	seen := map[uuid.UUID]bool{}
	for _, r := range refs {
		if seen[r.ID] || tx.fresh[r.ID] {
			continue
		}
		seen[r.ID] = true
		if _, err := rd.getSealed(termsKey(r.ID)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

type op struct {
	key, val []byte
	del      bool
}

// apply sets or deletes o's key in txn.
func (o op) apply(txn *badger.Txn) error {
	if o.del {
		return txn.Delete(o.key)
	}
	return txn.Set(o.key, o.val)
}

func applyOps(txn *badger.Txn, ops []op) error {
	for _, o := range ops {
		if err := o.apply(txn); err != nil {
			return err
		}
	}
	return nil
}

// postingOps computes the writes that make id's postings match its newest
// version (none if it is deleted, purged or not searchable).
func (v *Vault) postingOps(tx *Tx, id uuid.UUID, hint *Version) ([]op, error) {
	var want []string
	ver, err := tx.indexedVersion(id, hint)
	switch {
	case errors.Is(err, ErrNotFound): // purged
	case err != nil:
		return nil, err
	case !ver.Deleted:
		r, err := newRecord(ver.Type)
		if err != nil {
			return nil, err
		}
		if err := decodeInto(ver, r); err != nil {
			return nil, err
		}
		want = termsOf(r)
	}
	return v.termOps(tx, id, want)
}

// termsOf is the search terms of a live record's text, or none if its type
// is not searched.
func termsOf(r Record) []string {
	if s, ok := r.(searchable); ok {
		return fulltext.Terms(s.searchText())
	}
	return nil
}

// termOps computes the writes that make id's postings and terms list
// those of want (none: no postings, no terms list), from the terms list
// stored for id as tx's write transaction sees it (its own writes
// included). Reading that list through the write transaction makes a
// commit fail with a conflict if another writer changed it meanwhile.
func (v *Vault) termOps(tx *Tx, id uuid.UUID, want []string) ([]op, error) {
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

// indexedVersion returns the version of id to index: hint, the version
// that id's last commit left newest, while it is still stored (a purge
// deletes it), else the newest version stored. A version newer than hint
// committed since has a marker of its own, indexed after this one.
func (tx *Tx) indexedVersion(id uuid.UUID, hint *Version) (*Version, error) {
	if hint != nil {
		_, err := tx.rd.Get(hint.ref().versionKey())
		if err == nil {
			tx.v.notePostings(id, false)
			return hint, nil
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return nil, classify(err)
		}
	}
	tx.v.notePostings(id, true)
	return tx.latest(id)
}

func (v *Vault) notePostings(id uuid.UUID, readBack bool) {
	if v.testHookPostings != nil {
		v.testHookPostings(id, readBack)
	}
}

// indexPending indexes every version left with a p/ marker by a crash or by
// a Close that came before the indexer got to them. Open calls it before
// starting the indexer; a failure does not stop Open (the records are
// there, only search is incomplete): Search reports it.
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
	return v.indexRefs(refs, nil)
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
//
// Search sees every save that returned before it was called: it first waits
// for the background indexer to index what was queued (usually nothing, or
// one small batch already in progress).
func (v *Vault) Search(query string, limit int) ([]Hit, error) {
	q := fulltext.ParseQuery(query)
	if q.Empty() {
		return nil, errors.New("search: the query has no words to look for")
	}
	if limit <= 0 {
		limit = 50
	}
	if err := v.waitIndexed(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var hits []Hit
	err := v.View(func(tx *Tx) error {
		return tx.candidates(q.Lookups(), func(id uuid.UUID) (bool, error) {
			ver, err := tx.Current(id)
			if errors.Is(err, ErrNotFound) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			r, err := newRecord(ver.Type)
			if err != nil {
				return false, err
			}
			if err := decodeInto(ver, r); err != nil {
				return false, err
			}
			s, ok := r.(searchable)
			if !ok {
				return false, nil
			}
			snippet, ok := q.Hit(s.searchText())
			if !ok {
				return false, nil // stale or forged posting: the record is the truth
			}
			if hits == nil {
				hits = make([]Hit, 0, min(limit, 16))
			}
			hits = append(hits, Hit{ID: id, Kind: ver.Type, Snippet: snippet, Record: r})
			return len(hits) == limit, nil
		})
	})
	return hits, err
}

// postings returns the ids posted under l, restricted to within when it is
// not nil.
func (tx *Tx) postings(l fulltext.Lookup, within map[uuid.UUID]bool) (map[uuid.UUID]bool, error) {
	prefix := lookupPrefix(l)
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	return postingsIn(it, prefix, within), nil
}

// postingsIn is postings with it, an iterator over prefix.
func postingsIn(it *badger.Iterator, prefix []byte, within map[uuid.UUID]bool) map[uuid.UUID]bool {
	out := map[uuid.UUID]bool{}
	for it.Rewind(); it.Valid(); it.Next() {
		id, ok := postingID(it.Item().Key(), prefix)
		if ok && (within == nil || within[id]) {
			out[id] = true
		}
	}
	return out
}
