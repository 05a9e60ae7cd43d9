package verify

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"

	"aead.dev/minisign"
	"golang.org/x/crypto/blake2b"
)

// Verify checks the detached signature sig of the bundle file data with a
// device's public key, and that its trusted comment names the hash of data.
// It does not decrypt: the receiver, which holds no decryption key, uses it.
//
// The returned Trusted names the device that signed. A key does not say
// which device it belongs to, so a caller that looked pub up by device must
// also call Trusted.CheckDevice.
func Verify(data, sig []byte, pub minisign.PublicKey) (Trusted, error) {
	if len(data) > MaxBundle {
		return Trusted{}, fmt.Errorf("%w: the bundle has %d bytes, the limit is %d", ErrTooLarge, len(data), MaxBundle)
	}
	v, err := NewVerifier(sig, pub)
	if err != nil {
		return Trusted{}, err
	}
	v.Write(data)
	return v.Verify()
}

// A Verifier makes Verify's checks on a bundle that streams past, so that
// a receiver never holds a bundle in memory: NewVerifier checks the
// signature's key and trusted comment before any of the bundle is read,
// the bundle is written to the Verifier (say through io.TeeReader), and
// Verify compares what was written with the signature. The errors are
// Verify's, in the same order.
type Verifier struct {
	pub     ed25519.PublicKey
	sig     minisign.Signature
	trusted Trusted
	sha     hash.Hash
	b2      hash.Hash
	size    int64
}

// NewVerifier parses sig and checks that it is from pub and that its trusted
// comment, which it returns through Trusted, is authentic. Only the holder of
// the device key can make a signature that passes.
func NewVerifier(sig []byte, pub minisign.PublicKey) (*Verifier, error) {
	if len(sig) > MaxSignature {
		return nil, fmt.Errorf("%w: the signature file has %d bytes, far more than a minisign signature; fetch the .minisig file again", ErrBadSignature, len(sig))
	}
	v := &Verifier{pub: rawPublic(pub), sha: sha256.New()}
	v.b2, _ = blake2b.New512(nil)
	s := &v.sig
	if err := s.UnmarshalText(sig); err != nil {
		return nil, fmt.Errorf("%w: the signature file is damaged or is not a minisign signature (%v); fetch the .minisig file again", ErrBadSignature, err)
	}
	if s.Algorithm != minisign.HashEdDSA {
		return nil, fmt.Errorf("%w: the signature is not prehashed (algorithm %#x); Courtwatch never makes such signatures", ErrBadSignature, s.Algorithm)
	}
	if s.KeyID != pub.ID() {
		return nil, fmt.Errorf("%w: it was signed with key %X but this device's key is %X; find out which device sent it", ErrWrongSigner, s.KeyID, pub.ID())
	}
	if v.pub == nil || !ed25519.Verify(v.pub, append(s.Signature[:], s.TrustedComment...), s.CommentSignature[:]) {
		return nil, fmt.Errorf("%w: the signature or its trusted comment was changed; fetch the bundle and its .minisig file again from the device", ErrBadSignature)
	}
	t, err := ParseTrusted(s.TrustedComment)
	if err != nil {
		return nil, err
	}
	v.trusted = t
	return v, nil
}

// Trusted is what the signature's trusted comment states. It is authentic,
// but until Verify succeeds nothing says that the bundle is the one signed.
func (v *Verifier) Trusted() Trusted { return v.trusted }

// Write hashes the next bytes of the bundle. It fails with ErrTooLarge once
// more than MaxBundle bytes were written.
func (v *Verifier) Write(p []byte) (int, error) {
	if v.size += int64(len(p)); v.size > MaxBundle {
		return 0, fmt.Errorf("%w: the bundle has more than %d bytes", ErrTooLarge, MaxBundle)
	}
	v.sha.Write(p)
	v.b2.Write(p)
	return len(p), nil
}

// Verify checks that the bytes written are the bundle the device signed,
// and returns the trusted comment.
func (v *Verifier) Verify() (Trusted, error) {
	t := v.trusted
	if v.size > MaxBundle {
		return Trusted{}, fmt.Errorf("%w: the bundle has more than %d bytes", ErrTooLarge, MaxBundle)
	}
	if h := hex.EncodeToString(v.sha.Sum(nil)); h != t.Hash {
		return Trusted{}, fmt.Errorf("%w: the bundle has sha256 %s but device %s signed bundle %d with sha256 %s, so it was changed or cut short after signing; copy it again from the device", ErrTampered, h, t.Device, t.Seq, t.Hash)
	}
	// minisign's prehashed signature: Ed25519 over BLAKE2b-512 of the file.
	if !ed25519.Verify(v.pub, v.b2.Sum(nil), v.sig.Signature[:]) {
		return Trusted{}, fmt.Errorf("%w: the signature does not match the bundle; fetch the bundle and its .minisig file again from the device", ErrBadSignature)
	}
	return t, nil
}
