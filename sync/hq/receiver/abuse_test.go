//go:build !windows

package receiver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
)

// TestReceiverAbuse is the receiver abuse suite: a real receiver with its
// default limits, serving TLS on 127.0.0.1, and one attack at a time:
//
//   - idle: 1,100 connections that each send one keep-alive request and
//     then idle (and reconnect when closed);
//   - slowloris: 1,100 connections that stay silent or send their headers
//     a byte at a time (and reconnect when closed);
//   - flood: bad uploads as fast as 64 connections from one address can
//     send them (unknown device, forged signature).
//
// The attackers come from other loopback addresses (127.0.1.x, 22
// connections each, and 127.0.2.1 for the flood) than the monitor
// (127.0.0.1). During each attack a monitor syncs again and again: a new
// connection, an upload and a verified receipt; each sync must take less
// than 10 s. Memory stays bounded, and the flood writes a bounded log.
//
// The short form (each attack a few seconds) runs in every go test; with
// COURTWATCH_TORTURE=1 each attack lasts 30 s. The test prints
//
//	torture: longest legitimate sync under attack: X s
//
// on standard output, and appends it to the file $COURTWATCH_TORTURE_REPORT
// if set, for make torture's table.
func TestReceiverAbuse(t *testing.T) {
	if testing.Short() {
		t.Skip("opens thousands of connections")
	}
	attackFor := 3 * time.Second
	if os.Getenv("COURTWATCH_TORTURE") == "1" {
		attackFor = 30 * time.Second
	}
	conns, flooders := 1100, 64
	if raceEnabled {
		// Under the race detector a TLS handshake costs many times more
		// CPU, in the attackers and the receiver alike, which share this
		// machine: the suite measures nothing then. It runs at a tenth of
		// the scale, to check the code paths; make torture runs it whole.
		conns, flooders = 110, 8
		t.Logf("race detector: %d connections per attack instead of 1,100", conns)
	}
	raiseFileLimit(t, uint64(4*conns+1000))
	if c, err := net.Dial("tcp", "127.0.1.1:1"); err != nil && !errors.Is(err, syscall.ECONNREFUSED) {
		t.Skipf("cannot use the loopback addresses 127.0.1.x: %v", err)
	} else if c != nil {
		c.Close()
	}

	dir := hqtest.NewHQ(t)
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	logs := new(hqtest.LogBuffer)
	rv, err := New(Config{HQDir: dir, Store: t.TempDir(), Log: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	base := "https://" + addr
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- rv.Serve(ctx, ln) }()
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	p := hqtest.Profile(t, dir, base)

	var seq atomic.Uint64
	// legit is one monitor's sync: a new connection, an upload, and the
	// receipt verified against the profile's key.
	legit := func() (time.Duration, error) {
		n := seq.Add(1)
		data, sig := dev.Seal(t, p, n)
		c := pinnedClient(p.TLSPin)
		c.Timeout = 30 * time.Second
		defer c.CloseIdleConnections()
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/%d", base, wire.BundlesPath, dev.ID, n), bytes.NewReader(data))
		req.Header.Set(wire.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
		resp, err := c.Do(req)
		if err != nil {
			return time.Since(start), err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return time.Since(start), fmt.Errorf("status %d %s %v", resp.StatusCode, body, err)
		}
		var sr wire.SignedReceipt
		pub, _ := p.ReceiptPublicKey()
		if err := json.Unmarshal(body, &sr); err != nil {
			return time.Since(start), err
		}
		if _, err := sr.Verify(pub, dev.ID, n, bundle.Hash(data)); err != nil {
			return time.Since(start), err
		}
		return time.Since(start), nil
	}
	if d, err := legit(); err != nil {
		t.Fatalf("a sync without attack: %v", err)
	} else {
		t.Logf("a sync without attack: %v", d)
	}

	var peakHeap atomic.Uint64
	sampleCtx, stopSampling := context.WithCancel(context.Background())
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for sampleCtx.Err() == nil {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peakHeap.Load() {
				peakHeap.Store(m.HeapInuse)
			}
			select {
			case <-sampleCtx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	})

	tlsConf := &tls.Config{InsecureSkipVerify: true} // attackers do not care whom they talk to
	attacker := func(i int) *net.Dialer {
		return &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+i%50))}}
	}
	attacks := []struct {
		name string
		run  func(ctx context.Context, i int, stats *attackStats)
		n    int
	}{
		{"idle", func(ctx context.Context, i int, st *attackStats) {
			for ctx.Err() == nil {
				c, err := tls.DialWithDialer(attacker(i), "tcp", addr, tlsConf)
				if err != nil {
					st.refused.Add(1)
					pause(ctx, 100*time.Millisecond)
					continue
				}
				st.opened.Add(1)
				stopOnDone(ctx, c)
				fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", wire.HealthPath)
				br := bufio.NewReader(c)
				if resp, err := http.ReadResponse(br, nil); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					st.requests.Add(1)
				}
				br.ReadByte() // idle until the server closes it
				c.Close()
			}
		}, conns},
		{"slowloris", func(ctx context.Context, i int, st *attackStats) {
			for ctx.Err() == nil {
				var c net.Conn
				var err error
				if i%2 == 0 {
					c, err = attacker(i).Dial("tcp", addr) // silent: not even a TLS handshake
				} else {
					c, err = tls.DialWithDialer(attacker(i), "tcp", addr, tlsConf)
				}
				if err != nil {
					st.refused.Add(1)
					pause(ctx, 100*time.Millisecond)
					continue
				}
				st.opened.Add(1)
				stopOnDone(ctx, c)
				if i%2 == 1 {
					fmt.Fprintf(c, "POST %s%s/1 HTTP/1.1\r\nHost: x\r\nX-Slow: ", wire.BundlesPath, dev.ID)
					for ctx.Err() == nil {
						if _, err := c.Write([]byte("a")); err != nil {
							break
						}
						pause(ctx, 500*time.Millisecond)
					}
				} else {
					c.Read(make([]byte, 1))
				}
				c.Close()
			}
		}, conns},
		{"flood", func(ctx context.Context, i int, st *attackStats) {
			tr := &http.Transport{TLSClientConfig: tlsConf, MaxIdleConnsPerHost: 1,
				DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 2, 1)}}).DialContext}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			junk := bytes.Repeat([]byte("x"), 64<<10)
			sig := base64.StdEncoding.EncodeToString([]byte("untrusted comment: x\nnot a signature\n"))
			for ctx.Err() == nil {
				device := dev.ID
				if i%2 == 0 {
					device = "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b" // not enrolled
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s%s%s/1", base, wire.BundlesPath, device), bytes.NewReader(junk))
				req.Header.Set(wire.SignatureHeader, sig)
				resp, err := c.Do(req)
				if err != nil {
					st.refused.Add(1)
					pause(ctx, 10*time.Millisecond)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				st.requests.Add(1)
			}
		}, flooders},
	}

	var longest time.Duration
	for _, a := range attacks {
		logStart := len(logs.String())
		st := new(attackStats)
		actx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for i := range a.n {
			wg.Go(func() { a.run(actx, i, st) })
		}
		// Let the attack build up: every attacker has connected once.
		for built := time.Now(); time.Since(built) < 10*time.Second && st.opened.Load()+st.refused.Load() < int64(a.n); {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		var worst time.Duration
		syncs := 0
		for deadline := time.Now().Add(attackFor); time.Now().Before(deadline) || syncs < 2; syncs++ {
			d, err := legit()
			worst = max(worst, d)
			t.Logf("%s: sync %d took %v", a.name, syncs+1, d.Round(time.Millisecond))
			if err != nil {
				t.Errorf("%s: sync %d failed after %v: %v", a.name, syncs+1, d, err)
			} else if d > 10*time.Second {
				t.Errorf("%s: sync %d took %v, more than 10 s", a.name, syncs+1, d)
			}
			pause(actx, 200*time.Millisecond)
		}
		cancel()
		wg.Wait()
		longest = max(longest, worst)
		lines := strings.Count(logs.String()[logStart:], "\n")
		flooder := strings.Count(logs.String()[logStart:], "127.0.2.1")
		t.Logf("%-9s %d syncs, the longest %v; attackers opened %d connections (%d refused or failed), made %d requests; %d log lines",
			a.name, syncs, worst.Round(time.Millisecond), st.opened.Load(), st.refused.Load(), st.requests.Load(), lines)
		if a.name == "flood" {
			// One address's failures are logged at most logBurst plus
			// one per logEvery.
			if max := logBurst + int((attackFor+2*time.Second)/logEvery) + 1; flooder > max {
				t.Errorf("the flood of %d bad uploads wrote %d log lines, want at most %d:\n%s", st.requests.Load(), flooder, max, logs.String()[logStart:])
			}
		}
	}
	stopSampling()
	sampler.Wait()
	t.Logf("peak Go heap in use (receiver and attackers together): %d MiB", peakHeap.Load()>>20)
	if peakHeap.Load() > 1<<30 {
		t.Errorf("the heap grew to %d MiB", peakHeap.Load()>>20)
	}
	line := fmt.Sprintf("torture: longest legitimate sync under attack: %.2f s\n", longest.Seconds())
	fmt.Print(line)
	if f := os.Getenv("COURTWATCH_TORTURE_REPORT"); f != "" {
		if fh, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fh.WriteString(line)
			fh.Close()
		}
	}
}

type attackStats struct{ opened, refused, requests atomic.Int64 }

// stopOnDone closes c when ctx ends.
func stopOnDone(ctx context.Context, c net.Conn) {
	context.AfterFunc(ctx, func() { c.Close() })
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// raiseFileLimit raises the soft limit of open files to at least n, as far
// as the hard limit allows.
func raiseFileLimit(t *testing.T, n uint64) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skipf("cannot read the open-file limit: %v", err)
	}
	if rl.Cur >= n {
		return
	}
	want := rl
	want.Cur = min(n, rl.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil || want.Cur < n {
		t.Skipf("the open-file limit is %d (hard %d), the test needs %d: %v", rl.Cur, rl.Max, n, err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl) })
}
