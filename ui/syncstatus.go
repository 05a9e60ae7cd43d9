package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
	"courtwatch/sync/outbox"
)

// syncBar is the delivery part of the status bar: it runs the outbox
// uploader while the vault is unlocked and shows how delivery to HQ stands,
// with a Sync now button. appUI starts it when the vault opens and stops it
// before the vault closes.
type syncBar struct {
	v   *storage.Vault
	win fyne.Window
	now func() time.Time
	br  *bridge // runs Sync now off the UI goroutine and brings events back

	up      *outbox.Uploader // nil without an HQ profile
	cancel  context.CancelFunc
	unsub   func()
	done    chan struct{}  // closed when the uploader's Run has returned
	work    sync.WaitGroup // Sync now jobs under way
	stopped atomic.Bool    // set by stop: late events are dropped

	setup    func()        // opens the Delivery screen; Sync now does without an HQ profile
	watch    deliveryWatch // an open Delivery screen, or nil
	purged   func(n int)   // after records HQ confirmed were deleted (purge on)
	purgedAt time.Time     // the receipt time up to which purging was done

	text     *widget.Label
	progress *widget.ProgressBar
	bar      fyne.CanvasObject // progress at a fixed width; shown while uploading
	syncNow  *widget.Button
	content  fyne.CanvasObject
	say      func() string // the text shown, made again in a new language
	// noProfile: no HQ profile is installed, so the button opens the
	// Delivery screen instead of syncing.
	noProfile bool
}

// setText shows the text f makes, and keeps f for relabel.
func (b *syncBar) setText(f func() string) {
	b.say = f
	b.text.SetText(f())
}

// relabel shows the bar in the language chosen since it was built.
func (b *syncBar) relabel() {
	if b.noProfile {
		b.syncNow.SetText(lang.L("Set up delivery…"))
	} else {
		b.syncNow.SetText(lang.L("Sync now"))
	}
	if b.say != nil {
		b.text.SetText(b.say())
	}
}

// syncNowShortcut is Ctrl+Shift+Y.
var syncNowShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyY, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// newSyncBar builds the widgets and starts delivering to the default HQ
// profile with tf, if there is one. Background events reach the widgets
// through br.
func newSyncBar(v *storage.Vault, win fyne.Window, br *bridge, tf outbox.TransportFunc, opt outbox.Options) *syncBar {
	b := &syncBar{v: v, win: win, now: time.Now, br: br}
	b.text = widget.NewLabel("")
	b.setText(func() string { return lang.L("Checking the outbox…") })
	b.progress = widget.NewProgressBar()
	b.syncNow = widget.NewButtonWithIcon(lang.L("Sync now"), theme.ViewRefreshIcon(), b.doSyncNow)
	b.bar = container.NewGridWrap(fyne.NewSize(160, b.progress.MinSize().Height), b.progress)
	b.bar.Hide()
	b.content = container.NewHBox(b.text, b.bar, b.syncNow)

	_, err := outbox.DefaultProfile(v)
	switch {
	case errors.Is(err, outbox.ErrNoProfile):
		b.noProfile = true
		b.setText(func() string { return lang.L("Delivery to HQ is not set up") })
		b.syncNow.SetText(lang.L("Set up delivery…"))
		b.syncNow.SetIcon(theme.SettingsIcon())
		return b
	case err != nil:
		b.setText(func() string {
			return lang.L("The HQ profile could not be read: {{.Err}}", map[string]any{"Err": err.Error()})
		})
		b.syncNow.Disable()
		return b
	}
	b.up = outbox.New(v, tf, opt)
	b.unsub = b.up.Subscribe(b.show)
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	go func() {
		defer close(b.done)
		if err := b.up.Run(ctx); err != nil && !errors.Is(err, storage.ErrLocked) {
			b.br.do(func() {
				if !b.stopped.Load() {
					b.setText(func() string {
						return lang.L("Delivery stopped: {{.Err}}. Lock and unlock the vault to try again.", map[string]any{"Err": err.Error()})
					})
				}
			})
		}
	}()
	return b
}

// show is the one way the uploader's status reaches the widgets: it hands
// the status to the UI goroutine through the app's bridge.
func (b *syncBar) show(s outbox.Status) {
	b.br.do(func() {
		if !b.stopped.Load() {
			b.render(s)
		}
	})
}

// render shows s; on the UI goroutine only.
func (b *syncBar) render(s outbox.Status) {
	b.setText(func() string { return syncText(s, b.now()) })
	if s.Uploading != 0 && s.Total > 0 {
		b.progress.SetValue(float64(s.Sent) / float64(s.Total))
		b.bar.Show()
	} else {
		b.bar.Hide()
	}
	if b.watch != nil {
		b.watch.statusChanged(s)
	}
	b.afterReceipt(s)
}

// syncText says how delivery stands, in plain words.
func syncText(s outbox.Status, now time.Time) string {
	switch {
	case s.Uploading != 0:
		pct := 0
		if s.Total > 0 {
			pct = int(s.Sent * 100 / s.Total)
		}
		return lang.L("Uploading bundle {{.Seq}}: {{.Percent}}%", map[string]any{"Seq": s.Uploading, "Percent": pct})
	case s.Failed > 0:
		return lang.L("HQ already holds other records under {{.Count}} bundle number(s). Delivery is stuck: call HQ.", map[string]any{"Count": s.Failed})
	case s.Offline && !s.NextAttempt.IsZero():
		return lang.L("Offline — {{.Count}} pending, next try in {{.Wait}}", map[string]any{"Count": s.Pending, "Wait": waitText(s.NextAttempt.Sub(now))})
	case s.Offline:
		return lang.L("Offline — {{.Count}} pending", map[string]any{"Count": s.Pending})
	case s.LastError != "":
		return lang.L("HQ did not take the last upload ({{.Err}}) — {{.Count}} pending", map[string]any{"Err": s.LastError, "Count": s.Pending})
	case s.Pending > 0:
		return lang.L("{{.Count}} pending", map[string]any{"Count": s.Pending})
	case s.LastDelivered.IsZero():
		return lang.L("All delivered")
	}
	at := s.LastDelivered.Local()
	when := at.Format("15:04")
	if y, m, d := at.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		when = formatDayMonth(at, laptopZone()) + " " + when
	}
	return lang.L("All delivered · last at {{.Time}}", map[string]any{"Time": when})
}

// waitText is a wait rounded up to seconds under a minute, else to minutes.
func waitText(d time.Duration) string {
	if d < time.Minute {
		return lang.L("{{.N}} s", map[string]any{"N": max(int((d+time.Second-1)/time.Second), 1)})
	}
	return lang.L("{{.N}} min", map[string]any{"N": int((d + time.Minute - 1) / time.Minute)})
}

// doSyncNow seals what is new into bundles and wakes the uploader, off the
// UI goroutine; a failure is shown in a dialog.
func (b *syncBar) doSyncNow() {
	if b.up == nil && b.setup != nil && !b.stopped.Load() {
		b.setup() // first run: how to set delivery up
		return
	}
	if b.up == nil || b.stopped.Load() {
		return
	}
	b.work.Add(1)
	b.br.spawn(func() {
		defer b.work.Done()
		sealed, err := outbox.SealAll(b.v)
		if err != nil {
			b.br.do(func() {
				if !b.stopped.Load() {
					if b.watch != nil {
						b.watch.syncFeedback(lang.L("The new records could not be sealed for HQ"))
					}
					dialog.ShowError(fmt.Errorf("%s: %v. %s", lang.L("The new records could not be sealed for HQ"), err,
						lang.L("Nothing is lost: they stay in the vault. Check the HQ profile on the Delivery screen (Ctrl+Shift+D) and try again.")), b.win)
				}
			})
			return
		}
		pending, _ := outbox.Pending(b.v)
		b.br.do(func() {
			if !b.stopped.Load() {
				b.synced(sealed, len(pending))
			}
		})
		if len(pending) > 0 {
			b.up.SyncNow()
		}
	})
}

// stop stops the uploader and waits for it and any Sync now job to end; the
// vault can be closed after it. On the UI goroutine only.
func (b *syncBar) stop() {
	if b == nil || b.stopped.Swap(true) {
		return
	}
	b.work.Wait()
	if b.up == nil {
		return
	}
	b.unsub()
	b.cancel()
	b.up.Close()
	<-b.done
}
