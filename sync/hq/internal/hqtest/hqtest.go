//go:build ci

package hqtest

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
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"filippo.io/age"
)

// Pass is the passphrase of every test vault, HQ's and the devices'.
var Pass = []byte("correct horse battery staple")

// NewHQ makes an HQ folder with a fast vault KDF.
func NewHQ(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hq")
	if err := setup.Init(dir, setup.InitOptions{Name: "Test HQ", Passphrase: Pass, KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Profile is the HQ profile of the HQ in dir, for a receiver at url.
func Profile(t testing.TB, dir, url string) hqprofile.Profile {
	t.Helper()
	p, err := setup.Profile(dir, url, nil, "", true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Identity reads the HQ age identity, to decrypt in tests.
func Identity(t testing.TB, dir string) []age.Identity {
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

// Device is a monitor's device, made from a real vault, with the record
// versions that vault holds.
type Device struct {
	ID      string
	Signer  *bundle.Signer
	Records [][]byte
}

// NewDevice makes a vault with one case in it and keeps its device key.
func NewDevice(t testing.TB) *Device {
	t.Helper()
	return NewDeviceWith(t, func(v *storage.Vault) error {
		return v.Put(&storage.Case{Title: "CNRP leaders", Number: "C-1/2024"})
	})
}

// NewDeviceWith makes a vault, has fill put records in it, and keeps its
// device key and the record versions it then holds.
func NewDeviceWith(t testing.TB, fill func(v *storage.Vault) error) *Device {
	t.Helper()
	v, err := storage.Create(t.TempDir(), Pass, storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "Sok Dara"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := fill(v); err != nil {
		t.Fatal(err)
	}
	d := &Device{ID: v.Device().ID.String()}
	if d.Signer, err = bundle.NewSigner(d.ID, v.SigningKey()); err != nil {
		t.Fatal(err)
	}
	err = v.ChainSince(0, func(ver *storage.Version) error {
		d.Records = append(d.Records, bytes.Clone(ver.Raw))
		return nil
	})
	if err != nil || len(d.Records) == 0 {
		t.Fatalf("records: %d, %v", len(d.Records), err)
	}
	return d
}

// File is the device's device file.
func (d *Device) File() []byte {
	b, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: d.ID, Monitor: "Sok Dara", PublicKey: d.Signer.Public().String()})
	return b
}

// Seal makes bundle seq of the device for profile p. Each call gives
// other bytes (age encryption is randomised).
func (d *Device) Seal(t testing.TB, p hqprofile.Profile, seq uint64) (data, sig []byte) {
	t.Helper()
	rs, err := p.AgeRecipients()
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	if seq > 1 {
		prev = strings.Repeat("0", 64) // the receiver does not check the chain
	}
	in := bundle.Input{Device: d.ID, Monitor: "Sok Dara", Seq: seq, Prev: prev, Created: time.Now(), Records: d.Records}
	data, sig, err = bundle.Seal(in, rs, d.Signer)
	if err != nil {
		t.Fatal(err)
	}
	return data, sig
}

// Enroll enrolls d at the HQ in dir.
func (d *Device) Enroll(t testing.TB, dir string) {
	t.Helper()
	if _, _, err := hq.Enroll(dir, d.File()); err != nil {
		t.Fatal(err)
	}
}

// LogBuffer collects a receiver's log, safely for concurrent handlers.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Serve runs the handler that start makes, with a log into the returned
// LogBuffer, on httptest (127.0.0.1) until the test ends. The receiver's
// and importer's tests start a receiver with it.
func Serve[H http.Handler](t testing.TB, start func(log *slog.Logger) (H, error)) (*httptest.Server, H, *LogBuffer) {
	t.Helper()
	logs := new(LogBuffer)
	h, err := start(slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, h, logs
}

// Post uploads a bundle and returns the status and body of the answer.
func Post(t testing.TB, c *http.Client, base, device string, seq uint64, data, sig []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, BundleURL(base, device, seq), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if sig != nil {
		req.Header.Set(wire.SignatureHeader, B64(sig))
	}
	return Do(t, c, req)
}

// BundleURL is where bundle seq of device is uploaded on the receiver at
// base.
func BundleURL(base, device string, seq uint64) string {
	return fmt.Sprintf("%s%s%s/%d", base, wire.BundlesPath, device, seq)
}

// Get fetches url and returns the status and body of the answer.
func Get(t testing.TB, c *http.Client, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Do(t, c, req)
}

// Do sends req with c (http.DefaultClient if nil) and returns the status
// and body of the answer.
func Do(t testing.TB, c *http.Client, req *http.Request) (int, []byte) {
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

// CheckReceipt verifies a receipt answer for the bundle data.
func CheckReceipt(t testing.TB, p hqprofile.Profile, body []byte, device string, seq uint64, data []byte) wire.Receipt {
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

// StoreFiles lists the files under store, relative to it, temporary ones
// included.
func StoreFiles(t testing.TB, store string) []string {
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

// B64 is b in standard base64, as the signature header carries it.
func B64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
