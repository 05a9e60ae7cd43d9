package storage

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
)

// A search's candidates are checked two at a time, on two goroutines when
// the process has a second CPU: reading and checking a hit (a seek through
// every level of Badger, unsealing and decoding its version, folding its
// text) and probing the other lookups' postings are most of a search's
// time, and Badger's reads cost what they cost. The hits come out as the
// candidates are ordered, newest first, and stop at the same one as
// checking them one by one: the candidates are taken in windows of about
// as many as are still wanted, checked in parallel, then taken in order;
// a window's checks past the hit that completes the search are wasted,
// never returned. An error is returned only if checking in order would
// have met it.

// checkFunc reads and checks candidate id in tx, one of the search's Txs
// over its snapshot: the hit, or false for a candidate that is no hit.
type checkFunc func(tx *Tx, id uuid.UUID) (Hit, bool, error)

// checkWindow bounds the candidates checked ahead of the ones taken.
const (
	checkWindowMin = 8
	checkWindowMax = 64
)

// checked is what check found for one candidate.
type checked struct {
	hit Hit
	ok  bool
	err error
}

// checker checks candidates in a Tx of its own (latest keeps an iterator
// per Tx) with a probe key buffer of its own.
type checker struct {
	tx     *Tx
	probes [][]string
	check  checkFunc
	key    []byte
}

// run checks ids[i] into out[i] for each i it takes from next, until none
// are left.
func (c *checker) run(ids []uuid.UUID, out []checked, next *atomic.Int32) {
	for {
		i := int(next.Add(1)) - 1
		if i >= len(ids) {
			return
		}
		out[i] = c.one(ids[i])
	}
}

// one probes id in every other lookup, then checks it.
func (c *checker) one(id uuid.UUID) checked {
	for _, terms := range c.probes {
		var ok bool
		var err error
		ok, c.key, err = c.tx.postedUnder(terms, id, c.key)
		if err != nil || !ok {
			return checked{err: err}
		}
	}
	h, ok, err := c.check(c.tx, id)
	return checked{hit: h, ok: ok, err: err}
}

// checkInOrder takes the ids of order, probes each in probes and checks
// it, and calls take with each hit in order until take returns stop.
func (tx *Tx) checkInOrder(order *newest, probes [][]string, want int, check checkFunc, take func(Hit) bool) error {
	main := &checker{tx: tx, probes: probes, check: check}
	var helper *checker
	if runtime.GOMAXPROCS(0) > 1 {
		helper = &checker{tx: &Tx{v: tx.v, txn: tx.txn, rd: tx.rd}, probes: probes, check: check}
		defer helper.tx.closeReads()
	}
	var ids []uuid.UUID
	var out []checked
	taken := 0
	for {
		n := min(max(want-taken, checkWindowMin), checkWindowMax)
		ids = ids[:0]
		for range n {
			id, ok := order.next()
			if !ok {
				break
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return nil
		}
		out = append(out[:0], make([]checked, len(ids))...)
		var next atomic.Int32
		var wg sync.WaitGroup
		if helper != nil && len(ids) > 1 {
			wg.Go(func() { helper.run(ids, out, &next) })
		}
		main.run(ids, out, &next)
		wg.Wait()
		for _, c := range out {
			if c.err != nil {
				return c.err
			}
			if c.ok {
				taken++
				if take(c.hit) {
					return nil
				}
			}
		}
	}
}
