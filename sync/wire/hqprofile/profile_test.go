package hqprofile

import (
	"crypto/rand"
	"encoding/json"
	"testing"

	"courtwatch/sync/wire"

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
	return Profile{Format: Format, Name: "HQ", URL: "https://hq.example.org:8443",
		Recipients: []string{id.Recipient().String()}, ReceiptKey: pub.String()}, priv
}

func TestProfileRoundTrip(t *testing.T) {
	p, _ := testProfile(t)
	b, _ := json.Marshal(p)
	got, err := Parse(b)
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
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	p := base
	p.URL = "http://127.0.0.1:8080"
	if err := p.Check(); err != nil {
		t.Errorf("loopback http rejected: %v", err)
	}
	if _, err := Parse([]byte(`{"format":"courtwatch-hq-profile/1","extra":1}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(`{"format":"courtwatch-hq-profile/1","url":"https://x","recipients":["age1"],"receipt_key":"RWQ"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil {
			if _, err := p.AgeRecipients(); err != nil {
				t.Fatalf("accepted profile with bad recipients: %v", err)
			}
		}
		_, _ = wire.ParseDevice(b)
	})
}
