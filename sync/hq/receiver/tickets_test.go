package receiver

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
)

// ticketCache is a client's session cache that keeps every session it was
// given, in order.
type ticketCache struct {
	mu   sync.Mutex
	cur  *tls.ClientSessionState
	seen []*tls.ClientSessionState
}

func (c *ticketCache) Get(string) (*tls.ClientSessionState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur, c.cur != nil
}

func (c *ticketCache) Put(_ string, cs *tls.ClientSessionState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = cs
	if cs != nil {
		c.seen = append(c.seen, cs)
	}
}

func (c *ticketCache) set(cs *tls.ClientSessionState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = cs
}

func (c *ticketCache) last(t *testing.T) (*tls.ClientSessionState, []byte) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) == 0 {
		t.Fatal("the receiver gave no session ticket")
	}
	cs := c.seen[len(c.seen)-1]
	ticket, _, err := cs.ResumptionState()
	if err != nil {
		t.Fatal(err)
	}
	return cs, ticket
}

// resumed makes a health check over a new TLS 1.3 connection to addr,
// with the sessions of cache, and reports whether it resumed one.
func resumed(t *testing.T, addr string, cache tls.ClientSessionCache) bool {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true, // only the tickets matter here
			ServerName:         "hq", // the cache's key, the same for every receiver
			MinVersion:         tls.VersionTLS13,
			ClientSessionCache: cache,
		},
	}}
	resp, err := c.Get("https://" + addr + wire.HealthPath)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %s", resp.Status)
	}
	return resp.TLS.DidResume
}

// Serve gives out 16-byte session tickets, each resuming once; a ticket it
// did not give out (Go's own format, another receiver's, one from before
// a restart) gets a full handshake, and the connection works.
func TestServeSessionTickets(t *testing.T) {
	dir := hqtest.NewHQ(t)
	addr, _ := serve(t, Config{HQDir: dir}, "127.0.0.1:0")
	cache := new(ticketCache)
	if resumed(t, addr, cache) {
		t.Fatal("the first connection resumed a session")
	}
	first, t1 := cache.last(t)
	if len(t1) != ticketIDLen {
		t.Errorf("session ticket of %d bytes, want %d", len(t1), ticketIDLen)
	}
	if !resumed(t, addr, cache) {
		t.Fatal("the second connection did not resume the session")
	}
	_, t2 := cache.last(t)
	if len(t2) != ticketIDLen || bytes.Equal(t1, t2) {
		t.Errorf("the resumed connection's ticket is %x, want 16 new bytes (the first was %x)", t2, t1)
	}

	cache.set(first)
	if resumed(t, addr, cache) {
		t.Error("a ticket resumed a second time")
	}

	// A ticket in Go's own format, from a server with Go's default tickets.
	other := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	other.Listener.Close()
	other.Listener, _ = net.Listen("tcp", "127.0.0.1:0")
	other.StartTLS()
	defer other.Close()
	goCache := new(ticketCache)
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{InsecureSkipVerify: true, ServerName: "hq", ClientSessionCache: goCache}}}
	resp, err := c.Get(other.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	goSession, goTicket := goCache.last(t)
	if len(goTicket) <= ticketIDLen {
		t.Fatalf("Go's own ticket is %d bytes", len(goTicket))
	}
	cache.set(goSession)
	if resumed(t, addr, cache) {
		t.Error("a ticket in Go's format resumed")
	}

	// Another receiver, or this one restarted: it knows none of these tickets.
	addr2, _ := serve(t, Config{HQDir: dir}, "127.0.0.1:0")
	latest, _ := cache.last(t)
	cache.set(latest)
	if resumed(t, addr2, cache) {
		t.Error("another receiver resumed this one's session")
	}
	if !resumed(t, addr2, cache) {
		t.Error("the other receiver's own ticket did not resume")
	}
}

// sessionState is a real TLS 1.3 server session.
func sessionState(t testing.TB) *tls.SessionState {
	t.Helper()
	tc, err := hq.TLSConfig(hqtest.NewHQ(t))
	if err != nil {
		t.Fatal(err)
	}
	var got *tls.SessionState
	tc.WrapSession = func(_ tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		got = ss
		return []byte("x"), nil
	}
	a, b := net.Pipe()
	done := make(chan error, 1)
	go func() {
		s := tls.Server(a, tc)
		err := s.Handshake()
		s.Close()
		done <- err
	}()
	c := tls.Client(b, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13, ClientSessionCache: tls.NewLRUClientSessionCache(1)})
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.Read(make([]byte, 1)) // the session ticket, then the server's close
	c.Close()
	if err := <-done; err != nil || got == nil {
		t.Fatalf("handshake: %v, session %v", err, got)
	}
	return got
}

// The store keeps at most max sessions, the oldest dropped first, each
// for ticketLifetime, and resumes each once.
func TestTicketStoreBounds(t *testing.T) {
	ss := sessionState(t)
	now := time.Unix(1_800_000_000, 0)
	s := newTicketStore(func() time.Time { return now }, 3)
	var ids [][]byte
	for range 4 {
		id, err := s.wrap(tls.ConnectionState{}, ss)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if n := s.len(); n != 3 {
		t.Fatalf("%d sessions kept, want at most 3", n)
	}
	if got, _ := s.unwrap(ids[0], tls.ConnectionState{}); got != nil {
		t.Error("the oldest session was kept over the bound")
	}
	if got, _ := s.unwrap(ids[1], tls.ConnectionState{}); got == nil {
		t.Error("a kept session did not unwrap")
	}
	if got, _ := s.unwrap(ids[1], tls.ConnectionState{}); got != nil {
		t.Error("a session unwrapped twice")
	}
	for _, bad := range [][]byte{nil, ids[2][:ticketIDLen-1], append(ids[2][:ticketIDLen:ticketIDLen], 0)} {
		if got, err := s.unwrap(bad, tls.ConnectionState{}); got != nil || err != nil {
			t.Errorf("ticket %x: %v, %v; want nothing", bad, got, err)
		}
	}
	now = now.Add(ticketLifetime)
	if got, _ := s.unwrap(ids[2], tls.ConnectionState{}); got != nil {
		t.Error("an expired session unwrapped")
	}
	if _, err := s.wrap(tls.ConnectionState{}, ss); err != nil {
		t.Fatal(err)
	}
	if n := s.len(); n != 1 {
		t.Errorf("%d sessions kept after the others expired, want 1", n)
	}
}

// FuzzTicketUnwrap: any PSK identity a client sends resumes a session
// only if it is a ticket the store gave out and still holds, and never
// ends the connection with an error.
func FuzzTicketUnwrap(f *testing.F) {
	ss := sessionState(f)
	s := newTicketStore(nil, 8)
	held := map[string]bool{}
	for range 4 {
		id, err := s.wrap(tls.ConnectionState{}, ss)
		if err != nil {
			f.Fatal(err)
		}
		held[string(id)] = true
		f.Add(id[:ticketIDLen-1])
	}
	f.Add([]byte(nil))
	f.Add(make([]byte, ticketIDLen))
	f.Add(bytes.Repeat([]byte{0xff}, 105))
	f.Fuzz(func(t *testing.T, id []byte) {
		got, err := s.unwrap(id, tls.ConnectionState{})
		if err != nil {
			t.Fatalf("unwrap(%x): %v", id, err)
		}
		if got != nil && !held[string(id)] {
			t.Fatalf("unwrap(%x) resumed a session it never gave out", id)
		}
	})
}
