package outbox

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	hqreceiver "courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"
)

// servedHQ is HQ's receiver as `courtwatch-hq serve` runs it: Serve on
// 127.0.0.1, with the HQ folder's own certificate (pinned in the profile)
// and the receiver's own TLS configuration. Its listener counts the bytes
// both ways, TLS included, and keeps the TLS records of the last
// connection for a breakdown.
type servedHQ struct {
	profile hqprofile.Profile
	n       atomic.Int64
	open    atomic.Int64 // connections not yet closed by the receiver
	mu      sync.Mutex
	last    *recordingConn
}

// serveHQ starts the receiver for f's device and installs its profile in
// f's vault.
func serveHQ(tb testing.TB, f *fixture) *servedHQ {
	tb.Helper()
	h := &servedHQ{}
	dir := filepath.Join(tb.TempDir(), "hq")
	if err := setup.Init(dir, setup.InitOptions{Passphrase: testPass, KDF: storage.TestKDF}); err != nil {
		tb.Fatal(err)
	}
	dev := f.v.Device()
	file, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: dev.ID.String(), Monitor: dev.Name, PublicKey: bundle.PublicKey(dev.PublicKey).String()})
	if _, _, err := hq.Enroll(dir, file); err != nil {
		tb.Fatal(err)
	}
	rv, err := hqreceiver.New(hqreceiver.Config{HQDir: dir, Store: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rv.Serve(ctx, &recordingListener{Listener: ln, h: h}) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Error(err)
		}
	})
	if h.profile, err = setup.Profile(dir, "https://"+ln.Addr().String(), nil, "", true); err != nil {
		tb.Fatal(err)
	}
	if err := AddProfile(f.v, h.profile, "", true); err != nil {
		tb.Fatal(err)
	}
	return h
}

// settle waits (up to 5 s) until the receiver has closed every connection,
// so that the close_notify alerts are counted.
func (h *servedHQ) settle(tb testing.TB) {
	tb.Helper()
	for deadline := time.Now().Add(5 * time.Second); h.open.Load() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("the receiver still has %d connections open", h.open.Load())
		}
	}
}

// records describes the TLS records of the last connection, in the order
// sent, as "c:22/413" (client, handshake, 413 bytes with the header).
func (h *servedHQ) records() string {
	h.mu.Lock()
	c := h.last
	h.mu.Unlock()
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.recs, " ")
}

type recordingListener struct {
	net.Listener
	h *servedHQ
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.h.open.Add(1)
	rc := &recordingConn{Conn: c, h: l.h}
	l.h.mu.Lock()
	l.h.last = rc
	l.h.mu.Unlock()
	return rc, nil
}

// recordingConn counts and splits into TLS records what it carries.
type recordingConn struct {
	net.Conn
	h      *servedHQ
	mu     sync.Mutex
	in     []byte // from the client, not yet a whole record
	out    []byte // to the client
	recs   []string
	closed bool
}

func (c *recordingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.h.n.Add(int64(n))
	c.split(&c.in, b[:n], "c")
	return n, err
}

func (c *recordingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.h.n.Add(int64(n))
	c.split(&c.out, b[:n], "s")
	return n, err
}

func (c *recordingConn) split(buf *[]byte, b []byte, who string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	*buf = append(*buf, b...)
	for len(*buf) >= 5 {
		n := 5 + int(binary.BigEndian.Uint16((*buf)[3:5]))
		if len(*buf) < n {
			break
		}
		c.recs = append(c.recs, fmt.Sprintf("%s:%d/%d", who, (*buf)[0], n))
		*buf = (*buf)[n:]
	}
}

func (c *recordingConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.h.open.Add(-1)
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

// TestOneNoteSyncUnder2KB: with HQ's receiver as `courtwatch-hq serve`
// runs it, a one-note sync puts fewer than 2,048 bytes on the wire
// (issue 13), TLS and its close included: over the connection of the sync
// before (the app's uploader), and over a new connection that resumes the
// TLS session stored in the vault (every `courtwatch sync` after the
// first).
func TestOneNoteSyncUnder2KB(t *testing.T) {
	f := newFixture(t)
	h := serveHQ(t, f)
	f.seal() // the case and hearing
	d := newDeliverer(f.v, HTTPSFunc(fast))
	defer d.close()
	if res, err := d.pass(context.Background(), hooks{}); err != nil || len(res.Verified) != 1 {
		t.Fatalf("pass = %v, %+v", err, res)
	}
	f.notes(f.hearing, 1)
	e := f.seal()
	h.n.Store(0)
	if res, err := d.pass(context.Background(), hooks{}); err != nil || len(res.Verified) != 1 {
		t.Fatalf("pass = %v, %+v", err, res)
	}
	if n := h.n.Load(); n >= 2048 {
		t.Errorf("one-note sync (bundle of %d bytes) over an open connection: %d bytes on the wire, want < 2048", e.Size, n)
	} else {
		t.Logf("open connection: %d bytes on the wire for a bundle of %d", n, e.Size)
	}
	d.close()
	h.settle(t)

	f.notes(f.hearing, 1)
	e = f.seal()
	h.n.Store(0)
	if res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil || len(res.Verified) != 1 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	h.settle(t)
	if n := h.n.Load(); n >= 2048 {
		t.Errorf("one-note sync (bundle of %d bytes) over a new connection resuming the stored session: %d bytes on the wire, want < 2048; TLS records: %s", e.Size, n, h.records())
	} else {
		t.Logf("new connection, resumed TLS session: %d bytes on the wire for a bundle of %d; TLS records: %s", n, e.Size, h.records())
	}
	for _, e := range f.entries() {
		if e.State != ReceiptVerified {
			t.Errorf("bundle %d is %s (%s)", e.Seq, e.State, e.LastError)
		}
	}
}

// BenchmarkOneNoteSyncWireServed is BenchmarkOneNoteSyncWire against HQ's
// receiver as `courtwatch-hq serve` runs it (Serve, with its own TLS
// configuration), not httptest's TLS server: what a change of the
// receiver's TLS setup does to the bytes on the wire.
func BenchmarkOneNoteSyncWireServed(b *testing.B) {
	b.Run("conn=new/session=none", func(b *testing.B) {
		benchServedBytes(b, func(b *testing.B, f *fixture, h *servedHQ, i int) Entry {
			b.StopTimer()
			if err := f.v.Update(func(tx *storage.Tx) error { return forgetSessions(tx, h.profile.Name) }); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			e := syncOne(b, f, i)
			h.settle(b)
			return e
		})
	})
	b.Run("conn=new/session=stored", func(b *testing.B) {
		benchServedBytes(b, func(b *testing.B, f *fixture, h *servedHQ, i int) Entry {
			e := syncOne(b, f, i)
			h.settle(b)
			return e
		})
	})
	b.Run("conn=open", func(b *testing.B) {
		var d *deliverer
		benchServedBytes(b, func(b *testing.B, f *fixture, h *servedHQ, i int) Entry {
			return syncOpen(b, f, &d, i)
		})
	})
}

// benchServedBytes runs sync (one note, delivered) against HQ's served
// receiver, after a first sync of the case and hearing.
func benchServedBytes(b *testing.B, sync func(b *testing.B, f *fixture, h *servedHQ, i int) Entry) {
	f := newFixture(b)
	h := serveHQ(b, f)
	sync(b, f, h, 0) // the case and hearing
	h.n.Store(0)
	var size int64
	i := 0
	for b.Loop() {
		i++
		size += sync(b, f, h, i).Size
	}
	b.ReportMetric(float64(h.n.Load())/float64(i), "wire-bytes/op")
	b.ReportMetric(float64(size)/float64(i), "bundle-bytes/op")
	b.Logf("last connection's TLS records: %s", h.records())
}
