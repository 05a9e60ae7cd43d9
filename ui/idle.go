package ui

import (
	"context"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
)

// defaultIdleLock is how long the vault stays open with no input.
const defaultIdleLock = 5 * time.Minute

// touch records input from the user, which postpones the idle lock.
func (u *appUI) touch() {
	u.lastActive = u.now()
	u.released = 0
}

// releaseAfter is how long the app rests before it hands the memory it no
// longer uses back to the system: the Go runtime would keep up to twice
// the live heap, and an app left open all day should not hold what a
// report preview or a search needed once. It does so again after
// releaseAgain, once Fyne has dropped what it cached for the screens left
// (it keeps them a minute).
const (
	releaseAfter = 20 * time.Second
	redrawAfter  = 65 * time.Second
	releaseAgain = 90 * time.Second
)

// redraw draws the window once more. Fyne lets go of the widgets and
// textures of the screens left (kept a minute in its caches) only when it
// draws the window, and a window at rest is not drawn: without this, an
// app left on the hearing screen kept every screen visited before it, in
// the Go heap and in the OpenGL driver's textures. Drawn redrawAfter into
// the rest, once they have expired; Fyne's cache clean-up follows within
// 10 s, before the release at releaseAgain.
func (u *appUI) redraw() {
	if c := u.win.Content(); c != nil {
		u.win.Canvas().Refresh(c)
	}
}

// settleAfter is how long after a new screen is shown that the memory
// the old one used is handed back, rather than after releaseAfter of
// rest: right after unlocking, the start-up's garbage was up to 20 MB
// (tools/measure).
const settleAfter = 3 * time.Second

// settle hands unused memory back settleAfter from now (or from a later
// call): a new screen leaves the old one's widgets as garbage.
func (u *appUI) settle() {
	if u.settling != nil {
		u.settling.Stop()
	}
	u.settling = time.AfterFunc(settleAfter, release)
}

// release hands the memory the app no longer uses back to the system: the
// Go heap's, and the C heap's (where the OpenGL driver's buffers were).
func release() {
	debug.FreeOSMemory()
	trimCHeap()
}

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
	rest := u.now().Sub(u.lastActive)
	switch {
	case u.released == 0 && rest >= releaseAfter, u.released == 2 && rest >= releaseAgain:
		u.released++
		release()
	case u.released == 1 && rest >= redrawAfter:
		u.released++
		u.redraw()
	}
	if u.idle <= 0 {
		return
	}
	if rest >= u.idle {
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
				u.do(u.checkIdle)
			}
		}
	}()
	return func() { <-done }
}
