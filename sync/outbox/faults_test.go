package outbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fault is what the fault proxy does to one request.
type fault int

const (
	pass        fault = iota
	dropBefore        // close the connection before HQ sees the request
	dropAfter         // HQ handles it, the answer is lost (connection closed)
	resetAfter        // HQ handles it, the connection is reset (RST)
	duplicate         // HQ gets the request twice
	delay             // held up to 20 ms: requests overtake each other
	truncReq          // HQ gets half the bundle
	truncResp         // the answer is cut off halfway
	err5xx            // 503 without reaching HQ
	err5xxAfter       // HQ handles it, the client gets 500
	timeout           // no answer until the client gave up; then HQ gets it, late
	nFaults
)

var faultNames = [nFaults]string{"pass", "drop before", "drop after", "reset", "duplicate", "delay",
	"truncated request", "truncated answer", "503", "500 after", "timeout"}

// faultProxy sits between the uploader and the receiver and damages
// requests by a seeded random schedule.
type faultProxy struct {
	target   string
	client   *http.Client
	stall    time.Duration // how long a timeout fault holds the answer
	inflight sync.WaitGroup

	mu   sync.Mutex
	rng  *rand.Rand
	rate float64 // share of requests that get a fault
	plan []fault // faults for the next requests, before the random ones
	hist [nFaults]int
}

func newFaultProxy(target string, stall time.Duration) *faultProxy {
	return &faultProxy{target: target, stall: stall, client: &http.Client{Transport: &http.Transport{}}}
}

// schedule starts the schedule of seed.
func (p *faultProxy) schedule(seed uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rng = rand.New(rand.NewPCG(seed, 0xfa017))
	p.rate = 0.2 + 0.6*p.rng.Float64()
}

func (p *faultProxy) pick() (fault, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := pass
	switch {
	case len(p.plan) > 0:
		f, p.plan = p.plan[0], p.plan[1:]
	case p.rng.Float64() < p.rate:
		f = fault(1 + p.rng.IntN(int(nFaults)-1))
	}
	p.hist[f]++
	return f, time.Duration(p.rng.Int64N(int64(20 * time.Millisecond)))
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.inflight.Add(1)
	defer p.inflight.Done()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	f, d := p.pick()
	switch f {
	case dropBefore:
		kill(w, false)
		return
	case err5xx:
		fail(w, http.StatusServiceUnavailable, "HQ is restarting")
		return
	case delay:
		time.Sleep(d)
	case timeout:
		time.Sleep(p.stall)
	case truncReq:
		body = body[:len(body)/2]
	}
	status, hdr, answer, err := p.forward(r, body)
	if err == nil && f == duplicate {
		status, hdr, answer, err = p.forward(r, body)
	}
	if err != nil {
		fail(w, http.StatusBadGateway, "%v", err)
		return
	}
	switch f {
	case dropAfter:
		kill(w, false)
		return
	case resetAfter:
		kill(w, true)
		return
	case err5xxAfter:
		fail(w, http.StatusInternalServerError, "storage hiccup")
		return
	case truncResp:
		w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
		w.WriteHeader(status)
		w.Write(answer[:len(answer)/2])
		return
	}
	w.Header().Set("Content-Type", hdr.Get("Content-Type"))
	w.WriteHeader(status)
	w.Write(answer)
}

func (p *faultProxy) forward(r *http.Request, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(r.Method, p.target+r.URL.Path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// kill closes the client's connection without an answer; with rst, with a
// TCP reset.
func kill(w http.ResponseWriter, rst bool) {
	c, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tc, ok := c.(*net.TCPConn); ok && rst {
		tc.SetLinger(0)
	}
	c.Close()
}

// faultOpts time out quickly: the stall of a timeout fault is twice the
// response header timeout.
var faultOpts = HTTPSOptions{DialTimeout: time.Second, TLSHandshakeTimeout: time.Second, ResponseHeaderTimeout: 80 * time.Millisecond}

// When HQ stored a bundle but its answer was lost, the next attempt asks
// for the receipt instead of uploading the bundle again. (A request that
// times out reaches HQ only after the receipt lookup found nothing, so that
// bundle is uploaded again, and HQ takes it as a duplicate.)
func TestLostAnswer(t *testing.T) {
	for _, tc := range []struct {
		f     fault
		posts int
	}{{dropAfter, 1}, {resetAfter, 1}, {truncResp, 1}, {timeout, 2}} {
		f := tc.f
		t.Run(faultNames[f], func(t *testing.T) {
			fx := newFixture(t)
			r := newReceiver(t, fx.hq)
			r.enroll(fx.v.Device().ID.String(), bundleKey(fx))
			p := newFaultProxy(serve(t, r).URL, 2*faultOpts.ResponseHeaderTimeout)
			p.schedule(1)
			p.rate, p.plan = 0, []fault{f}
			fx.install(serve(t, p).URL)
			fx.seal()
			fx.runUploader(HTTPSFunc(faultOpts), quick, 10*time.Second)
			p.inflight.Wait()
			checkDelivered(t, fx, r)
			if posts, gets := r.counts(); posts != tc.posts || gets != 1 {
				t.Errorf("%d uploads and %d receipt lookups, want %d and 1", posts, gets, tc.posts)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	runFaultSchedules(t, 1000)
}

func TestSoakFaults(t *testing.T) {
	if os.Getenv("COURTWATCH_SOAK") != "1" {
		t.Skip("set COURTWATCH_SOAK=1 to run 20,000 fault schedules")
	}
	runFaultSchedules(t, 20_000)
}

// runFaultSchedules runs n schedules on a few workers, each with its own
// vault, receiver and fault proxy, reused from schedule to schedule. Each
// schedule seals a bundle, sometimes stops an uploader half way (like a
// laptop shut in court) and leaves the rest to the next schedule, and
// otherwise runs a fresh uploader until the outbox is settled and checks
// that the receiver holds exactly the outbox's bundles, each with a
// verified receipt.
func runFaultSchedules(t *testing.T, n int) {
	const workers = 8 // most of a schedule's time is waiting
	errs := make(chan error, workers)
	var total [nFaults]int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		f := newFixture(t)
		r := newReceiver(t, f.hq)
		r.enroll(f.v.Device().ID.String(), bundleKey(f))
		hq := serve(t, r)
		p := newFaultProxy(hq.URL, 2*faultOpts.ResponseHeaderTimeout)
		f.install(serve(t, p).URL)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := runSchedule(f, r, p, uint64(i)); err != nil {
					errs <- fmt.Errorf("schedule %d: %w", i, err)
					return
				}
			}
			if err := settle(f, r, p, quick); err != nil {
				errs <- fmt.Errorf("after the last schedule: %w", err)
				return
			}
			if err := compareDelivered(f, r); err != nil {
				errs <- fmt.Errorf("in the end: %w", err)
				return
			}
			p.client.CloseIdleConnections()
			mu.Lock()
			for i, c := range p.hist {
				total[i] += c
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var b bytes.Buffer
	for i, c := range total {
		fmt.Fprintf(&b, " %s=%d", faultNames[i], c)
	}
	t.Logf("%d schedules, requests:%s", n, b.String())
}

func runSchedule(f *fixture, r *receiver, p *faultProxy, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 7))
	p.schedule(seed)
	if err := f.v.Put(noteAt(f.hearing, int(seed))); err != nil {
		return err
	}
	if _, err := Seal(f.v); err != nil {
		return err
	}
	opt := Options{BaseDelay: time.Millisecond, MaxDelay: 8 * time.Millisecond, Seed: seed + 1}
	if rng.IntN(4) == 0 { // the laptop is shut half way
		u := New(f.v, HTTPSFunc(faultOpts), opt)
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(15))*time.Millisecond)
		err := u.Run(ctx)
		cancel()
		if err != nil || rng.IntN(2) == 0 {
			return err // and the next schedule starts with two bundles or more
		}
	}
	return settle(f, r, p, opt)
}

// settle runs a fresh uploader until the outbox is settled and compares it
// with the receiver.
func settle(f *fixture, r *receiver, p *faultProxy, opt Options) error {
	if err := runUntilSettled(f.v, HTTPSFunc(faultOpts), opt, 30*time.Second); err != nil {
		return err
	}
	p.inflight.Wait() // late requests of timed-out attempts reach HQ too
	return compareNew(f, r)
}
