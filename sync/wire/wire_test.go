package wire

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"
	"filippo.io/age"
)

func testProfile(t *testing.T) (Profile, minisign.PrivateKey) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Profile{Format: ProfileFormat, Name: "HQ", URL: "https://hq.example.org:8443",
		Recipients: []string{id.Recipient().String()}, ReceiptKey: pub.String()}, priv
}

func TestProfileRoundTrip(t *testing.T) {
	p, _ := testProfile(t)
	b, _ := json.Marshal(p)
	got, err := ParseProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	if rs, _ := got.AgeRecipients(); len(rs) != 1 {
		t.Fatalf("recipients = %d", len(rs))
	}
}

func TestProfileRejects(t *testing.T) {
	base, _ := testProfile(t)
	cases := map[string]func(p *Profile){
		"plain http to remote": func(p *Profile) { p.URL = "http://hq.example.org" },
		"no recipients":        func(p *Profile) { p.Recipients = nil },
		"bad recipient":        func(p *Profile) { p.Recipients = []string{"age1nope"} },
		"bad receipt key":      func(p *Profile) { p.ReceiptKey = "RWQxyz" },
		"bad pin":              func(p *Profile) { p.TLSPin = "md5:00" },
		"bad proxy":            func(p *Profile) { p.Proxy = "ftp://x" },
		"wrong format":         func(p *Profile) { p.Format = "x" },
		"user:pass@ in url":    func(p *Profile) { p.URL = "https://admin:hunter2@hq.example.org:8443" },
		"user in url":          func(p *Profile) { p.URL = "https://admin@hq.example.org:8443" },
		"user:pass@ in proxy":  func(p *Profile) { p.Proxy = "socks5://u:p@127.0.0.1:9050" },
		"newline in name":      func(p *Profile) { p.Name = "HQ\nreceipt key RWQfake" },
		"ANSI in name":         func(p *Profile) { p.Name = "HQ\x1b[8m" },
		"bidi override":        func(p *Profile) { p.Name = "HQ \u202eQH" },
		"C1 in name":           func(p *Profile) { p.Name = "HQ\u009b2J" },
	}
	for name, mut := range cases {
		p := base
		mut(&p)
		b, _ := json.Marshal(p)
		if _, err := ParseProfile(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	p := base
	p.URL = "http://127.0.0.1:8080"
	if err := p.Check(); err != nil {
		t.Errorf("loopback http rejected: %v", err)
	}
	if _, err := ParseProfile([]byte(`{"format":"courtwatch-hq-profile/1","extra":1}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

func TestReceipt(t *testing.T) {
	p, priv := testProfile(t)
	pub, _ := p.ReceiptPublicKey()
	sr, err := SignReceipt(Receipt{Device: "d1", Seq: 3, Hash: "abc", Received: time.Now().UTC()}, priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sr.Verify(pub, "d1", 3, "abc"); err != nil {
		t.Fatalf("good receipt: %v", err)
	}
	for name, tc := range map[string]struct {
		dev  string
		seq  uint64
		hash string
	}{"other seq": {"d1", 4, "abc"}, "other hash": {"d1", 3, "abd"}, "other device": {"d2", 3, "abc"}} {
		if _, err := sr.Verify(pub, tc.dev, tc.seq, tc.hash); !errors.Is(err, ErrBadReceipt) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	forged := sr
	forged.Receipt = `{"format":"courtwatch-receipt/1","device":"d1","seq":3,"hash":"abc","received":"2020-01-01T00:00:00Z"}`
	if _, err := forged.Verify(pub, "d1", 3, "abc"); !errors.Is(err, ErrBadReceipt) {
		t.Errorf("altered receipt text verified")
	}
}

func TestDevice(t *testing.T) {
	pub, _, _ := minisign.GenerateKey(rand.Reader)
	d := Device{Format: DeviceFormat, ID: "01a226e2-50c1-71cb-b742-837f20e5419c", Monitor: "A", PublicKey: pub.String()}
	b, _ := json.Marshal(d)
	if _, err := ParseDevice(b); err != nil {
		t.Fatal(err)
	}
	d.ID = "nope"
	b, _ = json.Marshal(d)
	if _, err := ParseDevice(b); err == nil {
		t.Fatal("bad id accepted")
	}
}

func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(`{"format":"courtwatch-hq-profile/1","url":"https://x","recipients":["age1"],"receipt_key":"RWQ"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProfile(b)
		if err == nil {
			if _, err := p.AgeRecipients(); err != nil {
				t.Fatalf("accepted profile with bad recipients: %v", err)
			}
		}
		_, _ = ParseDevice(b)
	})
}

// TestDeviceNameRefused: a device file whose monitor name holds control
// characters is refused outright, and the error quotes it escaped.
func TestDeviceNameRefused(t *testing.T) {
	pub, _, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Dara\nkey     RWQfake", "Dara\x1b[8m", "Dara\u202e", "Dara\r", strings.Repeat("x", MaxName+1)} {
		b, _ := json.Marshal(Device{Format: DeviceFormat, ID: "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b", Monitor: name, PublicKey: pub.String()})
		_, err := ParseDevice(b)
		if err == nil {
			t.Errorf("monitor %q: accepted", name)
			continue
		}
		if strings.ContainsAny(err.Error(), "\n\r\x1b\u202e") {
			t.Errorf("monitor %q: the error %q holds the control characters", name, err)
		}
	}
	b, _ := json.Marshal(Device{Format: DeviceFormat, ID: "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b", Monitor: "សុខ\u200bដារា", PublicKey: pub.String()})
	if _, err := ParseDevice(b); err != nil {
		t.Errorf("a Khmer name with a zero-width space: %v", err)
	}
}
