package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// defaultIdleLock is how long the vault stays open with no input.
const defaultIdleLock = 5 * time.Minute

// touch records input from the user, which postpones the idle lock.
func (u *appUI) touch() { u.lastActive = u.now() }

// checkIdle keeps a half-typed note in the vault if it changed, and locks
// the vault once nobody has typed or tapped for u.idle. Locking keeps the
// note too (see lock).
func (u *appUI) checkIdle() {
	if u.vault == nil {
		return
	}
	if u.hearing != nil {
		if err := u.hearing.keepDraft(); err != nil {
			fyne.LogError("the half-typed note could not be kept in the vault; it is still in the field", err)
		}
	}
	if u.idle <= 0 {
		return
	}
	if u.now().Sub(u.lastActive) >= u.idle {
		u.lock()
	}
}

// watchIdle runs checkIdle on the UI goroutine every interval until ctx is
// done. The returned function waits for the watcher to end.
func (u *appUI) watchIdle(ctx context.Context, every time.Duration) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(u.checkIdle)
			}
		}
	}()
	return func() { <-done }
}
