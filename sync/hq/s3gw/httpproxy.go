package s3gw

import (
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Rule chooses the fault of one request from its method (GET, HEAD, PUT,
// …) and path (/BUCKET/KEY).
type Rule func(method, path string) Fault

// HTTPProxy is an HTTP proxy on loopback in front of a server that
// injects a fault per request, as its Rule says: a store that fails only
// HEAD, only GET of some keys, or loses the answer to a PUT that it
// carried out. It keeps the client's Host header, which the request's
// signature covers.
type HTTPProxy struct {
	URL    string
	target *url.URL
	tr     *http.Transport

	mu    sync.Mutex
	rule  Rule
	delay time.Duration
	stats map[Fault]int
}

// NewHTTPProxy starts a proxy to target (http://host:port) that passes
// every request until Set says otherwise, and stops it when the test ends.
func NewHTTPProxy(t testing.TB, target string) *HTTPProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &HTTPProxy{target: u, tr: &http.Transport{}, stats: map[Fault]int{}}
	s := httptest.NewServer(p)
	p.URL = s.URL
	t.Cleanup(func() { s.CloseClientConnections(); s.Close(); p.tr.CloseIdleConnections() })
	return p
}

// Set makes later requests meet the faults that rule gives (nil: pass
// all); delay is the wait of Delay.
func (p *HTTPProxy) Set(rule Rule, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rule, p.delay = rule, delay
}

// Stats returns how many requests met each fault.
func (p *HTTPProxy) Stats() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.stats)
}

func (p *HTTPProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	fault, delay := Pass, p.delay
	if p.rule != nil {
		fault = p.rule(r.Method, r.URL.Path)
	}
	p.stats[fault]++
	p.mu.Unlock()
	switch fault {
	case Drop:
		hangUp(w)
		return
	case Unavailable:
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case RaceConflict:
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>ConditionalRequestConflict</Code><Message>A conflicting conditional operation is currently in progress against this resource. Please try again.</Message></Error>`)
		return
	case Delay:
		time.Sleep(delay)
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
	out.Host = r.Host
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		hangUp(w)
		return
	}
	defer resp.Body.Close()
	if fault == LoseAnswer {
		io.Copy(io.Discard, resp.Body)
		hangUp(w)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// hangUp resets the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	c, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
