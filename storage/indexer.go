package storage

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// indexSettle is the pause in saves the indexer waits for before indexing
// what they queued, when no search is waiting and fewer than indexQueueMax
// are queued. Each indexer commit writes a few dozen postings per record
// through Badger's one write goroutine (and fsyncs), and a save that
// arrives meanwhile waits behind it: waiting for a pause keeps that work
// out of a burst of saves, so a durable save costs about what a raw Badger
// write does, and notes typed at a human pace are indexed a quarter of a
// second after each. The postings are derived data: a crash before they
// are written leaves the p/ markers, which the next Open indexes, and a
// search does not wait out the settle time.
const indexSettle = 250 * time.Millisecond

// indexGatherMax bounds how long saves that never pause keep the indexer
// waiting; indexQueueMax bounds how many refs it lets gather, so that a
// long burst is indexed in bounded batches.
const (
	indexGatherMax = 2 * time.Second
	indexQueueMax  = 2000
)

// indexer brings the search postings up to date after Update has committed
// the versions, in the background: one goroutine per open vault, owned by
// the Vault, fed with the refs of each committed batch. It lets saves
// gather until they pause for indexSettle, then indexes whatever is queued
// in one Badger transaction (or a few, if too big), so that a run of saves
// costs one indexer commit after them instead of several between them.
//
// It is the only writer of s/ and t/ keys while the vault is open (Open
// indexes leftovers before starting it), but for merges in an Update that
// began while it was idle (search.go), and it does not take wmu or life:
// a save never waits for it. Readers of postings call wait first.
type indexer struct {
	v      *Vault
	wake   chan struct{} // capacity 1: "the queue is not empty"
	urgent chan struct{} // capacity 1: "a reader is waiting: index now"
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has returned

	mu    sync.Mutex
	queue []ref
	// newest holds, for records with refs in the queue, the version their
	// last commit left newest, so that indexing need not read it back; a
	// commit that touched a record without leaving a newest version (a
	// purge, or a merge of an older version) removes its entry.
	newest  map[uuid.UUID]*Version
	queued  uint64        // refs ever queued
	lastAdd time.Time     // when refs were last queued
	indexed uint64        // refs ever taken off the queue and handled
	changed chan struct{} // closed (and replaced) when indexed grows or the loop ends
	ended   bool
	err     error // first indexing failure; its refs keep their p/ markers
}

// startIndexer starts the vault's indexer. openErr is the failure, if any,
// of the indexing Open did first; Search reports it.
func startIndexer(v *Vault, openErr error) *indexer {
	ctx, cancel := context.WithCancel(context.Background())
	ix := &indexer{v: v, wake: make(chan struct{}, 1), urgent: make(chan struct{}, 1), cancel: cancel,
		done: make(chan struct{}), changed: make(chan struct{})}
	if openErr != nil {
		ix.err = fmt.Errorf("search index is incomplete (the next open retries): %w", openErr)
	}
	go ix.run(ctx)
	return ix
}

func (ix *indexer) run(ctx context.Context) {
	defer close(ix.done)
	defer func() {
		ix.mu.Lock()
		ix.ended = true
		close(ix.changed)
		ix.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			// Close: index what is queued now, then end. Refs queued after
			// this keep their p/ markers, which the next Open indexes.
			ix.indexQueued()
			return
		case <-ix.wake:
			ix.gather(ctx)
			ix.indexQueued()
		}
	}
}

// gather returns once the saves have paused for indexSettle, or have kept
// coming for indexGatherMax, or indexQueueMax refs are queued, or a search
// is waiting, or the vault is closing. On a disk with little free space
// left (lowSpaceMark) it waits indexSettle and no longer.
func (ix *indexer) gather(ctx context.Context) {
	deadline := time.Now().Add(indexGatherMax)
	t := time.NewTimer(indexSettle)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-ix.urgent:
			return
		case <-ctx.Done():
			return
		}
		ix.mu.Lock()
		quiet := time.Since(ix.lastAdd)
		ix.mu.Unlock()
		left := time.Until(deadline)
		if quiet >= indexSettle || left <= 0 || ix.v.lowSpace.Load() {
			return
		}
		t.Reset(min(indexSettle-quiet, left))
	}
}

// indexQueued indexes everything queued, in as few transactions as fit.
func (ix *indexer) indexQueued() {
	ix.mu.Lock()
	refs, newest, upto := ix.queue, ix.newest, ix.queued
	ix.queue, ix.newest = nil, nil
	ix.mu.Unlock()
	if len(refs) == 0 {
		return
	}
	err := ix.v.indexRefs(refs, newest)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.indexed = upto
	if err != nil && ix.err == nil {
		ix.err = fmt.Errorf("search index is incomplete (the next open retries): %w", err)
	}
	close(ix.changed)
	ix.changed = make(chan struct{})
}

// add queues committed refs for indexing, with newest, the newest version
// of each record the commit left newest (Tx.mine). Their p/ markers are
// already durable, so a ref queued after the loop ended is not lost.
func (ix *indexer) add(refs []ref, newest map[uuid.UUID]*Version) {
	if len(refs) == 0 {
		return
	}
	ix.mu.Lock()
	if ix.newest == nil {
		ix.newest = make(map[uuid.UUID]*Version, len(refs))
	}
	for _, r := range refs {
		if ver, ok := newest[r.ID]; ok {
			ix.newest[r.ID] = ver
		} else {
			delete(ix.newest, r.ID)
		}
	}
	ix.queue = append(ix.queue, refs...)
	ix.queued += uint64(len(refs))
	ix.lastAdd = time.Now()
	full := len(ix.queue) >= indexQueueMax
	ix.mu.Unlock()
	select {
	case ix.wake <- struct{}{}:
	default: // already awake or about to be
	}
	if full {
		select {
		case ix.urgent <- struct{}{}:
		default:
		}
	}
}

// wait returns when every ref queued before the call has been indexed. It
// returns ErrLocked if the vault closed first, and the indexer's first
// failure, if any.
func (ix *indexer) wait() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	target := ix.queued
	for ix.indexed < target {
		if ix.ended {
			return ErrLocked
		}
		select {
		case ix.urgent <- struct{}{}:
		default:
		}
		ch := ix.changed
		ix.mu.Unlock()
		<-ch
		ix.mu.Lock()
	}
	return ix.err
}

// idle reports whether every ref ever queued has been indexed, its
// commit done: the indexer writes nothing until more are queued.
func (ix *indexer) idle() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.indexed == ix.queued
}

// stop ends the loop after it has indexed what is queued, and waits for it.
func (ix *indexer) stop() {
	ix.cancel()
	<-ix.done
}

// waitIndexed returns when the postings reflect every save that returned
// before the call. Call it before reading s/ or t/ keys.
func (v *Vault) waitIndexed() error {
	if v.ix == nil {
		return ErrLocked
	}
	return v.ix.wait()
}
