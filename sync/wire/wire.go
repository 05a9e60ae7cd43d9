// Package wire defines what passes between a monitor's device and
// headquarters besides the bundles themselves (see sync/bundle): the device
// file, the HQ profile, the signed receipt and the receiver's HTTP API.
//
// # Device file (monitor → HQ admin)
//
//	{"format":"courtwatch-device/1","id":"<uuid>","monitor":"<name>","public_key":"RWQ…"}
//
// public_key is the device's Ed25519 signing key in minisign's public-key
// format (the base64 line of a minisign .pub file). `courtwatch device
// export` writes it; `courtwatch-hq enroll` reads it.
//
// # HQ profile (HQ admin → monitor)
//
//	{"format":"courtwatch-hq-profile/1","name":"…","url":"https://…",
//	 "recipients":["age1…"],"receipt_key":"RWQ…","tls_pin":"sha256:<hex>","proxy":"socks5://127.0.0.1:9050"}
//
// recipients are the age X25519 recipients every bundle is encrypted to
// (several are allowed, for key rotation). receipt_key verifies receipts.
// tls_pin, optional, is the sha256 of the receiver certificate's
// SubjectPublicKeyInfo; proxy, optional, is an http, https or socks5 URL.
// Plain http URLs are accepted only for loopback hosts.
//
// # Receipt (receiver → monitor)
//
//	{"receipt":"<JSON text of a Receipt>","signature":"<minisign signature file text>"}
//
// The receipt JSON is {"format":"courtwatch-receipt/1","device":…,"seq":…,
// "hash":"<sha256 hex of the bundle ciphertext>","received":"RFC3339"}; the
// signature is a minisign signature over exactly those bytes by the HQ
// receipt key. A receipt proves HQ stored that bundle.
//
// # HTTP API of the receiver
//
//	POST /v1/bundles/{device}/{seq}          body: bundle ciphertext
//	     header Courtwatch-Signature: base64 of the bundle's .minisig file
//	     200: receipt; the same bundle again: 200 and the same receipt
//	     400 malformed, 403 unknown or revoked device or bad signature,
//	     409 another bundle already holds this seq, 413 too large
//	GET  /v1/bundles/{device}/{seq}/receipt  200: receipt, 404 if not stored
//	GET  /v1/health                          200 "ok"
//
// Error bodies are JSON {"error":"…"} in plain words.
package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"courtwatch/internal/escape"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/google/uuid"
)

// Format names.
const (
	DeviceFormat  = "courtwatch-device/1"
	ProfileFormat = "courtwatch-hq-profile/1"
	ReceiptFormat = "courtwatch-receipt/1"
)

// HTTP API.
const (
	BundlesPath     = "/v1/bundles/"
	HealthPath      = "/v1/health"
	SignatureHeader = "Courtwatch-Signature"
)

// Device is the device file a monitor gives HQ for enrollment.
type Device struct {
	Format    string `json:"format"`
	ID        string `json:"id"`
	Monitor   string `json:"monitor"`
	PublicKey string `json:"public_key"`
}

// Key returns the device's signing key.
func (d Device) Key() (minisign.PublicKey, error) { return ParsePublicKey(d.PublicKey) }

// ParseDevice reads and checks a device file.
func ParseDevice(b []byte) (Device, error) {
	var d Device
	if err := strictJSON(b, &d); err != nil {
		return d, fmt.Errorf("device file: %w", err)
	}
	if d.Format != DeviceFormat {
		return d, fmt.Errorf("device file: format %q is not %q; is this a Courtwatch device file?", d.Format, DeviceFormat)
	}
	if _, err := uuid.Parse(d.ID); err != nil {
		return d, fmt.Errorf("device file: id %q is not a device id", d.ID)
	}
	if _, err := d.Key(); err != nil {
		return d, fmt.Errorf("device file: %w", err)
	}
	if err := CheckName(d.Monitor); err != nil {
		return d, fmt.Errorf("device file: monitor %w; the monitor sets the name with courtwatch init --name", err)
	}
	return d, nil
}

var profileNameRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._-]{0,63}$`)

// CheckProfileName checks the name an HQ profile is installed under on a
// device: 1 to 64 letters (Khmer with its vowel signs too), digits,
// spaces, dots, dashes or underscores, starting with a letter or digit.
// `courtwatch-hq init --name` checks the HQ's name with it, so that every
// profile HQ prints installs as it is.
func CheckProfileName(name string) error {
	if !profileNameRE.MatchString(name) {
		return fmt.Errorf("HQ profile name %q: use 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit", name)
	}
	return nil
}

// MaxUpload is the largest bundle a device uploads: sync/outbox seals no
// bigger one, and a receiver accepts at least this much (courtwatch-hq
// serve refuses a lower --max-body-mib), so a 413 never stops a bundle
// that HQ's receiver was set up for.
const MaxUpload = 96 << 20

// MaxName is the longest name, in bytes, a device file or profile gives.
const MaxName = 200

// CheckName refuses a monitor's or HQ's name that holds a character that
// would steer a terminal (newlines, ANSI escapes, C1 controls,
// bidirectional overrides: see package escape), or is longer than MaxName.
// Such names are refused outright, not escaped: a name is read aloud and
// compared by people at enrollment.
func CheckName(name string) error {
	switch {
	case len(name) > MaxName:
		return fmt.Errorf("name has %d bytes, more than %d", len(name), MaxName)
	case escape.Has(name):
		return fmt.Errorf("name %q holds control characters (line breaks, terminal escapes or text-direction overrides)", name)
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

// ParseProfile reads and checks an HQ profile.
func ParseProfile(b []byte) (Profile, error) {
	var p Profile
	if err := strictJSON(b, &p); err != nil {
		return p, fmt.Errorf("HQ profile: %w", err)
	}
	return p, p.Check()
}

// Check validates every field of the profile.
func (p Profile) Check() error {
	if p.Format != ProfileFormat {
		return fmt.Errorf("HQ profile: format %q is not %q; ask HQ for a new profile", p.Format, ProfileFormat)
	}
	if err := CheckName(p.Name); err != nil {
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
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("url %q uses plain http to a host that is not this machine; use https", s)
	}
	return fmt.Errorf("url %q must start with https://", s)
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
func (p Profile) ReceiptPublicKey() (minisign.PublicKey, error) { return ParsePublicKey(p.ReceiptKey) }

// ParsePublicKey reads a minisign public key: the base64 line, or a whole
// .pub file with its comment line.
func ParsePublicKey(s string) (minisign.PublicKey, error) {
	var k minisign.PublicKey
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	if err := k.UnmarshalText([]byte(s)); err != nil {
		return k, fmt.Errorf("%q is not a minisign public key: %v", s, err)
	}
	return k, nil
}

// Receipt is what HQ signs when it has stored a bundle.
type Receipt struct {
	Format   string    `json:"format"`
	Device   string    `json:"device"`
	Seq      uint64    `json:"seq"`
	Hash     string    `json:"hash"`
	Received time.Time `json:"received"`
}

// SignedReceipt is a receipt as sent and stored: its exact JSON text and
// the minisign signature over it.
type SignedReceipt struct {
	Receipt   string `json:"receipt"`
	Signature string `json:"signature"`
}

// SignReceipt signs r with HQ's receipt key.
func SignReceipt(r Receipt, key minisign.PrivateKey) (SignedReceipt, error) {
	r.Format = ReceiptFormat
	b, err := json.Marshal(r)
	if err != nil {
		return SignedReceipt{}, err
	}
	sig := minisign.SignWithComments(key, b, fmt.Sprintf("%s device=%s seq=%d hash=%s", ReceiptFormat, r.Device, r.Seq, r.Hash), "courtwatch receipt")
	return SignedReceipt{Receipt: string(b), Signature: string(sig)}, nil
}

// ErrBadReceipt means a receipt did not verify or does not cover the bundle.
var ErrBadReceipt = errors.New("receipt does not verify")

// Verify checks the signature with HQ's receipt key and that the receipt
// covers exactly this device, sequence number and bundle hash.
func (s SignedReceipt) Verify(pub minisign.PublicKey, device string, seq uint64, hash string) (Receipt, error) {
	var r Receipt
	if !minisign.Verify(pub, []byte(s.Receipt), []byte(s.Signature)) {
		return r, fmt.Errorf("%w: the signature is not HQ's receipt key's", ErrBadReceipt)
	}
	if err := json.Unmarshal([]byte(s.Receipt), &r); err != nil {
		return r, fmt.Errorf("%w: %v", ErrBadReceipt, err)
	}
	if r.Format != ReceiptFormat || r.Device != device || r.Seq != seq || r.Hash != hash {
		return r, fmt.Errorf("%w: it covers device %s bundle %d (%.12s…), not device %s bundle %d (%.12s…)",
			ErrBadReceipt, r.Device, r.Seq, r.Hash, device, seq, hash)
	}
	return r, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return errors.New("is empty")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("is cut short: the JSON ends before it is complete; copy the whole file again")
		case errors.As(err, &syn):
			return fmt.Errorf("is not JSON (a syntax error at byte %d); is it the right file?", syn.Offset)
		case errors.As(err, &typ):
			return fmt.Errorf("has a field %q of the wrong type; is it the right file?", typ.Field)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("has a field it should not have (%s); is it the right file, from this version of Courtwatch?", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return errors.New("does not decode as JSON; is it the right file?")
	}
	if dec.More() {
		return errors.New("has data after the JSON object")
	}
	return nil
}
