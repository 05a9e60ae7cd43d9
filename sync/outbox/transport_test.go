package outbox

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"
)

func pinOf(s *httptest.Server) string {
	sum := sha256.Sum256(s.Certificate().RawSubjectPublicKeyInfo)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func TestTLSPin(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, f.hq)
	r.enroll(f.v.Device().ID.String(), bundleKey(f))
	s := httptest.NewTLSServer(r)
	defer s.Close()
	f.install(s.URL)
	f.seal()

	for _, tc := range []struct {
		name, pin, want string
	}{
		{"no pin: system roots", "", "certificate signed by unknown authority"},
		{"wrong pin", "sha256:" + strings.Repeat("0", 64), "is not the one pinned"},
		{"right pin", pinOf(s), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := f.hq.profile(s.URL)
			p.TLSPin = tc.pin
			if err := AddProfile(f.v, p, "", true); err != nil {
				t.Fatal(err)
			}
			res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
			if tc.want == "" {
				if err != nil || len(res.Verified) != 1 {
					t.Fatalf("Deliver = %v, %+v", err, res)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Deliver = %v, want an error with %q", err, tc.want)
			}
			if posts, _ := r.counts(); posts != 0 {
				t.Fatalf("the bundle reached the receiver through a refused connection")
			}
		})
	}
	checkDelivered(t, f, r)
}

// socks5 is a minimal SOCKS5 server (no authentication, CONNECT only) that
// records where its clients connect to.
type socks5 struct {
	l       net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	targets []string
	conns   []net.Conn
}

func newSOCKS5(t *testing.T) *socks5 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &socks5{l: l}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		l.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *socks5) serve() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.handle(c)
		}()
	}
}

func (s *socks5) handle(c net.Conn) {
	var b [262]byte
	// greeting: VER NMETHODS METHODS...; answer "no authentication"
	if _, err := io.ReadFull(c, b[:2]); err != nil || b[0] != 5 {
		return
	}
	if _, err := io.ReadFull(c, b[:b[1]]); err != nil {
		return
	}
	c.Write([]byte{5, 0})
	// request: VER CMD RSV ATYP ADDR PORT
	if _, err := io.ReadFull(c, b[:4]); err != nil || b[1] != 1 {
		return
	}
	var host string
	switch b[3] {
	case 1:
		io.ReadFull(c, b[:4])
		host = net.IP(b[:4]).String()
	case 3:
		io.ReadFull(c, b[:1])
		n := int(b[0])
		io.ReadFull(c, b[:n])
		host = string(b[:n])
	default:
		return
	}
	io.ReadFull(c, b[:2])
	target := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(b[:2]))))
	s.mu.Lock()
	s.targets = append(s.targets, target)
	s.mu.Unlock()
	up, err := net.Dial("tcp", target)
	if err != nil {
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	done := make(chan struct{})
	go func() { io.Copy(up, c); up.(*net.TCPConn).CloseWrite(); close(done) }()
	io.Copy(c, up)
	c.Close()
	<-done
}

func TestSOCKS5Proxy(t *testing.T) {
	f, r, s := newDelivery(t)
	proxy := newSOCKS5(t)
	p := f.hq.profile(s.URL)
	p.Proxy = "socks5://" + proxy.l.Addr().String()
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	f.seal()
	f.runUploader(HTTPSFunc(fast), quick, 10*time.Second)
	checkDelivered(t, f, r)
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if len(proxy.targets) == 0 || proxy.targets[0] != s.Listener.Addr().String() {
		t.Fatalf("SOCKS5 proxy saw CONNECT to %v, want %s", proxy.targets, s.Listener.Addr())
	}
}

// An HTTP proxy gets the requests for a plain-http loopback receiver.
func TestHTTPProxy(t *testing.T) {
	f, r, s := newDelivery(t)
	var mu sync.Mutex
	var seen []string
	proxy := serve(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		seen = append(seen, req.Method+" "+req.URL.String())
		mu.Unlock()
		out := req.Clone(req.Context())
		out.RequestURI = ""
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	p := f.hq.profile(s.URL)
	p.Proxy = proxy.URL
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}
	f.seal()
	if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, f, r)
	if len(seen) != 1 || !strings.HasPrefix(seen[0], "POST "+s.URL+wire.BundlesPathV2) {
		t.Fatalf("proxy saw %v", seen)
	}
}

func TestFolder(t *testing.T) {
	f, r, _ := newDelivery(t)
	f.seal()
	f.notes(f.hearing, 1)
	f.seal()
	dir := t.TempDir()
	usb := func(hqprofile.Profile) (Transport, error) { return &Folder{Dir: dir}, nil }
	res, err := Deliver(context.Background(), f.v, usb, nil)
	if err != nil || len(res.Delivered) != 2 {
		t.Fatalf("Deliver to a folder = %v, %+v", err, res)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(names) != 4 || len(hidden) != 0 {
		t.Fatalf("folder holds %v and %v; want 2 bundles with their signatures, no temporary files", names, hidden)
	}
	for _, e := range f.entries() {
		name := filepath.Join(dir, FileName(e.Device, e.Seq))
		data, err1 := os.ReadFile(name)
		sig, err2 := os.ReadFile(name + ".minisig")
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		if tr, err := verify.Verify(data, sig, bundleKey(f)); err != nil || tr.Seq != e.Seq {
			t.Fatalf("%s: %v", name, err)
		}
		if e.State != Delivered || e.DeliveredTo != dir || e.Receipt != nil {
			t.Fatalf("entry after folder delivery: %+v", e)
		}
	}
	if p, _ := Pending(f.v); len(p) != 2 {
		t.Fatalf("bundles in a folder are not confirmed by HQ, yet %d are pending", len(p))
	}

	// Writing again is idempotent; another bundle under the name is kept.
	other := filepath.Join(dir, FileName(f.v.Device().ID.String(), 2))
	os.WriteFile(other, []byte("another device's bundle 2"), 0o600)
	res, err = Deliver(context.Background(), f.v, usb, nil)
	if err == nil || !strings.Contains(err.Error(), "holds another bundle") || len(res.Delivered) != 1 {
		t.Fatalf("Deliver over another bundle = %v, %+v", err, res)
	}
	if b, _ := os.ReadFile(other); string(b) != "another device's bundle 2" {
		t.Fatal("the other bundle was overwritten")
	}
	if e := f.entries()[1]; e.State != Delivered || e.LastError == "" {
		t.Fatalf("entry after the conflict: %+v", e)
	}

	f.runUploader(HTTPSFunc(fast), quick, 10*time.Second)
	checkDelivered(t, f, r)
}
