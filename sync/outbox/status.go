package outbox

import (
	"time"

	"courtwatch/storage"
)

// Status is a snapshot of the uploader, for a status bar.
type Status struct {
	Running bool // Run is delivering or waiting
	Offline bool // the last attempt could not reach HQ at all
	Pending int  // bundles HQ has not confirmed yet (sealed, uploading or only in a folder)
	Failed  int  // bundles HQ refused as a fork; a person must look at them

	Uploading uint64 // the bundle being sent, 0 when none
	Sent      int64  // bytes of it sent so far
	Total     int64  // its size

	LastDelivered time.Time // when HQ's last receipt was verified
	LastError     string    // why the last attempt failed; "" after a success
	NextAttempt   time.Time // when the uploader tries again; zero when it waits for SyncNow
}

// Status returns the uploader's current status.
func (u *Uploader) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.status
}

// Subscribe calls fn with the new status whenever it changes, until the
// returned function is called. fn may be called from the uploader's
// goroutines and must not block (the GUI hands it to fyne.Do).
func (u *Uploader) Subscribe(fn func(Status)) (cancel func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	id := u.nextSub
	u.nextSub++
	u.subs[id] = fn
	return func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		delete(u.subs, id)
	}
}

// update changes the status under the lock and tells the subscribers.
func (u *Uploader) update(change func(s *Status) bool) {
	u.mu.Lock()
	if !change(&u.status) {
		u.mu.Unlock()
		return
	}
	s := u.status
	subs := make([]func(Status), 0, len(u.subs))
	for _, fn := range u.subs {
		subs = append(subs, fn)
	}
	u.mu.Unlock()
	for _, fn := range subs {
		fn(s)
	}
}

// loadStatus reads what the vault knows: pending and failed bundles and
// the last receipt.
func (u *Uploader) loadStatus() error {
	var c cursor
	err := u.v.View(func(tx *storage.Tx) (err error) {
		c, err = loadCursor(tx)
		return err
	})
	if err != nil {
		return err
	}
	pending, err := Pending(u.v)
	if err != nil {
		return err
	}
	u.update(func(s *Status) bool {
		*s = Status{Running: true, Pending: len(pending), Failed: c.Failed, LastDelivered: c.LastReceipt}
		return true
	})
	return nil
}

func (u *Uploader) started(e *Entry) {
	u.update(func(s *Status) bool {
		s.Uploading, s.Sent, s.Total = e.Seq, 0, e.Size
		return true
	})
}

// progressed reports bytes sent, to subscribers at most once per percent.
func (u *Uploader) progressed(e *Entry, sent, total int64) {
	u.update(func(s *Status) bool {
		if s.Uploading != e.Seq || total <= 0 {
			return false
		}
		step := s.Sent*100/total != sent*100/total
		s.Sent, s.Total = sent, total
		return step
	})
}

func (u *Uploader) finished(e *Entry, err error) {
	u.update(func(s *Status) bool {
		s.Uploading, s.Sent, s.Total = 0, 0, 0
		if e != nil && e.State == ReceiptVerified {
			s.LastDelivered = e.DeliveredAt
		}
		if e != nil && e.State == Failed {
			s.Failed++
		}
		s.Offline = isOffline(err)
		s.LastError = ""
		if err != nil {
			s.LastError = err.Error()
		}
		return true
	})
}

// refresh counts the pending bundles after a pass, and records when the
// next one comes.
func (u *Uploader) refresh(err error, delay time.Duration) error {
	pending, perr := Pending(u.v)
	u.update(func(s *Status) bool {
		if perr == nil {
			s.Pending = len(pending)
		}
		if err == nil {
			s.Offline, s.LastError = false, ""
		} else {
			s.Offline, s.LastError = isOffline(err), err.Error()
		}
		s.NextAttempt = time.Time{}
		if delay > 0 {
			s.NextAttempt = time.Now().Add(delay)
		}
		return true
	})
	return perr
}
