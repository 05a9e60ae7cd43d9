package storage

import (
	"bytes"
	"errors"
	"slices"

	"courtwatch/storage/fulltext"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// How Search finds its candidates: the ids posted under every lookup of
// the query, newest first.
//
// Intersecting whole posting sets costs the size of the largest: a common
// word is posted for most notes. Instead the lookups' postings are scanned
// side by side, one key each in turn, until one of them ends: that one is
// the rarest, found at the cost of a few times its own size. Its ids are
// then taken newest first, and each is probed in the other lookups with a
// point read per term (a lookup's distinct terms are found by seeking from
// one term to the next); the caller stops as soon as it has enough hits. A
// lookup with too many distinct terms to probe cheaply (a one-letter
// prefix), or probes that would outnumber a scan, is scanned as before,
// restricted to the rare set. The candidates and their order are the same
// as intersecting every set first.

const (
	probeMaxTerms = 16     // a lookup with more distinct terms is scanned, not probed
	probeMaxReads = 50_000 // candidates × terms above which a lookup is scanned
)

// candidates calls fn with each id posted under every one of lookups,
// newest (largest UUIDv7) first, until fn returns stop or an error.
func (tx *Tx) candidates(lookups []fulltext.Lookup, fn func(id uuid.UUID) (stop bool, err error)) error {
	if len(lookups) == 0 {
		return nil
	}
	// One iterator per lookup serves the whole search: the side-by-side
	// scan, then the lookup's terms or its restricted scan.
	scans := make([]postingScan, len(lookups))
	for i, l := range lookups {
		p := lookupPrefix(l)
		scans[i] = postingScan{prefix: p, it: tx.txn.NewIterator(badger.IteratorOptions{Prefix: p})}
		defer scans[i].it.Close()
	}
	rare := rarest(scans)
	ids := scans[rare].ids
	if len(ids) == 0 {
		return nil
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(b[:], a[:]) })
	ids = slices.Compact(ids)
	var probes [][]string // per other lookup: its terms to probe
	for i, l := range lookups {
		if i == rare {
			continue
		}
		terms, ok := lookupTerms(l, scans[i].it, len(ids))
		if ok {
			probes = append(probes, terms)
			continue
		}
		within := make(map[uuid.UUID]bool, len(ids))
		for _, id := range ids {
			within[id] = true
		}
		in := postingsIn(scans[i].it, scans[i].prefix, within)
		ids = slices.DeleteFunc(ids, func(id uuid.UUID) bool { return !in[id] })
		if len(ids) == 0 {
			return nil
		}
	}
	var key []byte // probe key, reused
next:
	for _, id := range ids {
		for _, terms := range probes {
			var ok bool
			var err error
			ok, key, err = tx.postedUnder(terms, id, key)
			if err != nil {
				return err
			}
			if !ok {
				continue next
			}
		}
		stop, err := fn(id)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// lookupPrefix is the key prefix of l's postings.
func lookupPrefix(l fulltext.Lookup) []byte {
	prefix := cat(prefixSearch, []byte(l.Term))
	if !l.Prefix {
		prefix = append(prefix, 0)
	}
	return prefix
}

// postingID returns the id at the end of a posting key under prefix.
func postingID(k, prefix []byte) (uuid.UUID, bool) {
	if len(k) < len(prefix)+16 {
		return uuid.Nil, false
	}
	id, _ := uuid.FromBytes(k[len(k)-16:])
	return id, true
}

// postingScan is one lookup's postings: its key prefix, an iterator over
// them, and the ids rarest read.
type postingScan struct {
	prefix []byte
	it     *badger.Iterator
	ids    []uuid.UUID
}

// rarest scans the postings of every lookup side by side until one ends,
// and returns its index; its ids are then all in its scan's ids (not
// sorted, possibly repeated when a prefix covers several terms of one
// record).
func rarest(scans []postingScan) int {
	for i := range scans {
		scans[i].it.Rewind()
	}
	for {
		for i := range scans {
			s := &scans[i]
			if !s.it.Valid() {
				return i
			}
			if id, ok := postingID(s.it.Item().Key(), s.prefix); ok {
				s.ids = append(s.ids, id)
			}
			s.it.Next()
		}
	}
}

// lookupTerms returns the distinct terms posted under l, if there are few
// enough to probe n candidates in each of them. it iterates over l's
// postings.
func lookupTerms(l fulltext.Lookup, it *badger.Iterator, n int) ([]string, bool) {
	if !l.Prefix {
		return []string{l.Term}, n <= probeMaxReads
	}
	var terms []string
	for it.Rewind(); it.Valid(); {
		k := it.Item().Key()
		if len(k) < len(prefixSearch)+17 || k[len(k)-17] != 0 {
			it.Next() // not a posting key: skip it, as postings does
			continue
		}
		term := string(k[len(prefixSearch) : len(k)-17])
		terms = append(terms, term)
		if len(terms) > probeMaxTerms || n*len(terms) > probeMaxReads {
			return nil, false
		}
		it.Seek(cat(prefixSearch, []byte(term), []byte{1})) // the next term
	}
	return terms, true
}

// postedUnder reports whether id is posted under any of terms, with a
// point read each. key is a buffer for the posting keys, returned for
// reuse.
func (tx *Tx) postedUnder(terms []string, id uuid.UUID, key []byte) (bool, []byte, error) {
	for _, t := range terms {
		key = appendSearchKey(key[:0], t, id)
		_, err := tx.txn.Get(key)
		if err == nil {
			return true, key, nil
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return false, key, classify(err)
		}
	}
	return false, key, nil
}
