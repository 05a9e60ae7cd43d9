package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
)

// miniHQ is the least of a receiver for the CLI's sync: it checks each
// upload's signature with the enrolled device file and answers with a
// signed receipt (sync/outbox tests the protocol in depth).
type miniHQ struct {
	device  wire.Device
	key     minisign.PrivateKey
	mu      sync.Mutex
	stored  map[string]wire.SignedReceipt // path -> receipt
	uploads int
}

func (h *miniHQ) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rc, ok := h.stored[strings.TrimSuffix(r.URL.Path, "/receipt")]; ok {
		json.NewEncoder(w).Encode(rc)
		return
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, wire.BundlesPath) { // API v1 only, as receivers before v2
		http.Error(w, `{"error":"no such bundle"}`, http.StatusNotFound)
		return
	}
	h.uploads++
	data, _ := io.ReadAll(r.Body)
	sig, _ := base64.StdEncoding.DecodeString(r.Header.Get(wire.SignatureHeader))
	pub, _ := h.device.Key()
	tr, err := verify.Verify(data, sig, pub)
	if err == nil {
		err = tr.CheckDevice(h.device.ID)
	}
	if err != nil {
		http.Error(w, `{"error":"bad signature"}`, http.StatusForbidden)
		return
	}
	rc, _ := wire.SignReceipt(wire.Receipt{Device: tr.Device, Seq: tr.Seq, Hash: tr.Hash, Received: time.Now().UTC().Truncate(time.Second)}, h.key)
	h.stored[r.URL.Path] = rc
	json.NewEncoder(w).Encode(rc)
}

func TestSyncDelivers(t *testing.T) {
	v := newCLIVault(t)
	h := v.hearing()
	var dev wire.Device
	if err := json.Unmarshal([]byte(v.must("device", "export")), &dev); err != nil {
		t.Fatal(err)
	}
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	hq := &miniHQ{device: dev, key: priv, stored: map[string]wire.SignedReceipt{}}
	s := httptest.NewServer(hq)
	defer s.Close()
	profile, _ := json.Marshal(hqprofile.Profile{Format: hqprofile.Format, Name: "hq", URL: s.URL,
		Recipients: []string{id.Recipient().String()}, ReceiptKey: pub.String()})
	file := filepath.Join(t.TempDir(), "profile.json")
	os.WriteFile(file, profile, 0o600)
	v.must("hq", "add", file)

	out := v.must("sync")
	for _, want := range []string{
		"sealed bundle 1: 2 versions, 0 attachments, ",
		"delivered bundle 1 to " + s.URL + ": receipt verified\n",
		"HQ has confirmed every bundle\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("sync printed\n%s\nwant %q", out, want)
		}
	}
	v.must("note", "add", "--hearing", h, "Judge enters")
	out = v.must("sync")
	if !strings.Contains(out, "delivered bundle 2 to ") {
		t.Errorf("second sync printed\n%s", out)
	}
	if out := v.must("sync"); out != "nothing new to export\nHQ has confirmed every bundle\n" {
		t.Errorf("sync with nothing new printed %q", out)
	}
	if hq.uploads != 2 {
		t.Errorf("%d uploads for 2 bundles", hq.uploads)
	}
	out = v.must("outbox")
	if n := strings.Count(out, " receipt_verified "); n != 2 {
		t.Errorf("outbox shows %d bundles confirmed, want 2:\n%s", n, out)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(v.must("outbox", "--json")), &entries); err != nil || len(entries) != 2 || entries[1]["receipt"] == nil {
		t.Errorf("outbox --json: %v, %v", err, entries)
	}
	if !bytes.Contains([]byte(v.must("hq", "list", "--json")), []byte(`"default": true`)) {
		t.Error("hq list --json does not show the default profile")
	}
}
