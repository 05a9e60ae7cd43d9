package ui

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// bridge is the one way background work reaches the widgets: do runs a
// function on the UI goroutine (fyne.Do), spawn runs slow work off it.
// The sync bar, the unlock screen, the idle watcher, search and export all
// go through the app's bridge; tests swap post and spawn to run work
// inline or at a moment they choose.
//
// It also carries the one "the vault changed" notice. A screen that shows
// vault data subscribes with onVaultChange and re-reads itself when told;
// whatever stores a record that other screens show calls vaultChanged,
// instead of reloading those screens by hand.
type bridge struct {
	// post hands f to the UI goroutine: fyne.Do when nil.
	post func(func())
	// spawn runs f off the UI goroutine: a new goroutine by default.
	spawn func(func())

	watchers []watcher
}

// watcher is a screen's subscription to the vault-changed notice.
type watcher struct {
	key     string
	refresh func()
}

func newBridge() bridge { return bridge{spawn: func(f func()) { go f() }} }

// do runs f on the UI goroutine. Safe from any goroutine.
func (b *bridge) do(f func()) {
	if b.post != nil {
		b.post(f)
		return
	}
	fyne.Do(f)
}

// background runs work off the UI goroutine, then done on it. Called on
// the UI goroutine. When work is over before spawn returns (a test's spawn
// runs it inline), done runs here and now, on the caller's goroutine;
// otherwise it is posted through do.
func (b *bridge) background(work, done func()) {
	var state atomic.Int32 // 0 spawn running, 1 spawn returned, 2 work over first
	b.spawn(func() {
		work()
		if !state.CompareAndSwap(0, 2) {
			b.do(done)
		}
	})
	if !state.CompareAndSwap(0, 1) {
		done()
	}
}

// onVaultChange subscribes refresh to the vault-changed notice under key,
// one per screen: a screen built afresh takes the place of the one before
// it. On the UI goroutine only.
func (b *bridge) onVaultChange(key string, refresh func()) {
	for i, w := range b.watchers {
		if w.key == key {
			b.watchers[i].refresh = refresh
			return
		}
	}
	b.watchers = append(b.watchers, watcher{key, refresh})
}

// forget ends the subscription under key, e.g. when a dialog closes.
func (b *bridge) forget(key string) {
	for i, w := range b.watchers {
		if w.key == key {
			b.watchers = append(b.watchers[:i], b.watchers[i+1:]...)
			return
		}
	}
}

// forgetAll ends every subscription: the vault is locked and the screens
// that showed it are gone.
func (b *bridge) forgetAll() { b.watchers = nil }

// vaultChanged tells every subscribed screen, in the order they subscribed,
// that the vault changed. On the UI goroutine only; from background work,
// call it through do.
func (b *bridge) vaultChanged() {
	for _, w := range append([]watcher(nil), b.watchers...) {
		w.refresh()
	}
}
