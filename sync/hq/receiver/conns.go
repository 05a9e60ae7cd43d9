package receiver

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// DefaultMaxConnsPerAddr is Config.MaxConnsPerAddr's default.
const DefaultMaxConnsPerAddr = 32

// capShare is how many connections an address may hold and still open
// another when the receiver is at its global cap.
const capShare = 4

// connLimiter is the receiver's listener. It keeps the open connections
// below a global cap and a cap per client address, so that no client, and
// no crowd of idle or slow ones, can keep a monitor out:
//
//   - A client address that holds perAddr connections gets its longest
//     idle one closed for a new one, or else the new one is refused.
//   - At the global cap, a new connection from an address that holds
//     capShare connections or more is refused: the crowd that filled the
//     receiver does not get to churn it, at the cost of a TLS handshake
//     each time. A new connection from another address (a monitor that
//     comes to sync) closes the connection idle the longest (an HTTP
//     keep-alive waiting for a next request); with none idle, the oldest
//     that has not yet sent a whole request (a TLS handshake or headers
//     in progress: slowloris); with neither, every connection is running
//     a request and the new one is refused.
//
// An address is an IPv4 address or an IPv6 /64, the block one machine
// usually gets.
//
// A closed idle connection costs a well-behaved client nothing: HTTP
// clients open another one. A refused or closed connection is closed at
// once, so the accept loop never waits. The server reports each
// connection's state through track (http.Server.ConnState).
type connLimiter struct {
	net.Listener
	max, perAddr int
	now          func() time.Time

	mu     sync.Mutex
	conns  map[*limitedConn]struct{}
	byAddr map[string]int
}

// limitedConn is an accepted connection, with the state the server last
// reported for it.
type limitedConn struct {
	net.Conn
	l     *connLimiter
	addr  string
	state http.ConnState // StateNew, StateActive or StateIdle
	since time.Time      // when it entered state
}

func newConnLimiter(ln net.Listener, max, perAddr int) *connLimiter {
	return &connLimiter{Listener: ln, max: max, perAddr: perAddr, now: time.Now,
		conns: make(map[*limitedConn]struct{}), byAddr: make(map[string]int)}
}

// Accept returns the next connection that the limits admit.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		lc := &limitedConn{Conn: c, l: l, addr: hostOf(c.RemoteAddr()), state: http.StateNew, since: l.now()}
		victim, ok := l.admit(lc)
		if victim != nil {
			victim.Conn.Close()
		}
		if ok {
			return lc, nil
		}
		c.Close()
	}
}

// admit counts lc in, unless the limits refuse it, and returns the
// connection to close to make room for it, if any.
func (l *connLimiter) admit(lc *limitedConn) (victim *limitedConn, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byAddr[lc.addr] >= l.perAddr {
		victim = l.oldest(func(c *limitedConn) bool { return c.addr == lc.addr && c.state == http.StateIdle })
		if victim == nil {
			return nil, false
		}
		l.remove(victim)
	}
	if victim == nil && len(l.conns) >= l.max {
		if l.byAddr[lc.addr] >= capShare {
			return nil, false
		}
		victim = l.oldest(func(c *limitedConn) bool { return c.state == http.StateIdle })
		if victim == nil {
			victim = l.oldest(func(c *limitedConn) bool { return c.state == http.StateNew })
		}
		if victim == nil {
			return nil, false
		}
		l.remove(victim)
	}
	l.conns[lc] = struct{}{}
	l.byAddr[lc.addr]++
	return victim, true
}

// oldest is the connection that has been longest in its state among those
// that match, or nil.
func (l *connLimiter) oldest(match func(*limitedConn) bool) *limitedConn {
	var o *limitedConn
	for c := range l.conns {
		if match(c) && (o == nil || c.since.Before(o.since)) {
			o = c
		}
	}
	return o
}

// remove stops counting c; l.mu is held.
func (l *connLimiter) remove(c *limitedConn) {
	if _, ok := l.conns[c]; !ok {
		return
	}
	delete(l.conns, c)
	if l.byAddr[c.addr]--; l.byAddr[c.addr] <= 0 {
		delete(l.byAddr, c.addr)
	}
}

// track is the server's ConnState hook.
func (l *connLimiter) track(c net.Conn, state http.ConnState) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch state {
	case http.StateHijacked, http.StateClosed:
		l.remove(lc)
	default:
		if lc.state != state {
			lc.state, lc.since = state, l.now()
		}
	}
}

// open is the number of connections counted.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// Close of a connection stops counting it.
func (c *limitedConn) Close() error {
	c.l.mu.Lock()
	c.l.remove(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// hostOf is the IP address of a client address, without its port; for
// IPv6, its /64.
func hostOf(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok {
		if tcp.IP.To4() == nil && len(tcp.IP) == net.IPv6len {
			return tcp.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
		}
		return tcp.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
