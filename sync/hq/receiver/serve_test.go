package receiver

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
)

// serve runs rv.Serve on a listener at addr until the test ends, and
// returns the listener's address.
func serve(t *testing.T, cfg Config, addr string) (string, *hqtest.LogBuffer) {
	t.Helper()
	logs := new(hqtest.LogBuffer)
	cfg.Log = slog.New(slog.NewTextHandler(logs, nil))
	if cfg.Store == "" {
		cfg.Store = t.TempDir()
	}
	rv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- rv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop := time.Now()
		defer func() { t.Logf("stopped in %v", time.Since(stop)) }()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if !strings.Contains(logs.String(), "receiver stopped") {
			t.Errorf("no clean stop in the log:\n%s", logs)
		}
	})
	return ln.Addr().String(), logs
}

// pinnedClient accepts only a server whose certificate has the pin, as a
// monitor with a pinned profile does.
func pinnedClient(pin string) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin check
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || hq.PinOf(cs.PeerCertificates[0]) != pin {
				return errors.New("certificate does not match the pin")
			}
			return nil
		},
	}}}
}

func TestServeTLSPin(t *testing.T) {
	dir := hqtest.NewHQ(t)
	addr, _ := serve(t, Config{HQDir: dir}, "127.0.0.1:0")
	url := "https://" + addr
	p := hqtest.Profile(t, dir, url)
	if p.TLSPin == "" {
		t.Fatal("no pin in an https profile")
	}
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	data, sig := dev.Seal(t, p, 1)
	c := pinnedClient(p.TLSPin)
	if status, body := hqtest.Post(t, c, url, dev.ID, 1, data, sig); status != 200 {
		t.Fatalf("pinned upload: %d %s", status, body)
	} else {
		hqtest.CheckReceipt(t, p, body, dev.ID, 1, data)
	}

	wrong := "sha256:" + strings.Repeat("0", 64)
	if _, err := pinnedClient(wrong).Get(url + wire.HealthPath); err == nil || !strings.Contains(err.Error(), "pin") {
		t.Errorf("a client with a wrong pin connected: %v", err)
	}
	if _, err := http.Get(url + wire.HealthPath); err == nil {
		t.Error("a client trusting only the system roots accepted the self-signed certificate")
	}
	if resp, err := http.Get("http://" + addr + wire.HealthPath); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP on the TLS port: %d, want 400", resp.StatusCode)
		}
	}
}

// TestServeChoosesTLS: TLS by default, on loopback too, so that the
// profile for https://127.0.0.1:PORT works as printed; plain HTTP only
// when asked for, and only on loopback.
func TestServeChoosesTLS(t *testing.T) {
	dir := hqtest.NewHQ(t)
	pin, _ := hq.TLSPin(dir)
	addr, logs := serve(t, Config{HQDir: dir}, "127.0.0.1:0")
	if _, err := pinnedClient(pin).Get("https://" + addr + wire.HealthPath); err != nil {
		t.Errorf("TLS on loopback: %v", err)
	}
	if strings.Contains(logs.String(), "plain HTTP") || !strings.Contains(logs.String(), "url=https://") {
		t.Errorf("the log does not say TLS:\n%s", logs)
	}

	addr, logs = serve(t, Config{HQDir: dir, PlainHTTP: true}, "127.0.0.1:0")
	if status, _ := hqtest.Get(t, nil, "http://"+addr+wire.HealthPath); status != 200 {
		t.Errorf("plain HTTP on loopback: %d", status)
	}
	if !strings.Contains(logs.String(), "plain HTTP on loopback only") {
		t.Errorf("log does not say plain HTTP:\n%s", logs)
	}

	addr, logs = serve(t, Config{HQDir: dir}, "0.0.0.0:0")
	_, port, _ := net.SplitHostPort(addr)
	if _, err := pinnedClient(pin).Get("https://127.0.0.1:" + port + wire.HealthPath); err != nil {
		t.Errorf("TLS on all interfaces: %v", err)
	}
	if strings.Contains(logs.String(), "plain HTTP") {
		t.Errorf("plain HTTP on all interfaces:\n%s", logs)
	}

	rv, err := New(Config{HQDir: dir, Store: t.TempDir(), PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := rv.Serve(context.Background(), ln); err == nil || !strings.Contains(err.Error(), "only for a loopback address") {
		t.Errorf("plain HTTP on all interfaces: %v", err)
	}
}

// TestSlowloris: clients that send their headers a byte at a time are cut
// off by ReadHeaderTimeout, more of them than MaxConns in turns, and a
// client that stalls in the body by ReadTimeout; none of them keeps
// goroutines, memory or files.
func TestSlowloris(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	data, sig := dev.Seal(t, p, 1)
	store := t.TempDir()
	cfg := Config{HQDir: dir, Store: store, ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: time.Second, MaxConns: 64, PlainHTTP: true}
	addr, _ := serve(t, cfg, "127.0.0.1:0")

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()

	const clients = 200
	start := time.Now()
	var wg sync.WaitGroup
	cutOff := make(chan time.Duration, clients)
	for i := range clients {
		wg.Go(func() {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			req := fmt.Sprintf("POST %s%s/1 HTTP/1.1\r\nHost: x\r\nX-Slow-%d: ", wire.BundlesPath, dev.ID, i)
			conn.Write([]byte(req))
			for {
				time.Sleep(50 * time.Millisecond)
				if _, err := conn.Write([]byte("a")); err != nil {
					break // the server closed the connection
				}
				if time.Since(start) > 5*time.Second {
					t.Error("a slow client was not cut off")
					return
				}
			}
			cutOff <- time.Since(start)
		})
	}

	// Meanwhile, one valid upload stalls after half its body.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s%s/1 HTTP/1.1\r\nHost: x\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		wire.BundlesPath, dev.ID, wire.SignatureHeader, hqtest.B64(sig), len(data))
	conn.Write(data[:len(data)/2])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("stalled upload: %d, want 400", resp.StatusCode)
		}
	}
	conn.Close()

	wg.Wait()
	close(cutOff)
	var slowest time.Duration
	for d := range cutOff {
		slowest = max(slowest, d)
	}
	t.Logf("%d slow clients cut off after at most %v", clients, slowest)

	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 8<<20 {
		t.Errorf("heap grew by %d bytes after the slow clients left", grew)
	}
	if n := runtime.NumGoroutine(); n > goroutines+5 {
		t.Errorf("%d goroutines after the slow clients left, %d before", n, goroutines)
	}
	if files := hqtest.StoreFiles(t, store); len(files) != 0 {
		t.Errorf("store holds %q after a stalled upload", files)
	}
}
