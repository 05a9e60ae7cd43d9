package outbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
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

// realHQ is HQ's real receiver on 127.0.0.1, with the fixture's device
// enrolled and its profile installed. With old set, it answers the
// compact upload (API v2) as receivers before v2 did: 404, "no such page".
type realHQ struct {
	dir, store string
	srv        *httptest.Server
	profile    hqprofile.Profile
	n          atomic.Int64 // bytes on the wire, both ways
	old        atomic.Bool
	mu         sync.Mutex
	requests   []string // "POST /v2/bundles/…" and Expect: 100-continue as " (expect)"
}

func newRealHQ(t *testing.T, f *fixture) *realHQ {
	h := &realHQ{dir: filepath.Join(t.TempDir(), "hq"), store: t.TempDir()}
	if err := setup.Init(h.dir, setup.InitOptions{Passphrase: testPass, KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	dev := f.v.Device()
	file, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: dev.ID.String(), Monitor: dev.Name, PublicKey: bundle.PublicKey(dev.PublicKey).String()})
	if _, _, err := hq.Enroll(h.dir, file); err != nil {
		t.Fatal(err)
	}
	rv, err := hqreceiver.New(hqreceiver.Config{HQDir: h.dir, Store: h.store})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := r.Method + " " + r.URL.Path
		if r.Header.Get("Expect") != "" {
			req += " (expect)"
		}
		h.mu.Lock()
		h.requests = append(h.requests, req)
		h.mu.Unlock()
		if h.old.Load() && strings.HasPrefix(r.URL.Path, wire.BundlesPathV2) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":"no such page; the receiver serves %s and %s"}`+"\n", wire.BundlesPath, wire.HealthPath)
			return
		}
		rv.ServeHTTP(w, r)
	}))
	h.srv.Listener = countingListener{h.srv.Listener, &h.n}
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	if h.profile, err = setup.Profile(h.dir, h.srv.URL, nil, "", false); err != nil {
		t.Fatal(err)
	}
	if err := AddProfile(f.v, h.profile, "", true); err != nil {
		t.Fatal(err)
	}
	return h
}

// took returns the requests since the last call, as "POST v1" or "POST
// v2", with " (expect)" for Expect: 100-continue.
func (h *realHQ) took() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.requests {
		r = strings.Replace(r, wire.BundlesPath, "v1 ", 1)
		r = strings.Replace(r, wire.BundlesPathV2, "v2 ", 1)
		method, rest, _ := strings.Cut(r, " ")
		api, rest, _ := strings.Cut(rest, " ")
		_, expect, _ := strings.Cut(rest, " ")
		out = append(out, strings.TrimSpace(method+" "+api+" "+expect))
	}
	h.requests = nil
	return out
}

// file reads a file of bundle seq of the vault's device in the store.
func (h *realHQ) file(t *testing.T, f *fixture, seq uint64, ext string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.store, f.v.Device().ID.String(), fmt.Sprintf("%012d", seq)+ext))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkStored fails unless every bundle of the vault is receipt_verified,
// its receipt verifies with HQ's key and is, to the byte, the one HQ
// stored, and HQ stored the device's .minisig file unchanged.
func (h *realHQ) checkStored(t *testing.T, f *fixture) {
	t.Helper()
	pub, err := h.profile.ReceiptPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.entries() {
		if e.State != ReceiptVerified {
			t.Fatalf("bundle %d is %s (%s)", e.Seq, e.State, e.LastError)
		}
		if _, err := e.Receipt.Verify(pub, e.Device, e.Seq, e.Hash); err != nil {
			t.Errorf("bundle %d: stored receipt: %v", e.Seq, err)
		}
		var stored wire.SignedReceipt
		if err := json.Unmarshal(h.file(t, f, e.Seq, ".receipt.json"), &stored); err != nil || stored != *e.Receipt {
			t.Errorf("bundle %d: the vault's receipt %+v is not HQ's %+v (%v)", e.Seq, *e.Receipt, stored, err)
		}
		_, _, sig, err := Bundle(f.v, e.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.file(t, f, e.Seq, ".cwb.minisig"); !bytes.Equal(got, sig) {
			t.Errorf("bundle %d: HQ stored the signature\n%s\nnot the device's\n%s", e.Seq, got, sig)
		}
	}
}

func equal(a []string, b ...string) bool { return strings.Join(a, "|") == strings.Join(b, "|") }

// TestCompactSyncNewReceiver: a device uploads with API v2 to HQ's
// receiver, which stores the same signature file and receipt as v1 would.
func TestCompactSyncNewReceiver(t *testing.T) {
	f := newFixture(t)
	h := newRealHQ(t, f)
	f.seal()
	f.notes(f.hearing, 2)
	f.seal()
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Verified) != 2 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	if got := h.took(); !equal(got, "POST v2", "POST v2") {
		t.Errorf("requests %q, want two compact uploads", got)
	}
	h.checkStored(t, f)
}

// TestCompactSyncOldReceiver: against a receiver from before API v2, the
// device falls back to v1 after one 404, and remembers it for the rest of
// the pass. A large bundle asks with Expect: 100-continue first, so that
// the 404 comes before its body: it goes on the wire once, not twice.
func TestCompactSyncOldReceiver(t *testing.T) {
	f := newFixture(t)
	h := newRealHQ(t, f)
	h.old.Store(true)
	f.seal()
	f.notes(f.hearing, 1)
	f.seal()
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Verified) != 2 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	if got := h.took(); !equal(got, "POST v2", "POST v1", "POST v1") {
		t.Errorf("requests %q, want one compact upload (404), then v1", got)
	}

	big := make([]byte, 64<<10)
	rand.Read(big)
	n := noteAt(f.hearing, 100)
	n.Text = hex.EncodeToString(big) // incompressible
	f.put(n)
	e := f.seal()
	h.n.Store(0)
	res, err = Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Verified) != 1 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	if got := h.took(); !equal(got, "POST v2 (expect)", "POST v1") {
		t.Errorf("requests %q, want a compact upload that asks first (404), then v1", got)
	}
	if wire := h.n.Load(); wire > e.Size+16<<10 {
		t.Errorf("%d bytes on the wire for a bundle of %d: the body went out twice", wire, e.Size)
	}
	h.checkStored(t, f)
}

// TestCompactSyncOldDevice: a device from before API v2 (the v1 path,
// which this version still sends after a 404) uploads to the new receiver;
// then the new device, whose vault holds those v1 receipts, goes on with
// v2, and every receipt in the vault verifies.
func TestCompactSyncOldDevice(t *testing.T) {
	f := newFixture(t)
	h := newRealHQ(t, f)
	v1only := func(p hqprofile.Profile) (Transport, error) {
		t, err := NewHTTPS(p, fast)
		if err == nil {
			t.v1.Store(true)
		}
		return t, err
	}
	f.seal()
	f.notes(f.hearing, 1)
	f.seal()
	res, err := Deliver(context.Background(), f.v, v1only, nil)
	if err != nil || len(res.Verified) != 2 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	if got := h.took(); !equal(got, "POST v1", "POST v1") {
		t.Errorf("requests %q, want v1 only", got)
	}
	f.reopen() // the receipts are read back from the vault
	f.notes(f.hearing, 1)
	f.seal()
	if res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil || len(res.Verified) != 1 {
		t.Fatalf("Deliver = %v, %+v", err, res)
	}
	if got := h.took(); !equal(got, "POST v2") {
		t.Errorf("requests %q, want a compact upload", got)
	}
	h.checkStored(t, f)
}

// TestCompactReceiptAsJSON: a receipt HQ stored that has no compact form
// (here: a time with a fraction of a second) comes back to a compact
// upload as JSON, and the device takes it as before.
func TestCompactReceiptAsJSON(t *testing.T) {
	f := newFixture(t)
	h := newRealHQ(t, f)
	e := f.seal()
	_, data, sig, err := Bundle(f.v, e.Seq)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewHTTPS(h.profile, fast)
	if err != nil {
		t.Fatal(err)
	}
	e.Attempts = 1
	if _, err := tr.Deliver(context.Background(), e, data, sig, nil); err != nil {
		t.Fatal(err)
	}
	key, err := hq.ReceiptKey(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	odd, err := wire.SignReceipt(wire.Receipt{Device: e.Device, Seq: e.Seq, Hash: e.Hash, Received: time.Now().UTC().Add(time.Millisecond)}, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(odd)
	if err := os.WriteFile(filepath.Join(h.store, e.Device, fmt.Sprintf("%012d.receipt.json", e.Seq)), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var calls []int64
	r, err := tr.Deliver(context.Background(), e, data, sig, func(sent, total int64) { calls = append(calls, sent, total) })
	if err != nil || *r != odd {
		t.Fatalf("Deliver = %+v, %v; want the stored receipt %+v", r, err, odd)
	}
	pub, _ := h.profile.ReceiptPublicKey()
	if _, err := r.Verify(pub, e.Device, e.Seq, e.Hash); err != nil {
		t.Fatal(err)
	}
	if got := h.took(); !equal(got, "POST v2", "POST v2") {
		t.Errorf("requests %q, want two compact uploads", got)
	}
	if n := int64(len(data)); len(calls) != 2 || calls[0] != n || calls[1] != n {
		t.Errorf("progress calls %v, want (%d, %d)", calls, n, n)
	}
}
