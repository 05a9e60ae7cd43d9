package outbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/sync/wire/hqprofile"
)

// tlsLog wraps a receiver and records, per request, whether its TLS
// connection resumed a session.
type tlsLog struct {
	h       http.Handler
	mu      sync.Mutex
	resumed []bool
}

func (l *tlsLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.TLS != nil {
		l.mu.Lock()
		l.resumed = append(l.resumed, r.TLS.DidResume)
		l.mu.Unlock()
	}
	l.h.ServeHTTP(w, r)
}

// last reports whether the last request came over a resumed session.
func (l *tlsLog) last(t *testing.T) bool {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.resumed) == 0 {
		t.Fatal("no request reached the receiver")
	}
	return l.resumed[len(l.resumed)-1]
}

// startTLS serves h with TLS on l, with cert if not nil (else httptest's).
func startTLS(t *testing.T, h http.Handler, l net.Listener, cert *tls.Certificate) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Listener.Close()
	s.Listener = l
	if cert != nil {
		s.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// otherCert is a self-signed certificate for 127.0.0.1 with a new key.
func otherCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// syncNote adds a note, seals it and delivers the outbox with tf.
func syncNote(t *testing.T, f *fixture, tf TransportFunc, i int) (*Result, error) {
	t.Helper()
	if err := f.v.Put(noteAt(f.hearing, i)); err != nil {
		t.Fatal(err)
	}
	if _, err := SealAll(f.v); err != nil {
		t.Fatal(err)
	}
	return Deliver(context.Background(), f.v, tf, nil)
}

// A sync resumes the TLS session of the sync before, also after the vault
// was closed (a new `courtwatch sync`): the session is kept in the vault,
// sealed, and nothing of it is readable in the vault's files.
func TestSessionResumedAcrossRuns(t *testing.T) {
	f, r, _ := newDelivery(t)
	log := &tlsLog{h: r}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := startTLS(t, log, l, nil)
	p := f.hq.profile(s.URL)
	p.TLSPin = pinOf(s)
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, true, true} {
		if i == 2 {
			f.reopen()
		}
		if res, err := syncNote(t, f, HTTPSFunc(fast), i); err != nil || len(res.Verified) == 0 {
			t.Fatalf("sync %d: %v %+v", i, err, res)
		}
		if got := log.last(t); got != want {
			t.Errorf("sync %d: resumed = %v, want %v", i, got, want)
		}
	}
	checkDelivered(t, f, r)

	// The stored session holds the receiver's certificate: it must not
	// appear in any file of the vault.
	cert := s.Certificate().Raw
	f.v.Close()
	filepath.WalkDir(f.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, cert[len(cert)-64:]) {
			t.Errorf("%s holds the receiver's certificate unencrypted", path)
		}
		return nil
	})
	f.reopen()

	// Another pin (a new profile from HQ) starts with a full handshake.
	p.TLSPin = "sha256:" + strings.Repeat("0", 64)
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	_, err = syncNote(t, f, HTTPSFunc(fast), 3)
	if err == nil || !strings.Contains(err.Error(), "is not the one pinned") {
		t.Fatalf("with another pin: %v, want the pin refused", err)
	}
}

// A resumed session stays bound to the pinned key: a server with another
// key at the receiver's address cannot resume (it lacks the receiver's
// ticket key) and is refused on its certificate; and a session resumed
// with the receiver itself is still checked against the pin (Go calls
// VerifyConnection on resumed connections, with the certificate of the
// original handshake).
func TestResumedSessionKeepsPin(t *testing.T) {
	f, r, _ := newDelivery(t)
	log := &tlsLog{h: r}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	a := startTLS(t, log, l, nil)
	p := f.hq.profile(a.URL)
	p.TLSPin = pinOf(a)
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if res, err := syncNote(t, f, HTTPSFunc(fast), i); err != nil || len(res.Verified) == 0 {
			t.Fatalf("sync %d: %v %+v", i, err, res)
		}
	}
	if !log.last(t) {
		t.Fatal("the second sync did not resume the session")
	}

	// The receiver's own session, offered under another pin, bypassing
	// the scope check: the pin check refuses the resumed connection.
	stored := loadSessions(f.v, p)
	if len(stored.m) == 0 {
		t.Fatal("no session stored")
	}
	wrong := p
	wrong.TLSPin = "sha256:" + strings.Repeat("0", 64)
	resumed := false
	tf := func(p hqprofile.Profile) (Transport, error) {
		h, err := NewHTTPS(p, fast)
		if err != nil {
			return nil, err
		}
		pin := h.tr.TLSClientConfig.VerifyConnection
		h.tr.TLSClientConfig.VerifyConnection = func(cs tls.ConnectionState) error {
			resumed = cs.DidResume
			return pin(cs)
		}
		h.resumeWith(stored)
		return h, nil
	}
	posts, _ := r.counts()
	if err := f.v.Put(noteAt(f.hearing, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := SealAll(f.v); err != nil {
		t.Fatal(err)
	}
	h, _ := tf(wrong)
	e := f.entries()[len(f.entries())-1]
	_, data, sig, err := Bundle(f.v, e.Seq)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Deliver(context.Background(), &e, data, sig, nil)
	if err == nil || !strings.Contains(err.Error(), "is not the one pinned") || !resumed {
		t.Fatalf("resumed under another pin: %v (resumed %v), want the pin refused on a resumed connection", err, resumed)
	}

	// Another server, with another key, at the same address.
	a.Close()
	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	cert := otherCert(t)
	startTLS(t, log, l2, &cert)
	_, err = Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err == nil || !strings.Contains(err.Error(), "is not the one pinned") {
		t.Fatalf("another key at the receiver's address: %v, want the pin refused", err)
	}
	if now, _ := r.counts(); now != posts {
		t.Fatalf("the bundle reached a server with another key")
	}
}

// One sync run uses one connection for all its bundles.
func TestOneConnectionPerRun(t *testing.T) {
	f, r, _ := newDelivery(t)
	s := httptest.NewUnstartedServer(r)
	var mu sync.Mutex
	conns := 0
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	s.StartTLS()
	defer s.Close()
	p := f.hq.profile(s.URL)
	p.TLSPin = pinOf(s)
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		f.notes(f.hearing, i+1)
		f.seal()
	}
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Verified) != 3 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 1 {
		t.Errorf("%d connections for one run of 3 bundles, want 1", conns)
	}
}

// A full handshake always offers Go's post-quantum hybrid key share; only
// a connection that resumes a session (whose key came from such a full
// handshake) offers X25519 alone, which saves 2.3 KB on the wire. When the
// receiver cannot resume (here: it changed its ticket keys, as after a
// restart), the X25519-only handshake is aborted before anything is sent
// and the sync dials again with every key share.
func TestResumedHandshakeKeyShares(t *testing.T) {
	f, r, _ := newDelivery(t)
	type conn struct {
		resumed bool
		curve   tls.CurveID
	}
	var (
		mu    sync.Mutex
		conns []conn
	)
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		conns = append(conns, conn{req.TLS.DidResume, req.TLS.CurveID})
		mu.Unlock()
		r.ServeHTTP(w, req)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := startTLS(t, h, l, nil)
	p := f.hq.profile(s.URL)
	p.TLSPin = pinOf(s)
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	want := []conn{
		{false, tls.X25519MLKEM768}, // the first sync with the profile
		{true, tls.X25519},          // resumed
		{false, tls.X25519MLKEM768}, // the receiver's ticket keys changed: dialled again, full
		{true, tls.X25519},          // resumed from that one
	}
	for i := range want {
		if i == 2 {
			var key [32]byte
			rand.Read(key[:])
			s.TLS.SetSessionTicketKeys([][32]byte{key})
		}
		mu.Lock()
		conns = nil
		mu.Unlock()
		if res, err := syncNote(t, f, HTTPSFunc(fast), i); err != nil || len(res.Verified) == 0 {
			t.Fatalf("sync %d: %v %+v", i, err, res)
		}
		mu.Lock()
		got := append([]conn(nil), conns...)
		mu.Unlock()
		if len(got) == 0 {
			t.Fatalf("sync %d: no request reached the receiver", i)
		}
		for _, c := range got {
			if c != want[i] {
				t.Errorf("sync %d: a request came over a connection with resumed=%v, key share %v; want resumed=%v, %v", i, c.resumed, c.curve, want[i].resumed, want[i].curve)
			}
		}
	}
	checkDelivered(t, f, r)
}

// A receiver behind a server that speaks TLS 1.2 only (a proxy holding
// HQ's certificate) refuses the TLS 1.3-only hello with which a stored
// session is resumed: the connection is dialled again with the full
// configuration, and the session still resumes, over TLS 1.2.
func TestResumeFromTLS12Server(t *testing.T) {
	f, r, _ := newDelivery(t)
	type conn struct {
		resumed bool
		version uint16
	}
	var (
		mu    sync.Mutex
		conns []conn
	)
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		conns = append(conns, conn{req.TLS.DidResume, req.TLS.Version})
		mu.Unlock()
		r.ServeHTTP(w, req)
	}))
	s.TLS = &tls.Config{MaxVersion: tls.VersionTLS12}
	s.StartTLS()
	defer s.Close()
	p := f.hq.profile(s.URL)
	p.TLSPin = pinOf(s)
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	for i, want := range []conn{{false, tls.VersionTLS12}, {true, tls.VersionTLS12}, {true, tls.VersionTLS12}} {
		mu.Lock()
		conns = nil
		mu.Unlock()
		if res, err := syncNote(t, f, HTTPSFunc(fast), i); err != nil || len(res.Verified) == 0 {
			t.Fatalf("sync %d: %v %+v", i, err, res)
		}
		mu.Lock()
		got := append([]conn(nil), conns...)
		mu.Unlock()
		if len(got) == 0 {
			t.Fatalf("sync %d: no request reached the receiver", i)
		}
		for _, c := range got {
			if c != want {
				t.Errorf("sync %d: a request came over a connection with resumed=%v, version %x; want resumed=%v, %x", i, c.resumed, c.version, want.resumed, want.version)
			}
		}
	}
	checkDelivered(t, f, r)
}
