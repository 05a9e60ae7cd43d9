package receiver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
)

// TestReceiverFlow goes from init to every answer of the upload API, with
// the receiver running on a copy of the HQ folder without age.key or the
// vault, as on an exposed server.
func TestReceiverFlow(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev, stranger, revoked := hqtest.NewDevice(t), hqtest.NewDevice(t), hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	revoked.Enroll(t, dir)
	if _, err := hq.Revoke(dir, revoked.ID); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{hq.AgeKeyFile, "vault"} {
		if err := os.RemoveAll(filepath.Join(dir, secret)); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2026, 5, 2, 8, 30, 0, 0, time.UTC)
	var clock atomic.Int64 // seconds after start; handlers read it
	now := func() time.Time { return start.Add(time.Duration(clock.Load()) * time.Second) }
	srv, _, logs := newServer(t, Config{HQDir: dir, Now: now})

	data, sig := dev.Seal(t, p, 1)
	status, body := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig)
	if status != http.StatusOK {
		t.Fatalf("first upload: %d %s", status, body)
	}
	r := hqtest.CheckReceipt(t, p, body, dev.ID, 1, data)
	if !r.Received.Equal(start) {
		t.Errorf("received = %v, want %v", r.Received, start)
	}

	clock.Store(3600) // a resend must not get a new receipt
	status, again := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig)
	if status != http.StatusOK || !bytes.Equal(again, body) {
		t.Fatalf("same upload again: %d %s, want 200 and the same receipt %s", status, again, body)
	}

	other, otherSig := dev.Seal(t, p, 1)
	strangerData, strangerSig := stranger.Seal(t, p, 1)
	revokedData, revokedSig := revoked.Seal(t, p, 1)
	data2, sig2 := dev.Seal(t, p, 2)

	tests := []struct {
		name      string
		device    string
		seq       uint64
		data, sig []byte
		want      int
		errWant   string
	}{
		{"same seq, other bytes", dev.ID, 1, other, otherSig, 409, "another bundle 1"},
		{"unknown device", stranger.ID, 1, strangerData, strangerSig, 403, "not enrolled"},
		{"revoked device", revoked.ID, 1, revokedData, revokedSig, 403, "revoked"},
		{"bit flip", dev.ID, 2, flip(data2), sig2, 403, "changed or cut short"},
		{"truncated", dev.ID, 2, data2[:len(data2)-1], sig2, 403, "changed or cut short"},
		{"another key's signature", dev.ID, 1, strangerData, strangerSig, 403, "signed with key"},
		{"signature for seq 2 on URL 3", dev.ID, 3, data2, sig2, 400, "names bundle 3"},
		{"no signature", dev.ID, 2, data2, nil, 400, "header"},
		{"damaged signature", dev.ID, 2, data2, sig2[:40], 403, "not a minisign signature"},
		{"bad URL seq", dev.ID, 0, data2, sig2, 400, "not a number"},
	}
	for _, tt := range tests {
		status, body := hqtest.Post(t, nil, srv.URL, tt.device, tt.seq, tt.data, tt.sig)
		if status != tt.want || !strings.Contains(string(body), tt.errWant) {
			t.Errorf("%s: %d %s, want %d and %q", tt.name, status, body, tt.want, tt.errWant)
		}
	}

	// Nothing but bundle 1 was stored.
	store := srv.Config.Handler.(*Receiver).cfg.Store
	files := hqtest.StoreFiles(t, store)
	want := []string{dev.ID + "/000000000001.cwb", dev.ID + "/000000000001.cwb.minisig", dev.ID + "/000000000001.receipt.json"}
	if !slices.Equal(files, want) {
		t.Errorf("store holds %q, want %q", files, want)
	}
	stored, _ := os.ReadFile(filepath.Join(store, want[0]))
	storedSig, _ := os.ReadFile(filepath.Join(store, want[1]))
	if !bytes.Equal(stored, data) || !bytes.Equal(storedSig, sig) {
		t.Error("the stored bundle or signature differs from the upload")
	}
	if _, err := verify.Verify(stored, storedSig, dev.Signer.Public()); err != nil {
		t.Errorf("stored bundle: %v", err)
	}

	// GET receipt.
	status, got := hqtest.Get(t, nil, fmt.Sprintf("%s%s%s/1/receipt", srv.URL, wire.BundlesPath, dev.ID))
	if status != 200 || !bytes.Equal(got, body) {
		t.Errorf("GET receipt: %d %s, want 200 %s", status, got, body)
	}
	for _, path := range []string{dev.ID + "/2/receipt", stranger.ID + "/1/receipt"} {
		if status, got := hqtest.Get(t, nil, srv.URL+wire.BundlesPath+path); status != 404 || !json.Valid(got) {
			t.Errorf("GET %s: %d %s, want 404 with a JSON error", path, status, got)
		}
	}
	if status, got := hqtest.Get(t, nil, srv.URL+wire.HealthPath); status != 200 || string(got) != "ok" {
		t.Errorf("health: %d %q", status, got)
	}

	// The log names devices and outcomes, never content.
	log := logs.String()
	for _, want := range []string{"outcome=stored", "outcome=duplicate", "outcome=conflict", "device=" + dev.ID} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "age-encryption.org") || strings.Contains(log, "untrusted comment") {
		t.Errorf("log holds bundle or signature content:\n%s", log)
	}
}

func flip(b []byte) []byte {
	b = bytes.Clone(b)
	b[len(b)/3] ^= 0x40
	return b
}

// TestReceiverTooLarge: a body over the limit is 413, whether its length
// is announced or not, and nothing is stored.
func TestReceiverTooLarge(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	data, sig := dev.Seal(t, p, 1)
	srv, rv, _ := newServer(t, Config{HQDir: dir, MaxBody: int64(len(data) - 1)})

	if status, body := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig); status != 413 {
		t.Errorf("announced length: %d %s, want 413", status, body)
	}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/1", srv.URL, wire.BundlesPath, dev.ID), struct{ *bytes.Reader }{bytes.NewReader(data)})
	req.Header.Set(wire.SignatureHeader, hqtest.B64(sig))
	if req.ContentLength != 0 {
		t.Fatal("want a chunked upload")
	}
	if status, body := hqtest.Do(t, nil, req); status != 413 {
		t.Errorf("chunked: %d %s, want 413", status, body)
	}
	if files := hqtest.StoreFiles(t, rv.cfg.Store); len(files) != 0 {
		t.Errorf("store holds %q", files)
	}
}

// TestReceiverConcurrentSameSeq: of uploads racing for one seq, one bundle
// wins; its uploads all get the same receipt and the others 409.
func TestReceiverConcurrentSameSeq(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	a, aSig := dev.Seal(t, p, 1)
	b, bSig := dev.Seal(t, p, 1)
	for round := range 5 {
		srv, rv, _ := newServer(t, Config{HQDir: dir})
		type answer struct {
			isA    bool
			status int
			body   string
		}
		answers := make([]answer, 12)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() {
				data, sig := a, aSig
				if i%2 == 1 {
					data, sig = b, bSig
				}
				status, body := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig)
				answers[i] = answer{i%2 == 0, status, string(body)}
			})
		}
		wg.Wait()
		stored, _ := os.ReadFile(filepath.Join(rv.cfg.Store, dev.ID, "000000000001.cwb"))
		winnerIsA := bytes.Equal(stored, a)
		if !winnerIsA && !bytes.Equal(stored, b) {
			t.Fatalf("round %d: the stored bundle is neither upload", round)
		}
		var receipt string
		for i, ans := range answers {
			switch {
			case ans.isA == winnerIsA && ans.status == 200 && (receipt == "" || receipt == ans.body):
				receipt = ans.body
			case ans.isA != winnerIsA && ans.status == 409:
			default:
				t.Errorf("round %d upload %d (bundle a: %v, winner a: %v): %d %s", round, i, ans.isA, winnerIsA, ans.status, ans.body)
			}
		}
		if n := len(hqtest.StoreFiles(t, rv.cfg.Store)); n != 3 {
			t.Errorf("round %d: store holds %d files, want 3", round, n)
		}
	}
}

// TestReceiverRepairsLostReceipt: a bundle stored by a receiver that
// stopped before writing the receipt gets it on the next upload, and
// temporary files left by a crash are removed.
func TestReceiverRepairsLostReceipt(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	data, sig := dev.Seal(t, p, 1)
	srv, rv, _ := newServer(t, Config{HQDir: dir})
	if status, body := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	base := filepath.Join(rv.cfg.Store, dev.ID, "000000000001")
	os.Remove(base + ".receipt.json")
	if status, _ := hqtest.Get(t, nil, srv.URL+wire.BundlesPath+dev.ID+"/1/receipt"); status != 404 {
		t.Errorf("GET without a receipt: %d, want 404", status)
	}
	other, otherSig := dev.Seal(t, p, 1)
	if status, body := hqtest.Post(t, nil, srv.URL, dev.ID, 1, other, otherSig); status != 409 {
		t.Errorf("other bundle, receipt lost: %d %s, want 409", status, body)
	}
	status, body := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig)
	if status != 200 {
		t.Fatalf("resend: %d %s", status, body)
	}
	hqtest.CheckReceipt(t, p, body, dev.ID, 1, data)
	if b, _ := os.ReadFile(base + ".receipt.json"); !bytes.Equal(bytes.TrimSpace(body), b) {
		t.Error("the new receipt was not stored")
	}

	stale := filepath.Join(rv.cfg.Store, dev.ID, tempPrefix+"old")
	fresh := filepath.Join(rv.cfg.Store, dev.ID, tempPrefix+"new")
	os.WriteFile(stale, []byte("x"), 0o600)
	os.WriteFile(fresh, []byte("x"), 0o600)
	old := time.Now().Add(-2 * staleTemp)
	os.Chtimes(stale, old, old)
	if _, err := New(Config{HQDir: dir, Store: rv.cfg.Store}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale temporary file was kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a running upload's temporary file was removed")
	}
}

// TestReceiverBusy: when MaxUploads uploads are running, another gets 503
// with Retry-After.
func TestReceiverBusy(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	data, sig := dev.Seal(t, p, 1)
	srv, _, _ := newServer(t, Config{HQDir: dir, MaxUploads: 1})

	started := make(chan struct{})
	release := make(chan struct{})
	slow := &slowBody{data: data, started: started, release: release}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+wire.BundlesPath+dev.ID+"/1", slow)
	req.Header.Set(wire.SignatureHeader, hqtest.B64(sig))
	done := make(chan int)
	go func() {
		status, _ := hqtest.Do(t, nil, req)
		done <- status
	}()
	<-started
	time.Sleep(50 * time.Millisecond) // let the first upload take the only slot
	req2, _ := http.NewRequest(http.MethodPost, srv.URL+wire.BundlesPath+dev.ID+"/1", bytes.NewReader(data))
	req2.Header.Set(wire.SignatureHeader, hqtest.B64(sig))
	resp, err := http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("second upload: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	close(release)
	if status := <-done; status != 200 {
		t.Errorf("first upload: %d", status)
	}
}

// slowBody sends its first byte, signals started, and the rest once
// release is closed.
type slowBody struct {
	data             []byte
	n                int
	started, release chan struct{}
}

func (s *slowBody) Read(p []byte) (int, error) {
	switch {
	case s.n == 0:
		s.n = copy(p[:1], s.data)
		close(s.started)
		return 1, nil
	case s.n == len(s.data):
		return 0, io.EOF
	}
	<-s.release
	n := copy(p, s.data[s.n:])
	s.n += n
	return n, nil
}
