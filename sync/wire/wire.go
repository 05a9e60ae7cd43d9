// Package wire defines what passes between a monitor's device and
// headquarters besides the bundles themselves (see sync/bundle) and the HQ
// profile (see sync/wire/hqprofile): the device file, the signed receipt
// and the receiver's HTTP API. It holds no age code, so HQ's receiver,
// which uses it, cannot read an age key (internal/archtest checks this).
//
// # Device file (monitor → HQ admin)
//
//	{"format":"courtwatch-device/1","id":"<uuid>","monitor":"<name>","public_key":"RWQ…"}
//
// public_key is the device's Ed25519 signing key in minisign's public-key
// format (the base64 line of a minisign .pub file). `courtwatch device
// export` writes it; `courtwatch-hq enroll` reads it.
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
//	POST /v2/bundles/{device}/{seq}          body: compact signature, then the bundle
//	     200: compact receipt (or the JSON receipt when it has no compact
//	     form); errors as in v1; a receiver without v2 answers 404
//	GET  /v1/bundles/{device}/{seq}/receipt  200: receipt, 404 if not stored
//	GET  /v1/health                          200 "ok"
//
// Error bodies are JSON {"error":"…"} in plain words.
//
// v2 carries the same signature and receipt in fewer bytes (a one-note
// sync's bundle is about 850 bytes; its .minisig in base64 was 560 and the
// receipt's JSON 620): only the signatures' binary parts go on the wire,
// and each side makes the rest again (see compact.go). Devices try v2
// first and fall back to v1 on a 404.
//
//	compact signature (160 B): sha256 of the bundle | signature | comment signature
//	compact receipt (137 B):   0x01 | received, Unix seconds, uint64 big-endian | signature | comment signature
//
// The signatures are minisign's 64-byte Ed25519 ones: over the bundle
// (prehashed, "ED") or the receipt's JSON ("Ed"), and over the signature
// and the trusted comment. The trusted and untrusted comments, the key IDs
// and the receipt's JSON are made from the URL's device and seq, the hash
// and the keys, exactly as the signer wrote them.
package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"courtwatch/internal/escape"

	"aead.dev/minisign"
	"github.com/google/uuid"
)

// Format names.
const (
	DeviceFormat  = "courtwatch-device/1"
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
	if err := DecodeJSON(b, &d); err != nil {
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

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

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
	sig := minisign.SignWithComments(key, b, receiptTrusted(r.Device, r.Seq, r.Hash), receiptUntrusted)
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

// DecodeJSON decodes b, which must hold one JSON object with no field
// that v lacks, into v. Its errors say in plain words what is wrong with
// the file.
func DecodeJSON(b []byte, v any) error {
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
