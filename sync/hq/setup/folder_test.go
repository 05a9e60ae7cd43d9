package setup_test

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
)

func TestInit(t *testing.T) {
	dir := hqtest.NewHQ(t)
	modes := map[string]os.FileMode{
		".": 0o700, hq.InfoFile: 0o644, hq.AgeKeyFile: 0o600, hq.ReceiptKeyFile: 0o600, hq.ReceiptPubFile: 0o644,
		hq.CertFile: 0o644, hq.CertKeyFile: 0o600, hq.DevicesDir: 0o700,
	}
	for name, want := range modes {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", name, got, want)
		}
	}
	if info, err := hq.ReadInfo(dir); err != nil || info != (hq.Info{Format: hq.Format, Name: "Test HQ"}) {
		t.Errorf("ReadInfo = %+v, %v", info, err)
	}

	// age.key is what age-keygen writes, and its public key line is right.
	key, _ := os.ReadFile(filepath.Join(dir, hq.AgeKeyFile))
	lines := strings.Split(strings.TrimSpace(string(key)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "# created: ") || !strings.HasPrefix(lines[2], "AGE-SECRET-KEY-1") {
		t.Fatalf("age.key = %q", key)
	}
	id, err := age.ParseX25519Identity(lines[2])
	if err != nil || lines[1] != "# public key: "+id.Recipient().String() {
		t.Errorf("age.key public key line %q, identity %v", lines[1], err)
	}

	// receipt.key signs what receipt.pub verifies.
	priv, err := hq.ReceiptKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := minisign.PublicKeyFromFile(filepath.Join(dir, hq.ReceiptPubFile))
	if err != nil {
		t.Fatal(err)
	}
	if !minisign.Verify(pub, []byte("m"), minisign.Sign(priv, []byte("m"))) {
		t.Error("receipt.pub does not verify receipt.key's signatures")
	}

	// The certificate names the default hosts and is a P-256 key's.
	b, _ := os.ReadFile(filepath.Join(dir, hq.CertFile))
	block, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cert.DNSNames, []string{"localhost"}) || len(cert.IPAddresses) != 2 ||
		!cert.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) || !cert.IPAddresses[1].Equal(net.IPv6loopback) {
		t.Errorf("certificate names %v %v", cert.DNSNames, cert.IPAddresses)
	}
	if d := cert.NotAfter.Sub(cert.NotBefore); d < setup.CertValidity {
		t.Errorf("certificate valid for %v", d)
	}
	if _, err := hq.TLSConfig(dir); err != nil {
		t.Error(err)
	}

	// The vault opens with the passphrase, as a server's (OpenVault), and
	// as a laptop's.
	v, err := setup.OpenVault(dir, hqtest.Pass)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	v, err = storage.Open(hq.VaultDir(dir), hqtest.Pass)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := setup.OpenVault(dir, []byte("wrong")); !errors.Is(err, storage.ErrWrongPassphrase) {
		t.Fatalf("OpenVault with a wrong passphrase: %v, want ErrWrongPassphrase", err)
	}

	// An existing folder is refused, even an empty one; a failure leaves nothing.
	if err := setup.Init(dir, setup.InitOptions{Passphrase: hqtest.Pass, KDF: storage.TestKDF}); !errors.Is(err, hq.ErrExists) {
		t.Errorf("init over an HQ folder: %v", err)
	}
	empty := t.TempDir()
	if err := setup.Init(empty, setup.InitOptions{Passphrase: hqtest.Pass, KDF: storage.TestKDF}); !errors.Is(err, hq.ErrExists) {
		t.Errorf("init over an empty folder: %v", err)
	}
	parent := t.TempDir()
	if err := setup.Init(filepath.Join(parent, "hq"), setup.InitOptions{}); err == nil {
		t.Error("init without a passphrase succeeded")
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Errorf("a failed init left %v", ents)
	}
}

func TestInitHosts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hq")
	err := setup.Init(dir, setup.InitOptions{Passphrase: hqtest.Pass, KDF: storage.TestKDF, Hosts: []string{"hq.example.org", "203.0.113.7"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, hq.CertFile))
	block, _ := pem.Decode(b)
	cert, _ := x509.ParseCertificate(block.Bytes)
	if err := cert.VerifyHostname("hq.example.org"); err != nil {
		t.Error(err)
	}
	if err := cert.VerifyHostname("203.0.113.7"); err != nil {
		t.Error(err)
	}
	if err := cert.VerifyHostname("localhost"); err == nil {
		t.Error("certificate names localhost though --host was given")
	}
}

func TestProfile(t *testing.T) {
	dir := hqtest.NewHQ(t)
	next, _ := age.GenerateX25519Identity()
	p, err := setup.Profile(dir, "https://hq.example.org:8443", []string{next.Recipient().String()}, "socks5://127.0.0.1:9050", true)
	if err != nil {
		t.Fatal(err)
	}
	ids := hqtest.Identity(t, dir)
	want := []string{ids[0].(*age.X25519Identity).Recipient().String(), next.Recipient().String()}
	if !slices.Equal(p.Recipients, want) {
		t.Errorf("recipients %q, want %q", p.Recipients, want)
	}
	if pin, _ := hq.TLSPin(dir); p.TLSPin != pin || !strings.HasPrefix(pin, "sha256:") {
		t.Errorf("pin %q, want %q", p.TLSPin, pin)
	}
	pub, _ := minisign.PublicKeyFromFile(filepath.Join(dir, hq.ReceiptPubFile))
	if p.ReceiptKey != pub.String() || p.Name != "Test HQ" || p.Proxy != "socks5://127.0.0.1:9050" {
		t.Errorf("profile %+v", p)
	}
	b, _ := json.Marshal(p)
	if _, err := hqprofile.Parse(b); err != nil {
		t.Errorf("the profile does not parse: %v", err)
	}

	if p, err := setup.Profile(dir, "https://hq.example.org", nil, "", false); err != nil || p.TLSPin != "" {
		t.Errorf("without pin: %q, %v", p.TLSPin, err)
	}
	if p, err := setup.Profile(dir, "http://127.0.0.1:8080", nil, "", true); err != nil || p.TLSPin != "" {
		t.Errorf("http URL: pin %q, %v", p.TLSPin, err)
	}
	for _, bad := range []struct{ url, recipient, proxy string }{
		{"http://hq.example.org", "", ""},
		{"https://hq.example.org", "age1nope", ""},
		{"https://hq.example.org", "", "ftp://proxy"},
	} {
		var extra []string
		if bad.recipient != "" {
			extra = []string{bad.recipient}
		}
		if _, err := setup.Profile(dir, bad.url, extra, bad.proxy, true); err == nil {
			t.Errorf("setup.Profile(%+v) accepted", bad)
		}
	}
	if _, err := setup.Profile(t.TempDir(), "https://x", nil, "", true); !errors.Is(err, hq.ErrNoHQ) {
		t.Errorf("profile of a folder that is no HQ: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	dir := hqtest.NewHQ(t)
	a, b := hqtest.NewDevice(t), hqtest.NewDevice(t)
	da, added, err := hq.Enroll(dir, a.File())
	if err != nil || !added || da.ID != a.ID || !da.Active() || da.Enrolled.IsZero() {
		t.Fatalf("enroll: %+v %v %v", da, added, err)
	}
	if again, added, err := hq.Enroll(dir, a.File()); err != nil || added || again != da {
		t.Errorf("enroll again: %+v %v %v, want a no-op", again, added, err)
	}
	b.Enroll(t, dir)

	var f wire.Device
	json.Unmarshal(a.File(), &f)
	f.PublicKey = b.Signer.Public().String()
	other, _ := json.Marshal(f)
	if _, _, err := hq.Enroll(dir, other); !errors.Is(err, hq.ErrKeyMismatch) {
		t.Errorf("same id, another key: %v", err)
	}
	json.Unmarshal(b.File(), &f)
	f.ID = "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b"
	other, _ = json.Marshal(f)
	if _, _, err := hq.Enroll(dir, other); !errors.Is(err, hq.ErrKeyMismatch) {
		t.Errorf("another id, an enrolled key: %v", err)
	}
	f.ID = strings.ToUpper(f.ID)
	other, _ = json.Marshal(f)
	if _, _, err := hq.Enroll(dir, other); err == nil {
		t.Error("an upper-case id was enrolled")
	}
	if _, _, err := hq.Enroll(dir, []byte(`{"format":"nope"}`)); err == nil {
		t.Error("a bad device file was enrolled")
	}

	rb, err := hq.Revoke(dir, b.ID)
	if err != nil || rb.Active() {
		t.Fatalf("revoke: %+v %v", rb, err)
	}
	if again, err := hq.Revoke(dir, b.ID); err != nil || again != rb {
		t.Errorf("revoke again: %+v %v", again, err)
	}
	if _, _, err := hq.Enroll(dir, b.File()); !errors.Is(err, hq.ErrRevoked) {
		t.Errorf("enroll a revoked device: %v", err)
	}
	for _, id := range []string{"01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b", "../hq", ""} {
		if _, err := hq.Revoke(dir, id); !errors.Is(err, hq.ErrUnknownDevice) {
			t.Errorf("revoke %q: %v", id, err)
		}
	}

	all, err := hq.Devices(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("devices: %+v", all)
	}
	if all[0].ID == b.ID { // enrolled in the same second: sorted by id
		all[0], all[1] = all[1], all[0]
	}
	if all[0].ID != a.ID || all[1].ID != b.ID || !all[0].Active() || all[1].Active() {
		t.Errorf("devices: %+v", all)
	}
}

// TestIdentitiesMissing: an HQ that keeps its age key away from the HQ
// folder (it opens every bundle) is told, by import and profile, that it
// is missing and what to do, not "open …: no such file or directory".
func TestIdentitiesMissing(t *testing.T) {
	dir := hqtest.NewHQ(t)
	name := filepath.Join(dir, hq.AgeKeyFile)
	if err := os.Rename(name, name+".away"); err != nil {
		t.Fatal(err)
	}
	_, err := setup.Identities(dir)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "the HQ age key "+name+" is missing") ||
		!strings.Contains(err.Error(), "copy it back for this command") || strings.Contains(err.Error(), "no such file") {
		t.Fatalf("without age.key: %v", err)
	}
	if _, err := setup.Profile(dir, "https://hq.example.org", nil, "", true); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("profile without age.key: %v", err)
	}
}
