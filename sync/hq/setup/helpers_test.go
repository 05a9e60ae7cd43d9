package setup

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"filippo.io/age"
)

var testPass = []byte("correct horse battery staple")

// newHQ makes an HQ folder with a fast vault KDF.
func newHQ(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hq")
	if err := Init(dir, InitOptions{Name: "Test HQ", Passphrase: testPass, KDF: storage.TestKDF}); err != nil {
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
	p, err := Profile(dir, url, nil, "", true)
	if err != nil {
		t.Fatal(err)
	}
	return p
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
