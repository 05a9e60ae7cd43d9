package verify

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"aead.dev/minisign"
	"github.com/google/uuid"
)

// Format names this version of the bundle format, in the manifest and in
// the trusted comment.
const Format = "courtwatch-bundle/1"

// Limits of the files Verify reads (see sync/bundle for the others).
const (
	MaxBundle    = 512 << 20 // bytes of a bundle file (ciphertext)
	MaxSignature = 4 << 10   // bytes of a .minisig file
)

// Errors returned by Verify and ParseTrusted, and by sync/bundle, which
// names them too. They are wrapped with detail, so test them with
// errors.Is.
var (
	// ErrBadSignature: the .minisig file does not verify for the device key,
	// is damaged, or is not a minisign signature.
	ErrBadSignature = errors.New("bundle signature is not valid")
	// ErrWrongSigner: the signature is made with another key than the
	// device's, or the manifest names another device than the signature.
	ErrWrongSigner = errors.New("bundle is signed by another device")
	// ErrTampered: the bytes differ from what the device signed, or the
	// content does not match its manifest.
	ErrTampered = errors.New("bundle content does not match its signature or manifest")
	// ErrMalformed: the bundle or the input to Seal breaks the format.
	ErrMalformed = errors.New("bundle is malformed")
	// ErrTooLarge: a size limit is exceeded (see sync/bundle's doc).
	ErrTooLarge = errors.New("bundle is over a size limit")
)

// Trusted is what the signature's trusted comment states. The signature
// covers it, so it is authentic once Verify returns it.
type Trusted struct {
	Device string
	Seq    uint64
	Hash   string // sha256 hex of the bundle file
}

// String is the trusted comment:
// "courtwatch-bundle/1 device=<uuid> seq=<n> hash=<sha256 hex>".
func (t Trusted) String() string {
	return fmt.Sprintf("%s device=%s seq=%d hash=%s", Format, t.Device, t.Seq, t.Hash)
}

// CheckDevice reports ErrWrongSigner unless t names device. A public key
// alone does not say which device it belongs to: callers that looked the key
// up by device (enrollment) must also check that the bundle names that
// device, or an enrolled device could sign bundles in another's name.
func (t Trusted) CheckDevice(device string) error {
	if t.Device != device {
		return fmt.Errorf("%w: the signature names device %s but the key is enrolled for device %s; do not import it and check both devices", ErrWrongSigner, t.Device, device)
	}
	return nil
}

// ParseTrusted reads a bundle signature's trusted comment, in its one
// canonical spelling. It does not verify anything: use it only to learn
// which device a signature claims, then verify with that device's key.
func ParseTrusted(s string) (Trusted, error) {
	f := strings.Split(s, " ")
	bad := fmt.Errorf("%w: the trusted comment %q is not a Courtwatch bundle's; the file was signed by another program", ErrMalformed, s)
	if len(f) != 4 || f[0] != Format {
		return Trusted{}, bad
	}
	dev, ok1 := strings.CutPrefix(f[1], "device=")
	seqs, ok2 := strings.CutPrefix(f[2], "seq=")
	hash, ok3 := strings.CutPrefix(f[3], "hash=")
	seq, err := strconv.ParseUint(seqs, 10, 64)
	if !ok1 || !ok2 || !ok3 || err != nil || CheckDeviceID(dev) != nil || !IsHash(hash) || seq == 0 {
		return Trusted{}, bad
	}
	t := Trusted{Device: dev, Seq: seq, Hash: hash}
	if t.String() != s { // e.g. "seq=01"
		return Trusted{}, bad
	}
	return t, nil
}

// CheckDeviceID accepts a device id in its canonical spelling only, a
// lowercase UUID, so that a device has one spelling.
func CheckDeviceID(s string) error {
	u, err := uuid.Parse(s)
	if err != nil || u.String() != s {
		return fmt.Errorf("device id %q is not a lowercase UUID", s)
	}
	return nil
}

// IsHash reports whether s is a sha256 in lowercase hex.
func IsHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// rawPublic is the Ed25519 key inside a minisign public key.
func rawPublic(p minisign.PublicKey) ed25519.PublicKey {
	b, err := base64.StdEncoding.DecodeString(p.String())
	if err != nil || len(b) != 2+8+ed25519.PublicKeySize {
		return nil
	}
	return ed25519.PublicKey(b[10:])
}
