package importer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"filippo.io/age"
)

var testPass = []byte("correct horse battery staple")

// newHQ makes an HQ folder with a fast vault KDF.
func newHQ(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hq")
	if err := setup.Init(dir, setup.InitOptions{Name: "Test HQ", Passphrase: testPass, KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testDevice is a monitor's device, made from a real vault, with the
// record versions that vault holds.
type testDevice struct {
	id      string
	signer  *bundle.Signer
	records [][]byte
}

// newDevice makes a vault with one case in it and keeps its device key.
func newDevice(t testing.TB) *testDevice {
	t.Helper()
	v, err := storage.Create(t.TempDir(), testPass, storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "Sok Dara"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Put(&storage.Case{Title: "CNRP leaders", Number: "C-1/2024"}); err != nil {
		t.Fatal(err)
	}
	d := &testDevice{id: v.Device().ID.String()}
	if d.signer, err = bundle.NewSigner(d.id, v.SigningKey()); err != nil {
		t.Fatal(err)
	}
	err = v.ChainSince(0, func(ver *storage.Version) error {
		d.records = append(d.records, bytes.Clone(ver.Raw))
		return nil
	})
	if err != nil || len(d.records) == 0 {
		t.Fatalf("records: %d, %v", len(d.records), err)
	}
	return d
}

// file is the device's device file.
func (d *testDevice) file() []byte {
	b, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: d.id, Monitor: "Sok Dara", PublicKey: d.signer.Public().String()})
	return b
}

// seal makes bundle seq of the device for profile p. Each call gives
// other bytes (age encryption is randomised).
func (d *testDevice) seal(t testing.TB, p hqprofile.Profile, seq uint64) (data, sig []byte) {
	t.Helper()
	rs, err := p.AgeRecipients()
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	if seq > 1 {
		prev = strings.Repeat("0", 64) // the receiver does not check the chain
	}
	in := bundle.Input{Device: d.id, Monitor: "Sok Dara", Seq: seq, Prev: prev, Created: time.Now(), Records: d.records}
	data, sig, err = bundle.Seal(in, rs, d.signer)
	if err != nil {
		t.Fatal(err)
	}
	return data, sig
}

// enroll enrolls d at the HQ in dir.
func (d *testDevice) enroll(t testing.TB, dir string) {
	t.Helper()
	if _, _, err := hq.Enroll(dir, d.file()); err != nil {
		t.Fatal(err)
	}
}

func mustProfile(t testing.TB, dir, url string) hqprofile.Profile {
	t.Helper()
	p, err := setup.Profile(dir, url, nil, "", true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// logBuffer collects a receiver's log, safely for concurrent handlers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// The helpers above and below are receiver/helpers_test.go's, for the
// tests here that run a receiver and import what it stored.

// newServer runs a receiver for the HQ in dir on httptest (127.0.0.1).
func newServer(t testing.TB, cfg receiver.Config) (*httptest.Server, *receiver.Receiver, *logBuffer) {
	t.Helper()
	logs := new(logBuffer)
	if cfg.Store == "" {
		cfg.Store = filepath.Join(t.TempDir(), "store")
	}
	cfg.Log = slog.New(slog.NewTextHandler(logs, nil))
	rv, err := receiver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rv)
	t.Cleanup(srv.Close)
	return srv, rv, logs
}

// post uploads a bundle and returns the status and body of the answer.
func post(t testing.TB, c *http.Client, base, device string, seq uint64, data, sig []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/%d", base, wire.BundlesPath, device, seq), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if sig != nil {
		req.Header.Set(wire.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
	}
	return do(t, c, req)
}

func get(t testing.TB, c *http.Client, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) (int, []byte) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// checkReceipt verifies a receipt answer for the bundle data.
func checkReceipt(t testing.TB, p hqprofile.Profile, body []byte, device string, seq uint64, data []byte) wire.Receipt {
	t.Helper()
	var sr wire.SignedReceipt
	if err := json.Unmarshal(body, &sr); err != nil {
		t.Fatalf("receipt %q: %v", body, err)
	}
	pub, err := p.ReceiptPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	r, err := sr.Verify(pub, device, seq, bundle.Hash(data))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// storeFiles lists the files under store, relative to it, temporary ones
// included.
func storeFiles(t testing.TB, store string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(store, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(store, path)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// hqIdentity reads the HQ age identity, to decrypt in tests.
func hqIdentity(t testing.TB, dir string) []age.Identity {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, hq.AgeKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
