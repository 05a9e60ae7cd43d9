package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"
)

// Result is what one delivery pass did.
type Result struct {
	Verified  []Entry // HQ's receipt verified
	Delivered []Entry // written to a folder
	Forked    []Entry // HQ holds other bytes under their seq: marked failed
	// Pending are the bundles still unsettled after the pass; LastError
	// says why, or Skipped when the pass could not try them.
	Pending []Entry
	Skipped map[uint64]string // seq -> why the pass did not try it
}

// Deliver makes one pass over the pending bundles, oldest first, sending
// each with the transport tf makes for the bundle's HQ profile. It stops at
// the first bundle that fails (HQ is probably unreachable, and bundles
// should reach HQ in order), except that a fork, or a bundle the receiver
// refuses as too large (ErrTooLarge), does not stop it. The
// error is that failure. progress, if not nil, is called as bytes go out,
// possibly from another goroutine.
func Deliver(ctx context.Context, v *storage.Vault, tf TransportFunc, progress func(e *Entry, sent, total int64)) (*Result, error) {
	d := newDeliverer(v, tf)
	defer d.close()
	return d.pass(ctx, hooks{progress: progress})
}

type hooks struct {
	start    func(e *Entry)
	progress func(e *Entry, sent, total int64)
	done     func(e *Entry, err error)
	retryAt  func() time.Time // when a failed bundle will be tried again
	// skipRefused skips the bundles that the receiver refused as too
	// large (Entry.RefusedBy), as the background uploader does.
	skipRefused bool
}

// deliverer delivers the outbox, keeping one transport per HQ profile.
type deliverer struct {
	v          *storage.Vault
	tf         TransportFunc
	transports map[string]cached
}

type cached struct {
	p hqprofile.Profile
	t Transport
	s *sessionCache // the TLS sessions of an HTTPS transport, else nil
}

func newDeliverer(v *storage.Vault, tf TransportFunc) *deliverer {
	return &deliverer{v: v, tf: tf, transports: map[string]cached{}}
}

// transport returns the transport for profile name, made anew when the
// profile changed (hq add with the same name).
func (d *deliverer) transport(name string) (Transport, hqprofile.Profile, error) {
	p, err := Profile(d.v, name)
	if err != nil {
		return nil, p, err
	}
	if c, ok := d.transports[name]; ok && profileEqual(c.p, p) {
		return c.t, p, nil
	}
	t, err := d.tf(p)
	if err != nil {
		return nil, p, err
	}
	if c, ok := d.transports[name]; ok {
		closeIdle(c.t)
	}
	var s *sessionCache
	if h, ok := t.(*HTTPS); ok {
		s = loadSessions(d.v, p)
		h.resumeWith(s)
	}
	d.transports[name] = cached{p, t, s}
	return t, p, nil
}

func profileEqual(a, b hqprofile.Profile) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func closeIdle(t Transport) {
	if c, ok := t.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (d *deliverer) close() {
	for _, c := range d.transports {
		closeIdle(c.t)
	}
}

func (d *deliverer) pass(ctx context.Context, h hooks) (*Result, error) {
	pending, err := Pending(d.v)
	if err != nil {
		return nil, err
	}
	res := &Result{Skipped: map[uint64]string{}}
	var stop error
	for i := range pending {
		e := &pending[i]
		if stop != nil || ctx.Err() != nil {
			res.Pending = append(res.Pending, *e)
			continue
		}
		t, p, err := d.transport(e.Profile)
		if err != nil {
			res.Skipped[e.Seq] = err.Error()
			res.Pending = append(res.Pending, *e)
			continue
		}
		if h.skipRefused && e.RefusedBy != "" && e.RefusedBy == t.String() {
			res.Skipped[e.Seq] = e.LastError
			res.Pending = append(res.Pending, *e)
			continue
		}
		if h.start != nil {
			h.start(e)
		}
		got, err := d.attempt(ctx, t, p, e.Seq, h)
		if h.done != nil {
			h.done(got, err)
		}
		switch {
		case got == nil:
			return res, err
		case got.State == ReceiptVerified:
			res.Verified = append(res.Verified, *got)
		case got.State == Failed:
			res.Forked = append(res.Forked, *got)
		case got.State == Delivered && err == nil:
			res.Delivered = append(res.Delivered, *got)
			res.Pending = append(res.Pending, *got)
		default:
			res.Pending = append(res.Pending, *got)
		}
		if err != nil && !errors.Is(err, ErrFork) && !errors.Is(err, ErrTooLarge) {
			stop = err
		}
	}
	if stop == nil {
		stop = ctx.Err()
	}
	return res, stop
}

// attempt delivers bundle seq once through t and records the outcome.
func (d *deliverer) attempt(ctx context.Context, t Transport, p hqprofile.Profile, seq uint64, h hooks) (*Entry, error) {
	var e *Entry
	err := d.v.Update(func(tx *storage.Tx) (err error) {
		if e, err = loadEntry(tx, seq); err != nil || e.State.Settled() {
			return err
		}
		e.State = Uploading
		e.Attempts++
		return setJSON(tx, entryKey(seq), e)
	})
	if err != nil || e.State.Settled() {
		return e, err
	}
	_, data, sig, err := Bundle(d.v, seq)
	var r *wire.SignedReceipt
	if err == nil {
		var fn func(sent, total int64)
		if h.progress != nil {
			fn = func(sent, total int64) { h.progress(e, sent, total) }
		}
		r, err = t.Deliver(ctx, e, data, sig, fn)
	}
	var rc wire.Receipt
	if err == nil && r != nil {
		rc, err = verifyReceipt(p, r, e)
	}
	if err != nil {
		err = fmt.Errorf("bundle %d to %s: %w", seq, t, err)
	}
	stopped := err != nil && ctx.Err() != nil
	var out *Entry
	uerr := d.v.Update(func(tx *storage.Tx) error {
		cur, lerr := loadEntry(tx, seq)
		if lerr != nil {
			return lerr
		}
		from := cur.State
		record(cur, t, err, r, rc, stopped)
		if !cur.State.Settled() && err != nil && h.retryAt != nil {
			cur.NextAttempt = h.retryAt().UTC().Truncate(time.Second)
		}
		out = cur
		if c := d.transports[p.Name]; c.s != nil && c.t == t {
			// The receiver may have sent a new session ticket.
			if err := c.s.save(tx, p.Name); err != nil {
				return err
			}
		}
		return saveEntry(tx, cur, from)
	})
	if uerr != nil {
		return nil, errors.Join(err, uerr)
	}
	return out, err
}

// record applies the outcome of an attempt to e; it never undoes a settled
// state that another attempt reached meanwhile.
func record(e *Entry, t Transport, err error, r *wire.SignedReceipt, rc wire.Receipt, stopped bool) {
	now := time.Now().UTC().Truncate(time.Second)
	prior := Sealed
	if !e.DeliveredAt.IsZero() {
		prior = Delivered
	}
	switch {
	case e.State.Settled():
	case err == nil && r != nil:
		e.State, e.Receipt, e.Received, e.RefusedBy = ReceiptVerified, r, rc.Received, ""
		e.DeliveredTo, e.DeliveredAt, e.LastError, e.NextAttempt = t.String(), now, "", time.Time{}
	case err == nil:
		e.State, e.DeliveredTo, e.DeliveredAt, e.LastError = Delivered, t.String(), now, ""
	case errors.Is(err, ErrFork):
		e.State, e.LastError = Failed, err.Error()+"; this is a fork of the device's history, which retrying cannot fix: keep this vault as it is and tell HQ"
	case errors.Is(err, ErrTooLarge):
		e.State, e.RefusedBy = prior, t.String()
		e.LastError = fmt.Sprintf("%v; sending it again to the same receiver cannot work: carry it to HQ on a USB stick with \"courtwatch export --to DIR\" (HQ imports it from there), or ask HQ to raise the receiver's limit (courtwatch-hq serve --max-body-mib) and then run \"courtwatch sync\"", err)
	case stopped:
		e.State = prior
	default:
		e.State, e.LastError = prior, err.Error()
	}
}

// verifyReceipt checks r with the receipt key of HQ profile p and that it
// covers exactly bundle e.
func verifyReceipt(p hqprofile.Profile, r *wire.SignedReceipt, e *Entry) (wire.Receipt, error) {
	pub, err := p.ReceiptPublicKey()
	if err != nil {
		return wire.Receipt{}, err
	}
	return r.Verify(pub, e.Device, e.Seq, e.Hash)
}
