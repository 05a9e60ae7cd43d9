package storage

import (
	"bytes"
	"errors"
	"slices"
	"sync"

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
// then taken newest first (a term's postings are in id order, so the
// scan's runs of ids are merged from their ends as they are taken, not
// sorted: a common prefix posts most records), and each is probed in the other lookups with a
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
		scans[i] = postingScan{prefix: p, it: tx.txn.NewIterator(badger.IteratorOptions{Prefix: p}), ids: getIDs()}
		defer scans[i].it.Close()
	}
	defer func() {
		for _, s := range scans {
			putIDs(s.ids)
		}
	}()
	rare := rarest(scans)
	if len(scans[rare].ids) == 0 {
		return nil
	}
	order := newNewest(scans[rare].ids, scans[rare].runs)
	var probes [][]string // per other lookup: its terms to probe
	for i, l := range lookups {
		if i == rare {
			continue
		}
		terms, ok := lookupTerms(l, &scans[i], order.len())
		if ok {
			probes = append(probes, terms)
			continue
		}
		ids := order.all()
		within := make(map[uuid.UUID]bool, len(ids))
		for _, id := range ids {
			within[id] = true
		}
		in := postingsIn(scans[i].it, scans[i].prefix, within)
		ids = slices.DeleteFunc(ids, func(id uuid.UUID) bool { return !in[id] })
		if len(ids) == 0 {
			return nil
		}
		slices.Reverse(ids)
		order = newNewest(ids, nil)
	}
	var key []byte // probe key, reused
next:
	for {
		id, ok := order.next()
		if !ok {
			return nil
		}
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
// them, the ids rarest read, and where in ids each ascending run of them
// begins.
type postingScan struct {
	prefix []byte
	it     *badger.Iterator
	ids    []uuid.UUID
	runs   []int
	first  []byte // the first posting key read, if any
}

// rarest scans the postings of every lookup side by side until one ends,
// and returns its index; its ids are then all in its scan's ids, in
// ascending runs (one or more per term: a term's postings are in id
// order), without an id repeated next to itself; an id may still be in
// several runs when a prefix covers several terms of one record.
func rarest(scans []postingScan) int {
	for i := range scans {
		scans[i].it.Rewind()
		if scans[i].it.Valid() {
			scans[i].first = scans[i].it.Item().KeyCopy(nil)
		}
	}
	for {
		for i := range scans {
			s := &scans[i]
			if !s.it.Valid() {
				return i
			}
			if id, ok := postingID(s.it.Item().Key(), s.prefix); ok {
				s.add(id)
			}
			s.it.Next()
		}
	}
}

// add appends id to s's ids, starting a new run unless it is larger than
// the last one.
func (s *postingScan) add(id uuid.UUID) {
	if n := len(s.ids); n > 0 {
		switch c := bytes.Compare(id[:], s.ids[n-1][:]); {
		case c == 0:
			return
		case c < 0:
			s.runs = append(s.runs, n)
		}
	} else {
		s.runs = append(s.runs, 0)
	}
	s.ids = append(s.ids, id)
}

// newest yields ids newest first and each once, merging the ascending
// runs of ids that start at runs (nil: one run) from their ends, so that
// a search that stops at its limit orders only what it takes.
type newest struct {
	ids        []uuid.UUID
	start, end []int // per run: its first index and one past the next to yield
	last       uuid.UUID
	yielded    bool
	count      int // at most this many left to yield
}

// newestMaxRuns bounds the runs merged; ids in more runs are sorted.
const newestMaxRuns = 32

func newNewest(ids []uuid.UUID, runs []int) *newest {
	if len(runs) > newestMaxRuns {
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		ids = slices.Compact(ids)
		runs = nil
	}
	if len(runs) == 0 {
		runs = []int{0}
	}
	o := &newest{ids: ids, count: len(ids)}
	for i, r := range runs {
		e := len(ids)
		if i+1 < len(runs) {
			e = runs[i+1]
		}
		o.start, o.end = append(o.start, r), append(o.end, e)
	}
	return o
}

// len is at least the number of ids left to yield.
func (o *newest) len() int { return o.count }

// next returns the newest id not yet yielded.
func (o *newest) next() (uuid.UUID, bool) {
	for {
		best := -1
		for r := range o.start {
			if o.end[r] > o.start[r] && (best < 0 || bytes.Compare(o.ids[o.end[r]-1][:], o.ids[o.end[best]-1][:]) > 0) {
				best = r
			}
		}
		if best < 0 {
			return uuid.Nil, false
		}
		o.end[best]--
		o.count--
		id := o.ids[o.end[best]]
		if o.yielded && id == o.last {
			continue // the same record under another term
		}
		o.last, o.yielded = id, true
		return id, true
	}
}

// all returns the ids left to yield, newest first, in a new slice.
func (o *newest) all() []uuid.UUID {
	out := make([]uuid.UUID, 0, o.count)
	for id, ok := o.next(); ok; id, ok = o.next() {
		out = append(out, id)
	}
	return out
}

// idBufs holds the scans' id buffers between searches: a common prefix
// posts most records, and a buffer grown afresh for each search was most of
// what a search allocated.
var idBufs sync.Pool

func getIDs() []uuid.UUID {
	if p, ok := idBufs.Get().(*[]uuid.UUID); ok {
		return (*p)[:0]
	}
	return nil
}

func putIDs(ids []uuid.UUID) {
	if cap(ids) > 0 {
		idBufs.Put(&ids)
	}
}

// lookupTerms returns the distinct terms posted under l, if there are few
// enough to probe n candidates in each of them. s is l's scan: its
// iterator moves on from the first term, which rarest read.
func lookupTerms(l fulltext.Lookup, s *postingScan, n int) ([]string, bool) {
	if !l.Prefix {
		return []string{l.Term}, n <= probeMaxReads
	}
	it := s.it
	var terms []string
	if term, ok := postingTerm(s.first); ok {
		terms = append(terms, term)
		if n > probeMaxReads {
			return nil, false
		}
		it.Seek(cat(prefixSearch, []byte(term), []byte{1})) // the next term
	} else {
		it.Rewind()
	}
	for it.Valid() {
		term, ok := postingTerm(it.Item().Key())
		if !ok {
			it.Next() // not a posting key: skip it, as postings does
			continue
		}
		terms = append(terms, term)
		if len(terms) > probeMaxTerms || n*len(terms) > probeMaxReads {
			return nil, false
		}
		it.Seek(cat(prefixSearch, []byte(term), []byte{1})) // the next term
	}
	return terms, true
}

// postingTerm returns the term of posting key k.
func postingTerm(k []byte) (string, bool) {
	if len(k) < len(prefixSearch)+17 || k[len(k)-17] != 0 {
		return "", false
	}
	return string(k[len(prefixSearch) : len(k)-17]), true
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
