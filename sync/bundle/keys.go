package bundle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
)

// Signer signs bundles for one device with the device's Ed25519 key.
type Signer struct {
	device string
	key    minisign.PrivateKey
	pub    minisign.PublicKey
}

// NewSigner makes the minisign key of a device from its Ed25519 key (as kept
// in the vault). device is the device id, a lowercase UUID.
func NewSigner(device string, key ed25519.PrivateKey) (*Signer, error) {
	if err := verify.CheckDeviceID(device); err != nil {
		return nil, fmt.Errorf("bundle signer: %w", err)
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("bundle signer: the device key has %d bytes, want an Ed25519 key of %d", len(key), ed25519.PrivateKeySize)
	}
	pub := key.Public().(ed25519.PublicKey)

	// aead.dev/minisign has no constructor from raw keys, so build the
	// unencrypted secret key in its text format: key type "Ed", KDF none,
	// hash "B2", 48 zero bytes of KDF salt and limits, the key ID, the
	// 64-byte Ed25519 key, and 32 bytes of checksum that the parser ignores.
	var b [158]byte
	binary.LittleEndian.PutUint16(b[0:], minisign.EdDSA)
	binary.LittleEndian.PutUint16(b[4:], 0x3242) // "B2"
	binary.LittleEndian.PutUint64(b[54:], KeyID(pub))
	copy(b[62:], key)
	var sk minisign.PrivateKey
	err := sk.UnmarshalText([]byte("untrusted comment: courtwatch device key\n" + base64.StdEncoding.EncodeToString(b[:])))
	if err != nil {
		return nil, fmt.Errorf("bundle signer: %v", err)
	}
	return &Signer{device: device, key: sk, pub: PublicKey(pub)}, nil
}

// Public is the minisign public key that verifies s's signatures.
func (s *Signer) Public() minisign.PublicKey { return s.pub }

// KeyID is the minisign key ID of a device key: the first 8 bytes of
// sha256(public key), read as a little-endian integer, so that they appear
// in that order in the key and signature files. (minisign itself picks
// random IDs; the ID only tells which key a signature claims to be from.)
// Minisign prints it in upper-case hex, most significant byte first.
func KeyID(pub ed25519.PublicKey) uint64 {
	h := sha256.Sum256(pub)
	return binary.LittleEndian.Uint64(h[:8])
}

// PublicKey is the minisign public key of a device's Ed25519 public key.
// Its MarshalText is the text of a minisign public key file (device.pub)
// without the final newline. Like crypto/ed25519, it panics if pub does not
// have 32 bytes.
func PublicKey(pub ed25519.PublicKey) minisign.PublicKey {
	if len(pub) != ed25519.PublicKeySize {
		panic("bundle: bad Ed25519 public key length " + strconv.Itoa(len(pub)))
	}
	var b [2 + 8 + ed25519.PublicKeySize]byte
	binary.LittleEndian.PutUint16(b[0:], minisign.EdDSA)
	binary.LittleEndian.PutUint64(b[2:], KeyID(pub))
	copy(b[10:], pub)
	var p minisign.PublicKey
	if err := p.UnmarshalText([]byte(base64.StdEncoding.EncodeToString(b[:]))); err != nil {
		panic("bundle: " + err.Error()) // cannot happen: the text is well formed
	}
	return p
}

// PublicKeyFile is the content of a minisign public key file for pub, as
// `minisign -V -p device.pub` reads it.
func PublicKeyFile(pub minisign.PublicKey) []byte {
	b, _ := pub.MarshalText()
	return append(b, '\n')
}
