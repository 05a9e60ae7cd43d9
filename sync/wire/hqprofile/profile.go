// Package hqprofile reads and checks the HQ profile, the file an HQ admin
// gives monitors so that their devices can deliver to HQ (see sync/wire
// for the rest of what passes between them). It is a JSON object:
//
//	{"format":"courtwatch-hq-profile/1","name":"…","url":"https://…",
//	 "recipients":["age1…"],"receipt_key":"RWQ…","tls_pin":"sha256:<hex>","proxy":"socks5://127.0.0.1:9050"}
//
// recipients are the age X25519 recipients every bundle is encrypted to
// (several are allowed, for key rotation). receipt_key verifies receipts.
// tls_pin, optional, is the sha256 of the receiver certificate's
// SubjectPublicKeyInfo; proxy, optional, is an http, https or socks5 URL.
// Plain http URLs are accepted only for loopback hosts.
package hqprofile

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"courtwatch/sync/wire"

	"aead.dev/minisign"
	"filippo.io/age"
)

// Format names the profile format.
const Format = "courtwatch-hq-profile/1"

var profileNameRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._-]{0,63}$`)

// CheckName checks the name an HQ profile is installed under on a
// device: 1 to 64 letters (Khmer with its vowel signs too), digits,
// spaces, dots, dashes or underscores, starting with a letter or digit.
// `courtwatch-hq init --name` checks the HQ's name with it, so that every
// profile HQ prints installs as it is.
func CheckName(name string) error {
	if !profileNameRE.MatchString(name) {
		return fmt.Errorf("HQ profile name %q: use 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit", name)
	}
	return nil
}

// Profile is what a monitor's device needs to deliver to one HQ.
type Profile struct {
	Format     string   `json:"format"`
	Name       string   `json:"name"`
	URL        string   `json:"url"`
	Recipients []string `json:"recipients"`
	ReceiptKey string   `json:"receipt_key"`
	TLSPin     string   `json:"tls_pin,omitempty"`
	Proxy      string   `json:"proxy,omitempty"`
}

var pinRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Parse reads and checks an HQ profile.
func Parse(b []byte) (Profile, error) {
	var p Profile
	if err := wire.DecodeJSON(b, &p); err != nil {
		return p, fmt.Errorf("HQ profile: %w", err)
	}
	return p, p.Check()
}

// Check validates every field of the profile.
func (p Profile) Check() error {
	if p.Format != Format {
		return fmt.Errorf("HQ profile: format %q is not %q; ask HQ for a new profile", p.Format, Format)
	}
	if err := wire.CheckName(p.Name); err != nil {
		return fmt.Errorf("HQ profile: %w; ask HQ for a new profile", err)
	}
	if p.URL != "" {
		if err := checkURL(p.URL); err != nil {
			return fmt.Errorf("HQ profile: %w", err)
		}
	}
	if _, err := p.AgeRecipients(); err != nil {
		return err
	}
	if _, err := p.ReceiptPublicKey(); err != nil {
		return fmt.Errorf("HQ profile: receipt key: %w", err)
	}
	if p.TLSPin != "" && !pinRE.MatchString(p.TLSPin) {
		return fmt.Errorf("HQ profile: tls_pin %q is not sha256:<64 hex digits>", p.TLSPin)
	}
	if p.Proxy != "" {
		u, err := url.Parse(p.Proxy)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5" && u.Scheme != "socks5h") || u.Host == "" {
			return fmt.Errorf("HQ profile: proxy %q is not an http, https or socks5 URL such as socks5://127.0.0.1:9050", p.Proxy)
		}
		if u.User != nil {
			return errors.New("HQ profile: the proxy URL holds a user name or password (user:pass@); a profile is handed around and must hold no secret, so ask HQ for one without it")
		}
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("url %q is not a URL such as https://hq.example.org:8443", s)
	}
	if u.User != nil {
		return errors.New("the url holds a user name or password (user:pass@); the receiver needs none, and a profile is handed around, so it must hold no secret")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if wire.IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("url %q uses plain http to a host that is not this machine; use https", s)
	}
	return fmt.Errorf("url %q must start with https://", s)
}

// AgeRecipients parses the profile's recipients.
func (p Profile) AgeRecipients() ([]age.Recipient, error) {
	if len(p.Recipients) == 0 {
		return nil, errors.New("HQ profile: no recipients; bundles would be readable by nobody")
	}
	var out []age.Recipient
	for _, s := range p.Recipients {
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, fmt.Errorf("HQ profile: recipient %q: %v", s, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// ReceiptPublicKey parses the key that signs receipts.
func (p Profile) ReceiptPublicKey() (minisign.PublicKey, error) {
	return wire.ParsePublicKey(p.ReceiptKey)
}
