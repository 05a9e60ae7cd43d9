package outbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"courtwatch/sync/wire"
)

// serve starts h on 127.0.0.1 and returns its URL.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// newDelivery is a fixture with a receiver that has enrolled its device.
func newDelivery(t testing.TB) (*fixture, *receiver, *httptest.Server) {
	f := newFixture(t)
	r := newReceiver(t, f.hq)
	r.enroll(f.v.Device().ID.String(), bundleKey(f))
	s := serve(t, r)
	f.install(s.URL)
	return f, r, s
}

func TestUploaderDelivers(t *testing.T) {
	f, r, _ := newDelivery(t)
	f.seal()
	f.notes(f.hearing, 2)
	f.seal()
	f.notes(f.hearing, 1)
	f.seal()
	f.runUploader(HTTPSFunc(fast), quick, 10*time.Second)
	checkDelivered(t, f, r)
	if posts, gets := r.counts(); posts != 3 || gets != 0 {
		t.Errorf("%d uploads and %d receipt lookups for 3 bundles on a good network, want 3 and 0", posts, gets)
	}
}

// HQ is down (nothing listens), the uploader backs off and retries, and
// delivers when HQ comes back, without being told.
func TestUploaderRetriesUntilHQReturns(t *testing.T) {
	f := newFixture(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	f.install("http://" + addr)
	f.seal()

	u := New(f.v, HTTPSFunc(fast), Options{BaseDelay: 5 * time.Millisecond, MaxDelay: 40 * time.Millisecond, Seed: 7})
	statuses := make(chan Status, 1000)
	u.Subscribe(func(s Status) {
		select {
		case statuses <- s:
		default:
		}
	})
	errc := make(chan error, 1)
	go func() { errc <- u.Run(context.Background()) }()
	defer u.Close()

	deadline := time.After(10 * time.Second)
	for e := f.entries()[0]; e.Attempts < 4; e = f.entries()[0] {
		select {
		case <-deadline:
			t.Fatalf("only %d attempts while HQ was down", e.Attempts)
		case <-time.After(10 * time.Millisecond):
		}
	}
	st := u.Status()
	if !st.Offline || st.Pending != 1 || !strings.Contains(st.LastError, "connect") || st.NextAttempt.IsZero() {
		t.Errorf("status while HQ is down: %+v", st)
	}
	if e := f.entries()[0]; (e.State != Sealed && e.State != Uploading) || e.LastError == "" || e.NextAttempt.IsZero() {
		t.Errorf("entry while HQ is down: %+v", e)
	}

	r := newReceiver(t, f.hq)
	r.enroll(f.v.Device().ID.String(), bundleKey(f))
	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	s := httptest.NewUnstartedServer(r)
	s.Listener.Close()
	s.Listener = l
	s.Start()
	defer s.Close()

	for {
		select {
		case st := <-statuses:
			if st.Pending == 0 && !st.Offline && !st.LastDelivered.IsZero() {
				checkDelivered(t, f, r)
				return
			}
		case err := <-errc:
			t.Fatalf("Run returned: %v", err)
		case <-deadline:
			t.Fatalf("not delivered after HQ came back: %+v", u.Status())
		}
	}
}

// The queue is in the vault: a new uploader on the reopened vault resumes.
func TestUploaderResumesAfterRestart(t *testing.T) {
	f, r, s := newDelivery(t)
	down := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fail(w, 503, "maintenance") }))
	f.install(down.URL)
	f.seal()
	f.notes(f.hearing, 1)
	f.seal()
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 503 || len(res.Pending) != 2 {
		t.Fatalf("Deliver while HQ answers 503: %v, %+v", err, res)
	}

	f.install(s.URL)
	f.reopen()
	f.runUploader(HTTPSFunc(fast), quick, 10*time.Second)
	checkDelivered(t, f, r)
	if e := f.entries()[0]; e.Attempts != 2 {
		t.Errorf("bundle 1 took %d attempts, want 2", e.Attempts)
	}
}

// Cancelling Run's context stops it promptly, even in the middle of an
// upload that HQ never answers.
func TestUploaderStopsWithContext(t *testing.T) {
	f := newFixture(t)
	hang := make(chan struct{})
	defer close(hang)
	s := serve(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-req.Context().Done():
		case <-hang:
		}
	}))
	f.install(s.URL)
	f.seal()
	u := New(f.v, HTTPSFunc(HTTPSOptions{ResponseHeaderTimeout: time.Hour}), quick)
	uploading := make(chan struct{}, 1)
	u.Subscribe(func(s Status) {
		if s.Uploading != 0 {
			select {
			case uploading <- struct{}{}:
			default:
			}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- u.Run(ctx) }()
	<-uploading
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run still running 2s after its context was cancelled")
	}
	u.Close() // returns at once after Run ended
	if st := u.Status(); st.Running || st.Uploading != 0 {
		t.Errorf("status after stop: %+v", st)
	}
	if e := f.entries()[0]; e.State != Sealed || e.LastError != "" {
		t.Errorf("entry after an interrupted attempt: %+v", e)
	}
}

// A receipt that does not verify is an error, and the bundle is retried.
func TestBadReceiptIsRetried(t *testing.T) {
	f, r, _ := newDelivery(t)
	f.seal()
	real := r.key
	r.key = newHQKeys(t).receipt // HQ signs with a key the profile does not name
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if !errors.Is(err, wire.ErrBadReceipt) || len(res.Verified) != 0 {
		t.Fatalf("Deliver with a wrongly signed receipt: %v, %+v", err, res)
	}
	if e := f.entries()[0]; e.State != Sealed || !strings.Contains(e.LastError, "receipt") {
		t.Fatalf("entry after a bad receipt: %+v", e)
	}
	// The receiver keeps the badly signed receipt for the stored bundle;
	// once HQ fixes it, the retry verifies.
	r.mu.Lock()
	for seq, s := range r.stored[f.v.Device().ID.String()] {
		s.receipt, _ = wire.SignReceipt(wire.Receipt{Device: f.v.Device().ID.String(), Seq: seq, Hash: s.hash, Received: time.Now()}, real)
	}
	r.key = real
	r.mu.Unlock()
	f.runUploader(HTTPSFunc(fast), quick, 10*time.Second)
	checkDelivered(t, f, r)
}

// A 409 is a fork: the bundle fails for good, and the next ones still go.
// (The first attempt fails, so the second asks for the receipt first, and
// gets the other bundle's.)
func TestForkFails(t *testing.T) {
	f, r, s := newDelivery(t)
	p := newFaultProxy(s.URL, 0)
	p.schedule(1)
	p.rate, p.plan = 0, []fault{err5xx}
	f.install(serve(t, p).URL)
	f.seal()
	f.notes(f.hearing, 1)
	f.seal()
	r.plant(f.v.Device().ID.String(), 1, strings.Repeat("ab", 32))
	if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err == nil {
		t.Fatal("the planned 503 did not fail the first pass")
	}
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Forked) != 1 || len(res.Verified) != 1 {
		t.Fatalf("Deliver with a fork at 1: %v, %+v", err, res)
	}
	e := f.entries()[0]
	if e.State != Failed || !errors.Is(&HTTPError{Status: 409}, ErrFork) || !strings.Contains(e.LastError, "fork") {
		t.Fatalf("forked entry: %+v", e)
	}
	if p, _ := Pending(f.v); len(p) != 0 {
		t.Errorf("a failed bundle is still pending: %+v", p)
	}
	res, err = Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Verified)+len(res.Forked) != 0 {
		t.Errorf("a second pass retried: %v %+v", err, res)
	}
}
