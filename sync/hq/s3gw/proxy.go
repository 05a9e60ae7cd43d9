package s3gw

import (
	"bufio"
	"io"
	"maps"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Fault is what the proxy does to a connection.
type Fault int

const (
	Pass        Fault = iota // forward both ways
	Drop                     // close the connection at once
	Delay                    // wait Proxy's delay before forwarding
	Unavailable              // answer 503 Service Unavailable, forward nothing
	// LoseAnswer forwards the request and closes the connection instead
	// of passing the answer on: the server did the work, the client does
	// not know (HTTPProxy only; Proxy passes).
	LoseAnswer
	// RaceConflict answers 409 ConditionalRequestConflict, as Amazon S3
	// does to a conditional write that races another write of the key
	// (HTTPProxy only; Proxy passes).
	RaceConflict
)

func (f Fault) String() string {
	return [...]string{"pass", "drop", "delay", "503", "lose answer", "409 conflict"}[f]
}

// Proxy is a TCP proxy on loopback in front of a server, whose fault can be
// changed while it runs. Changing it cuts the connections open, so that
// clients meet the new fault on their next request.
type Proxy struct {
	URL    string // http://127.0.0.1:PORT
	target string
	ln     net.Listener

	mu    sync.Mutex
	fault Fault
	delay time.Duration
	conns map[net.Conn]bool
	stats map[Fault]int
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to target (host:port, or http://host:port) and
// stops it when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	if len(target) > 7 && target[:7] == "http://" {
		target = target[7:]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), target: target, ln: ln,
		conns: map[net.Conn]bool{}, stats: map[Fault]int{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

// Set makes every later connection meet fault (delay is the wait of
// Delay) and cuts the open ones.
func (p *Proxy) Set(fault Fault, delay time.Duration) {
	p.mu.Lock()
	p.fault, p.delay = fault, delay
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
}

// Stats returns how many connections met each fault.
func (p *Proxy) Stats() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.stats)
}

func (p *Proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		fault, delay := p.fault, p.delay
		p.conns[c] = true
		p.stats[fault]++
		p.wg.Add(1)
		p.mu.Unlock()
		go func() {
			defer p.wg.Done()
			defer func() {
				p.mu.Lock()
				delete(p.conns, c)
				p.mu.Unlock()
				c.Close()
			}()
			p.handle(c, fault, delay)
		}()
	}
}

func (p *Proxy) handle(c net.Conn, fault Fault, delay time.Duration) {
	switch fault {
	case Drop:
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset, not a clean close
		}
		return
	case Unavailable:
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			req.Body.Close()
			io.WriteString(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: 0\r\nRetry-After: 1\r\n\r\n")
		}
	case Delay:
		time.Sleep(delay)
	}
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	// When either side ends, end both: a server that keeps an idle
	// connection open must not keep the proxy (and Close) waiting.
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
}
