package outbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
)

// receiver is a minimal HQ receiver for tests, following the HTTP API in
// sync/wire: it checks each upload's signature with the enrolled device key,
// keeps the first bundle per (device, seq), answers the same bundle again
// with the same receipt and another one with 409.
type receiver struct {
	key     minisign.PrivateKey
	mux     *http.ServeMux
	mu      sync.Mutex
	devices map[string]minisign.PublicKey
	stored  map[string]map[uint64]*storedBundle
	posts   int
	compact int // posts through API v2
	gets    int
	// old makes it a receiver from before API v2, which answers 404 to
	// the compact upload.
	old   bool
	forks int // 409 answers: the monitor sent other bytes under a seq
}

type storedBundle struct {
	hash    string
	receipt wire.SignedReceipt
}

func newReceiver(t testing.TB, hq *hqKeys) *receiver {
	r := &receiver{key: hq.receipt, mux: http.NewServeMux(),
		devices: map[string]minisign.PublicKey{}, stored: map[string]map[uint64]*storedBundle{}}
	r.mux.HandleFunc("POST /v1/bundles/{device}/{seq}", r.post)
	r.mux.HandleFunc("POST /v2/bundles/{device}/{seq}", r.post)
	r.mux.HandleFunc("GET /v1/bundles/{device}/{seq}/receipt", r.receipt)
	r.mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.mux.ServeHTTP(w, req) }

// enroll trusts device's key.
func (r *receiver) enroll(device string, pub minisign.PublicKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.devices[device] = pub
}

func fail(w http.ResponseWriter, status int, format string, a ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": fmt.Sprintf(format, a...)})
}

func (r *receiver) post(w http.ResponseWriter, req *http.Request) {
	dev := req.PathValue("device")
	seq, err := strconv.ParseUint(req.PathValue("seq"), 10, 64)
	if err != nil {
		fail(w, 400, "bad seq")
		return
	}
	compact := strings.HasPrefix(req.URL.Path, wire.BundlesPathV2)
	r.mu.Lock()
	old := r.old
	if !old || !compact {
		r.posts++
	}
	if compact && !old {
		r.compact++
	}
	pub, ok := r.devices[dev]
	r.mu.Unlock()
	switch {
	case compact && old:
		fail(w, 404, "no such page")
		return
	case !ok:
		fail(w, 403, "device %s is not enrolled", dev)
		return
	}
	var sig []byte
	if compact {
		c := make([]byte, wire.CompactSignatureSize)
		if _, err := io.ReadFull(req.Body, c); err != nil {
			fail(w, 400, "the body is shorter than a compact signature")
			return
		}
		sig, err = wire.ExpandSignature(c, dev, seq, pub.ID())
	} else {
		sig, err = base64.StdEncoding.DecodeString(req.Header.Get(wire.SignatureHeader))
	}
	if err != nil {
		fail(w, 400, "bad signature: %v", err)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, req.Body, verify.MaxBundle))
	if err != nil {
		fail(w, 400, "reading the bundle: %v", err)
		return
	}
	tr, err := verify.Verify(data, sig, pub)
	if err == nil {
		err = tr.CheckDevice(dev)
	}
	if err != nil {
		fail(w, 403, "%v", err)
		return
	}
	if tr.Seq != seq {
		fail(w, 400, "the signature is for bundle %d, not %d", tr.Seq, seq)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stored[dev] == nil {
		r.stored[dev] = map[uint64]*storedBundle{}
	}
	if s, ok := r.stored[dev][seq]; ok {
		if s.hash != tr.Hash {
			r.forks++
			fail(w, 409, "bundle %d of device %s is already stored with other content", seq, dev)
			return
		}
		r.answer(w, s.receipt, compact, dev, seq, tr.Hash)
		return
	}
	rc, err := wire.SignReceipt(wire.Receipt{Device: dev, Seq: seq, Hash: tr.Hash, Received: time.Now().UTC().Truncate(time.Second)}, r.key)
	if err != nil {
		fail(w, 500, "%v", err)
		return
	}
	r.stored[dev][seq] = &storedBundle{hash: tr.Hash, receipt: rc}
	r.answer(w, rc, compact, dev, seq, tr.Hash)
}

// answer sends receipt rc, compact if the upload was (as HQ's receiver
// does: without Date or Content-Type), else as JSON.
func (r *receiver) answer(w http.ResponseWriter, rc wire.SignedReceipt, compact bool, dev string, seq uint64, hash string) {
	if c, ok := wire.CompactReceipt(rc, r.key.Public().(minisign.PublicKey), dev, seq, hash); ok && compact {
		w.Header()["Date"], w.Header()["Content-Type"] = nil, nil
		w.Write(c)
		return
	}
	json.NewEncoder(w).Encode(rc)
}

func (r *receiver) receipt(w http.ResponseWriter, req *http.Request) {
	seq, _ := strconv.ParseUint(req.PathValue("seq"), 10, 64)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gets++
	s, ok := r.stored[req.PathValue("device")][seq]
	if !ok {
		fail(w, 404, "no such bundle")
		return
	}
	json.NewEncoder(w).Encode(s.receipt)
}

// holds returns seq -> hash of device's stored bundles.
func (r *receiver) holds(device string) map[uint64]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[uint64]string{}
	for seq, s := range r.stored[device] {
		out[seq] = s.hash
	}
	return out
}

// plant stores a bundle hash without data, to make a fork.
func (r *receiver) plant(device string, seq uint64, hash string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stored[device] == nil {
		r.stored[device] = map[uint64]*storedBundle{}
	}
	rc, _ := wire.SignReceipt(wire.Receipt{Device: device, Seq: seq, Hash: hash, Received: time.Now().UTC()}, r.key)
	r.stored[device][seq] = &storedBundle{hash: hash, receipt: rc}
}

// compactPosts is how many uploads came through API v2.
func (r *receiver) compactPosts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.compact
}

func (r *receiver) counts() (posts, gets int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.posts, r.gets
}

// checkDelivered fails unless the receiver holds exactly the outbox's
// bundles (seq and hash; a map cannot hold duplicates, and a second,
// different bundle under a seq would have been a 409), and every entry's
// receipt is verified.
func checkDelivered(t testing.TB, f *fixture, r *receiver) {
	t.Helper()
	if err := compareDelivered(f, r); err != nil {
		t.Fatal(err)
	}
}

func compareDelivered(f *fixture, r *receiver) error {
	f.checkedUpTo = 0
	return compareNew(f, r)
}

// compareNew is compareDelivered for the bundles sealed since the last
// comparison; the others are settled, and a settled bundle never changes.
func compareNew(f *fixture, r *receiver) error {
	dev := f.v.Device().ID.String()
	held := r.holds(dev)
	var all []*Entry
	err := f.v.View(func(tx *storage.Tx) error {
		c, err := loadCursor(tx)
		if err != nil {
			return err
		}
		if len(held) != int(c.Seq) {
			return fmt.Errorf("receiver holds %d bundles, the outbox has %d", len(held), c.Seq)
		}
		for seq := f.checkedUpTo + 1; seq <= c.Seq; seq++ {
			e, err := loadEntry(tx, seq)
			if err != nil {
				return err
			}
			all = append(all, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	pub := f.hq.receiptPub
	for _, e := range all {
		if held[e.Seq] != e.Hash {
			return fmt.Errorf("bundle %d: receiver holds %.12q, outbox has %.12q", e.Seq, held[e.Seq], e.Hash)
		}
		if e.State != ReceiptVerified || e.Receipt == nil {
			return fmt.Errorf("bundle %d is %s (%s), want receipt_verified", e.Seq, e.State, e.LastError)
		}
		if _, err := e.Receipt.Verify(pub, dev, e.Seq, e.Hash); err != nil {
			return fmt.Errorf("bundle %d: stored receipt: %v", e.Seq, err)
		}
		f.checkedUpTo = e.Seq
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.forks > 0 {
		return fmt.Errorf("the receiver answered 409 %d times: the monitor sent other bytes under a sequence number", r.forks)
	}
	return nil
}
