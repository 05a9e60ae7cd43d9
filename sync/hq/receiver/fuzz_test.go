package receiver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
)

// FuzzReceiver sends the handler arbitrary requests. It must not panic,
// must answer no 5xx but 503, and must store nothing but bundles that
// verify, each with its signature and a receipt for it.
func FuzzReceiver(f *testing.F) {
	dir := hqtest.NewHQ(f)
	p := hqtest.Profile(f, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(f)
	dev.Enroll(f, dir)
	data, sig := dev.Seal(f, p, 1)
	data2, sig2 := dev.Seal(f, p, 2)
	store := f.TempDir()
	rv, err := New(Config{HQDir: dir, Store: store, MaxBody: 64 << 10})
	if err != nil {
		f.Fatal(err)
	}
	pub := dev.Signer.Public()
	up := wire.BundlesPath + dev.ID + "/"

	f.Add("POST", up+"1", hqtest.B64(sig), "", "", data, true)
	f.Add("POST", up+"2", hqtest.B64(sig2), "Content-Type", "application/octet-stream", data2, false)
	f.Add("POST", up+"2", hqtest.B64(sig), "", "", data, true)
	f.Add("POST", up+"1", hqtest.B64(sig)+"=", "", "", data[:len(data)-1], true)
	f.Add("GET", up+"1/receipt", "", "", "", []byte{}, true)
	f.Add("GET", wire.HealthPath, "", "", "", []byte{}, true)
	f.Add("PUT", up+"01", "", "Transfer-Encoding", "chunked", []byte("junk"), false)
	f.Add("POST", wire.BundlesPath+"../../etc/1", "x", "", "", []byte{}, true)
	// API v2: the compact signature leads the body.
	up2 := wire.BundlesPathV2 + dev.ID + "/"
	c, _ := wire.CompactSignature(sig, dev.ID, 1)
	c2, _ := wire.CompactSignature(sig2, dev.ID, 2)
	f.Add("POST", up2+"1", "", "", "", append(bytes.Clone(c), data...), true)
	f.Add("POST", up2+"2", "", "", "", append(bytes.Clone(c2), data2...), false)
	f.Add("POST", up2+"2", "", "", "", append(bytes.Clone(c), data...), true)
	f.Add("POST", up2+"1", "", "", "", c[:40], true)
	f.Add("GET", up2+"1/receipt", "", "", "", []byte{}, true)

	f.Fuzz(func(t *testing.T, method, path, sigHeader, name, value string, body []byte, withLength bool) {
		req := &http.Request{
			Method: method, URL: &url.URL{Path: path}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1,
			Host: "127.0.0.1", RemoteAddr: "127.0.0.1:1234", RequestURI: path,
		}
		if withLength {
			req.ContentLength = int64(len(body))
		}
		if sigHeader != "" {
			req.Header.Set(wire.SignatureHeader, sigHeader)
		}
		if name != "" {
			req.Header[name] = append(req.Header[name], value)
		}
		w := httptest.NewRecorder()
		rv.ServeHTTP(w, req)
		if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %q: %d %s", method, path, w.Code, w.Body)
		}
		if w.Code == http.StatusOK && strings.HasPrefix(path, wire.BundlesPathV2) && !wire.IsCompactReceipt(w.Body.Bytes()) && !json.Valid(w.Body.Bytes()) {
			t.Errorf("%s %q: 200 with neither a compact receipt nor JSON: %q", method, path, w.Body)
		}
		if w.Code != http.StatusOK && !json.Valid(w.Body.Bytes()) && path != wire.HealthPath {
			t.Errorf("%s %q: %d with a body that is not JSON: %q", method, path, w.Code, w.Body)
		}
		checkStore(t, store, dev.ID, pub, p)
	})
}

// checkStore fails unless every file in store belongs to a stored bundle
// of device that verifies, with its signature and receipt.
func checkStore(t *testing.T, store, device string, pub minisign.PublicKey, p hqprofile.Profile) {
	t.Helper()
	files := hqtest.StoreFiles(t, store)
	for _, f := range files {
		base, ok := strings.CutSuffix(f, ".cwb")
		if !ok {
			continue
		}
		data, _ := os.ReadFile(filepath.Join(store, f))
		sig, _ := os.ReadFile(filepath.Join(store, f+".minisig"))
		tr, err := verify.Verify(data, sig, pub)
		if err != nil || filepath.Dir(f) != device {
			t.Fatalf("stored %s does not verify: %v", f, err)
		}
		receipt, err := os.ReadFile(filepath.Join(store, base+".receipt.json"))
		if err != nil {
			t.Fatalf("stored %s has no receipt", f)
		}
		hqtest.CheckReceipt(t, p, receipt, device, tr.Seq, data)
	}
	for _, f := range files {
		ok := strings.HasSuffix(f, ".cwb") || strings.HasSuffix(f, ".cwb.minisig") || strings.HasSuffix(f, ".receipt.json")
		if !ok || filepath.Dir(f) != device {
			t.Fatalf("store holds %s", f)
		}
	}
}
