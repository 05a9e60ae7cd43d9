package receiver

import (
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

// The receiver logs every failed request: a device's bad upload is worth
// a line for the admin. A client that repeats failures (150,000 bad
// requests wrote 21 MB of log before this) must not fill the disk, so
// failures are logged at a bounded rate: per client address a burst of
// logBurst lines, then one every logEvery; and across all addresses
// logGlobalBurst lines, then logGlobalRate per second. The lines left out
// are counted, and the next line that is written for that address says
// how many ("suppressed"). So the log grows by at most a few lines per
// second whatever clients do.
const (
	logBurst       = 10
	logEvery       = 10 * time.Second
	logGlobalBurst = 100
	logGlobalRate  = 10   // lines per second
	logMaxAddrs    = 4096 // addresses remembered; more share one bucket
)

// logLimiter decides which failure lines are written.
type logLimiter struct {
	now func() time.Time

	mu     sync.Mutex
	addrs  map[string]*logBucket
	global logBucket
}

// logBucket is a token bucket with a count of what it held back.
type logBucket struct {
	tokens     float64
	last       time.Time
	suppressed int
}

func newLogLimiter(now func() time.Time) *logLimiter {
	return &logLimiter{now: now, addrs: make(map[string]*logBucket)}
}

// take refills b at rate per second up to burst and takes a token.
func (b *logBucket) take(now time.Time, burst, rate float64) bool {
	if b.last.IsZero() {
		b.tokens = burst
	} else {
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// allow reports whether a failure line for addr may be written, and how
// many lines for addr were left out since the last one written.
func (l *logLimiter) allow(addr string) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.addrs[addr]
	if b == nil {
		if len(l.addrs) >= logMaxAddrs {
			l.sweep(now)
		}
		if len(l.addrs) >= logMaxAddrs {
			addr = "*"
			if b = l.addrs[addr]; b == nil {
				b = new(logBucket)
				l.addrs[addr] = b
			}
		} else {
			b = new(logBucket)
			l.addrs[addr] = b
		}
	}
	if !b.take(now, logBurst, 1/logEvery.Seconds()) || !l.global.take(now, logGlobalBurst, logGlobalRate) {
		b.suppressed++
		return false, 0
	}
	suppressed, b.suppressed = b.suppressed, 0
	return true, suppressed
}

// sweep forgets the addresses whose bucket is full again and holds no
// count; l.mu is held.
func (l *logLimiter) sweep(now time.Time) {
	for a, b := range l.addrs {
		if b.suppressed == 0 && now.Sub(b.last) >= logBurst*logEvery {
			delete(l.addrs, a)
		}
	}
}

// errorLog is the http.Server's ErrorLog (TLS handshake errors and the
// like, "… from 203.0.113.5:41234: …"): its lines go to the receiver's log
// as warnings, at the rate of the client address they name.
func (rv *Receiver) errorLog() *log.Logger {
	return log.New(logWriter{rv}, "", 0)
}

type logWriter struct{ rv *Receiver }

func (w logWriter) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	addr := "server"
	if _, rest, ok := strings.Cut(msg, " from "); ok {
		hostPort, _, _ := strings.Cut(rest, ": ")
		if host, _, err := net.SplitHostPort(hostPort); err == nil {
			addr = host
		}
	}
	if ok, n := w.rv.logRate.allow(addr); ok {
		attrs := []any{}
		if n > 0 {
			attrs = append(attrs, "suppressed", n)
		}
		w.rv.log.Warn(msg, attrs...)
	}
	return len(p), nil
}
