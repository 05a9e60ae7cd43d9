package outbox

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/wire"
)

// Options tune an Uploader. The zero value suits real use.
type Options struct {
	// BaseDelay is the wait after the first failed attempt (default 1s);
	// each further failure doubles it, up to MaxDelay (default 5 min). Each
	// wait is drawn at random from its upper half, so that many monitors
	// coming back online do not all call HQ at once.
	BaseDelay, MaxDelay time.Duration
	// Seed seeds the jitter; 0 picks a random seed.
	Seed uint64
}

// Uploader delivers the outbox in the background: every pending bundle in
// sequence order, retrying with exponential backoff while HQ is
// unreachable, from wherever the vault says it stopped. The caller owns its
// loop: it runs Run, and Close (or cancelling Run's context) stops it.
type Uploader struct {
	v    *storage.Vault
	d    *deliverer
	opt  Options
	rng  *rand.Rand
	wake chan struct{}

	mu      sync.Mutex
	status  Status
	subs    map[int]func(Status)
	nextSub int
	cancel  context.CancelFunc
	done    chan struct{} // closed when Run returns; nil before Run
	closed  bool          // Close was called: Run returns at once
}

// New makes an uploader for v that makes its transports with tf (usually
// HTTPSFunc). It does nothing until Run.
func New(v *storage.Vault, tf TransportFunc, opt Options) *Uploader {
	if opt.BaseDelay <= 0 {
		opt.BaseDelay = time.Second
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = 5 * time.Minute
	}
	seed := opt.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Uploader{
		v: v, d: newDeliverer(v, tf), opt: opt,
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		wake: make(chan struct{}, 1),
		subs: map[int]func(Status){},
	}
}

// ErrRunning: Run was called while the uploader was running.
var ErrRunning = errors.New("the uploader is already running")

// Run delivers until ctx is cancelled or Close is called, and returns nil
// then. It returns an error only if the vault is closed under it or Run is
// already running. After Close, Run returns at once.
func (u *Uploader) Run(ctx context.Context) error {
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return nil
	}
	if u.done != nil {
		select {
		case <-u.done:
		default:
			u.mu.Unlock()
			return ErrRunning
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	u.cancel, u.done = cancel, done
	u.mu.Unlock()
	defer func() {
		cancel()
		u.d.close()
		u.update(func(s *Status) bool { s.Running, s.Uploading, s.NextAttempt = false, 0, time.Time{}; return true })
		close(done)
	}()

	if err := u.loadStatus(); err != nil {
		return err
	}
	failures := 0
	for {
		var delay time.Duration
		_, err := u.d.pass(ctx, hooks{
			start:    u.started,
			progress: u.progressed,
			done:     u.finished,
			retryAt:  func() time.Time { delay = u.backoff(failures + 1); return time.Now().Add(delay) },

			skipRefused: true,
		})
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, storage.ErrLocked):
			return err
		case err != nil:
			failures++
			if delay == 0 { // the pass failed before an attempt
				delay = u.backoff(failures)
			}
		default:
			failures = 0
		}
		if err := u.refresh(err, delay); errors.Is(err, storage.ErrLocked) {
			return err
		}
		if !u.wait(ctx, delay) {
			return nil
		}
	}
}

// wait waits for delay (forever if 0) or SyncNow; false when ctx ends.
func (u *Uploader) wait(ctx context.Context, delay time.Duration) bool {
	var timer <-chan time.Time
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-u.wake:
	case <-timer:
	}
	return true
}

// Close stops Run and waits for it to return; a Run that has not started
// yet will not start.
func (u *Uploader) Close() {
	u.mu.Lock()
	u.closed = true
	cancel, done := u.cancel, u.done
	u.mu.Unlock()
	if done == nil {
		return
	}
	cancel()
	<-done
}

// SyncNow makes Run try the pending bundles at once, without waiting out
// its backoff. Call it after sealing a bundle.
func (u *Uploader) SyncNow() {
	select {
	case u.wake <- struct{}{}:
	default:
	}
}

// backoff is the wait after the n-th failure in a row.
func (u *Uploader) backoff(n int) time.Duration {
	d := u.opt.BaseDelay
	for i := 1; i < n && d < u.opt.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, u.opt.MaxDelay)
	half := d / 2
	return half + time.Duration(u.rng.Int64N(int64(d-half)+1))
}

// isOffline reports whether err means HQ could not be reached at all, as
// opposed to HQ answering with an error.
func isOffline(err error) bool {
	var he *HTTPError
	return err != nil && !errors.As(err, &he) && !errors.Is(err, wire.ErrBadReceipt) &&
		!errors.Is(err, ErrFork) && !errors.Is(err, ErrNoURL) && !errors.Is(err, ErrNoProfile)
}
