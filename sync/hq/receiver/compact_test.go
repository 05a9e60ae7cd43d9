package receiver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
)

// postCompact uploads a bundle through API v2: the compact signature c,
// then the bundle, in the body.
func postCompact(t *testing.T, base, device string, seq uint64, c, data []byte) (*http.Response, []byte) {
	t.Helper()
	url := fmt.Sprintf("%s%s%s/%d", base, wire.BundlesPathV2, device, seq)
	resp, err := http.Post(url, "", bytes.NewReader(append(bytes.Clone(c), data...)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp, b.Bytes()
}

func compactSig(t *testing.T, sig []byte, device string, seq uint64) []byte {
	t.Helper()
	c, ok := wire.CompactSignature(sig, device, seq)
	if !ok {
		t.Fatalf("bundle.Seal's signature has no compact form:\n%s", sig)
	}
	return c
}

// TestCompactUpload: API v2 stores the same .minisig file as v1 and
// answers with a compact receipt that expands to the stored one; a receipt
// stored by v1 goes back compact to v2, and one with no compact form as
// JSON; v2 refuses what v1 refuses.
func TestCompactUpload(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	pub, err := p.ReceiptPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	dev, stranger := hqtest.NewDevice(t), hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	store := filepath.Join(t.TempDir(), "store")
	start := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	srv, _, _ := newServer(t, Config{HQDir: dir, Store: store, Now: func() time.Time { return start }})
	stored := func(seq uint64, ext string) []byte {
		b, err := os.ReadFile(filepath.Join(store, dev.ID, fmt.Sprintf("%012d", seq)+ext))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	data, sig := dev.Seal(t, p, 1)
	c := compactSig(t, sig, dev.ID, 1)
	resp, body := postCompact(t, srv.URL, dev.ID, 1, c, data)
	if resp.StatusCode != 200 || !wire.IsCompactReceipt(body) {
		t.Fatalf("v2 upload: %d %q, want 200 and a compact receipt", resp.StatusCode, body)
	}
	for _, h := range []string{"Date", "Content-Type"} {
		if v, ok := resp.Header[h]; ok {
			t.Errorf("compact receipt sent with %s: %q", h, v)
		}
	}
	sr, err := wire.ExpandReceipt(body, pub, dev.ID, 1, bundle.Hash(data))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := sr.Verify(pub, dev.ID, 1, bundle.Hash(data)); err != nil || !r.Received.Equal(start) {
		t.Fatalf("expanded receipt: %+v, %v", r, err)
	}
	if got := stored(1, ".cwb.minisig"); !bytes.Equal(got, sig) {
		t.Errorf("stored signature:\n%s\nwant the device's .minisig file:\n%s", got, sig)
	}
	if got := stored(1, ".cwb"); !bytes.Equal(got, data) {
		t.Error("stored bundle differs from the upload")
	}
	var want wire.SignedReceipt
	if err := json.Unmarshal(stored(1, ".receipt.json"), &want); err != nil || sr != want {
		t.Errorf("expanded receipt %+v, want the stored %+v (%v)", sr, want, err)
	}

	// The same bundle again, by v2 and by v1: the same receipt.
	if resp, again := postCompact(t, srv.URL, dev.ID, 1, c, data); resp.StatusCode != 200 || !bytes.Equal(again, body) {
		t.Errorf("v2 resend: %d %q, want the same compact receipt", resp.StatusCode, again)
	}
	if status, js := hqtest.Post(t, nil, srv.URL, dev.ID, 1, data, sig); status != 200 || !bytes.Equal(bytes.TrimSpace(js), stored(1, ".receipt.json")) {
		t.Errorf("v1 resend: %d %s, want the stored JSON receipt", status, js)
	}

	// A bundle stored by v1, resent by v2: its receipt goes compact.
	data2, sig2 := dev.Seal(t, p, 2)
	if status, js := hqtest.Post(t, nil, srv.URL, dev.ID, 2, data2, sig2); status != 200 {
		t.Fatalf("v1 upload: %d %s", status, js)
	}
	c2 := compactSig(t, sig2, dev.ID, 2)
	if resp, got := postCompact(t, srv.URL, dev.ID, 2, c2, data2); resp.StatusCode != 200 || !wire.IsCompactReceipt(got) {
		t.Errorf("v2 resend of a v1 upload: %d %q, want a compact receipt", resp.StatusCode, got)
	}

	// A stored receipt without a compact form (here: a time with a
	// fraction of a second) goes back as JSON.
	key, err := hq.ReceiptKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	odd, err := wire.SignReceipt(wire.Receipt{Device: dev.ID, Seq: 2, Hash: bundle.Hash(data2), Received: start.Add(time.Millisecond)}, key)
	if err != nil {
		t.Fatal(err)
	}
	oddJSON, _ := json.Marshal(odd)
	if err := os.WriteFile(filepath.Join(store, dev.ID, fmt.Sprintf("%012d", 2)+".receipt.json"), oddJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	if resp, got := postCompact(t, srv.URL, dev.ID, 2, c2, data2); resp.StatusCode != 200 || !bytes.Equal(bytes.TrimSpace(got), oddJSON) {
		t.Errorf("v2 resend with a receipt that has no compact form: %d %q, want its JSON", resp.StatusCode, got)
	}

	other, otherSig := dev.Seal(t, p, 1)
	data3, sig3 := dev.Seal(t, p, 3)
	c3 := compactSig(t, sig3, dev.ID, 3)
	strangerData, strangerSig := stranger.Seal(t, p, 3)
	for _, tc := range []struct {
		name    string
		device  string
		seq     uint64
		c, data []byte
		want    int
		errWant string
	}{
		{"same seq, other bytes", dev.ID, 1, compactSig(t, otherSig, dev.ID, 1), other, 409, "another bundle 1"},
		{"signature of another seq", dev.ID, 4, c3, data3, 403, "signature"},
		{"bit flip", dev.ID, 3, c3, flip(data3), 403, "changed or cut short"},
		{"signature flipped", dev.ID, 3, flip(c3), data3, 403, "signature"},
		{"unknown device", stranger.ID, 3, compactSig(t, strangerSig, stranger.ID, 3), strangerData, 403, "not enrolled"},
		{"another key's signature", dev.ID, 3, compactSig(t, strangerSig, stranger.ID, 3), strangerData, 403, "signature"},
		{"body shorter than a signature", dev.ID, 3, c3[:100], nil, 400, "compact signature"},
	} {
		resp, got := postCompact(t, srv.URL, tc.device, tc.seq, tc.c, tc.data)
		var msg struct{ Error string }
		json.Unmarshal(got, &msg)
		if resp.StatusCode != tc.want || !strings.Contains(msg.Error, tc.errWant) {
			t.Errorf("%s: %d %q, want %d with %q", tc.name, resp.StatusCode, got, tc.want, tc.errWant)
		}
	}
	if _, err := os.Stat(filepath.Join(store, dev.ID, fmt.Sprintf("%012d", 3)+".cwb")); !os.IsNotExist(err) {
		t.Errorf("a refused upload was stored: %v", err)
	}
	if status, _ := hqtest.Get(t, nil, srv.URL+wire.BundlesPathV2+dev.ID+"/3"); status != 405 {
		t.Errorf("GET on the v2 upload: %d, want 405", status)
	}
	if status, _ := hqtest.Get(t, nil, srv.URL+wire.BundlesPathV2+dev.ID+"/3/receipt"); status != 404 {
		t.Errorf("v2 receipt lookup, which v2 lacks: %d, want 404", status)
	}
}

// TestCompactUploadTooLarge: a compact upload over the limit is 413,
// announced (before its signature is read, so that a client waiting for
// 100 Continue sends no body) or chunked, and nothing is stored. A bundle
// of exactly the limit, with its signature over it, is taken.
func TestCompactUploadTooLarge(t *testing.T) {
	dir := hqtest.NewHQ(t)
	p := hqtest.Profile(t, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(t)
	dev.Enroll(t, dir)
	data, sig := dev.Seal(t, p, 1)
	c := compactSig(t, sig, dev.ID, 1)
	srv, rv, _ := newServer(t, Config{HQDir: dir, MaxBody: int64(len(data) - 1)})
	url := fmt.Sprintf("%s%s%s/1", srv.URL, wire.BundlesPathV2, dev.ID)
	body := append(bytes.Clone(c), data...)

	sent := &countingReader{r: bytes.NewReader(body)}
	req, _ := http.NewRequest(http.MethodPost, url, sent)
	req.ContentLength = int64(len(body))
	req.Header.Set("Expect", "100-continue")
	tr := &http.Transport{ExpectContinueTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	if status, got := hqtest.Do(t, &http.Client{Transport: tr}, req); status != 413 || sent.n != 0 {
		t.Errorf("announced length: %d %s after %d bytes of the body, want 413 before any", status, got, sent.n)
	}
	req, _ = http.NewRequest(http.MethodPost, url, struct{ *bytes.Reader }{bytes.NewReader(body)})
	if status, got := hqtest.Do(t, nil, req); status != 413 {
		t.Errorf("chunked: %d %s, want 413", status, got)
	}
	if files := hqtest.StoreFiles(t, rv.cfg.Store); len(files) != 0 {
		t.Errorf("store holds %q", files)
	}

	srv, _, _ = newServer(t, Config{HQDir: dir, MaxBody: int64(len(data))})
	if resp, got := postCompact(t, srv.URL, dev.ID, 1, c, data); resp.StatusCode != 200 || !wire.IsCompactReceipt(got) {
		t.Errorf("a bundle of exactly the limit: %d %q, want 200", resp.StatusCode, got)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	return n, err
}
