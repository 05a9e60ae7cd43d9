package hq

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"

	"courtwatch/sync/bundle"

	"aead.dev/minisign"
)

// streamVerifier makes bundle.Verify's checks over a stream, so that the
// receiver never holds a bundle in memory. check does everything the
// signature alone allows, before any of the bundle is read; then the
// bundle passes through reader (once), and finish compares it with the
// signature. It returns the same errors as bundle.Verify, in the same
// order; verify_test.go holds it to that over the bundle test vectors and
// by fuzzing.
type streamVerifier struct {
	pub     minisign.PublicKey
	sig     []byte
	trusted bundle.Trusted
	msg     *minisign.Reader
	sha     hash.Hash
	size    int64
}

// check parses sig and verifies its trusted comment with pub. Only the
// holder of the device key can make a signature that passes.
func (v *streamVerifier) check(sig []byte, pub minisign.PublicKey) (bundle.Trusted, error) {
	v.pub, v.sig = pub, sig
	if len(sig) > bundle.MaxSignature {
		return bundle.Trusted{}, fmt.Errorf("%w: the signature file has %d bytes, far more than a minisign signature; fetch the .minisig file again", bundle.ErrBadSignature, len(sig))
	}
	var s minisign.Signature
	if err := s.UnmarshalText(sig); err != nil {
		return bundle.Trusted{}, fmt.Errorf("%w: the signature file is damaged or is not a minisign signature (%v); fetch the .minisig file again", bundle.ErrBadSignature, err)
	}
	if s.Algorithm != minisign.HashEdDSA {
		return bundle.Trusted{}, fmt.Errorf("%w: the signature is not prehashed (algorithm %#x); Courtwatch never makes such signatures", bundle.ErrBadSignature, s.Algorithm)
	}
	if s.KeyID != pub.ID() {
		return bundle.Trusted{}, fmt.Errorf("%w: it was signed with key %X but this device's key is %X; find out which device sent it", bundle.ErrWrongSigner, s.KeyID, pub.ID())
	}
	raw := rawPublic(pub)
	if raw == nil || !ed25519.Verify(raw, append(s.Signature[:], s.TrustedComment...), s.CommentSignature[:]) {
		return bundle.Trusted{}, fmt.Errorf("%w: the signature or its trusted comment was changed; fetch the bundle and its .minisig file again from the device", bundle.ErrBadSignature)
	}
	t, err := parseTrusted(s.TrustedComment)
	if err != nil {
		return bundle.Trusted{}, err
	}
	v.trusted = t
	return t, nil
}

// reader returns r with the hashing that finish needs.
func (v *streamVerifier) reader(r io.Reader) io.Reader {
	v.sha = sha256.New()
	v.msg = minisign.NewReader(io.TeeReader(r, v.sha))
	return v.msg
}

// finish checks what passed through reader against the signature and
// returns the bundle's hash.
func (v *streamVerifier) finish() (string, error) {
	t := v.trusted
	h := hex.EncodeToString(v.sha.Sum(nil))
	if h != t.Hash {
		return h, fmt.Errorf("%w: the bundle has sha256 %s but device %s signed bundle %d with sha256 %s, so it was changed or cut short after signing; copy it again from the device", bundle.ErrTampered, h, t.Device, t.Seq, t.Hash)
	}
	if !v.msg.Verify(v.pub, v.sig) {
		return h, fmt.Errorf("%w: the signature does not match the bundle; fetch the bundle and its .minisig file again from the device", bundle.ErrBadSignature)
	}
	return h, nil
}

// parseTrusted reads a bundle signature's trusted comment (see sync/bundle:
// "courtwatch-bundle/1 device=<uuid> seq=<n> hash=<sha256 hex>"), in its
// one canonical spelling.
func parseTrusted(s string) (bundle.Trusted, error) {
	bad := fmt.Errorf("%w: the trusted comment %q is not a Courtwatch bundle's; the file was signed by another program", bundle.ErrMalformed, s)
	f := strings.Split(s, " ")
	if len(f) != 4 || f[0] != bundle.Format {
		return bundle.Trusted{}, bad
	}
	dev, ok1 := strings.CutPrefix(f[1], "device=")
	seqs, ok2 := strings.CutPrefix(f[2], "seq=")
	h, ok3 := strings.CutPrefix(f[3], "hash=")
	seq, err := strconv.ParseUint(seqs, 10, 64)
	if !ok1 || !ok2 || !ok3 || err != nil || seq == 0 || checkID(dev) != nil || !isHash(h) {
		return bundle.Trusted{}, bad
	}
	t := bundle.Trusted{Device: dev, Seq: seq, Hash: h}
	if t.String() != s {
		return bundle.Trusted{}, bad
	}
	return t, nil
}

// rawPublic is the Ed25519 key inside a minisign public key.
func rawPublic(p minisign.PublicKey) ed25519.PublicKey {
	b, err := base64.StdEncoding.DecodeString(p.String())
	if err != nil || len(b) != 2+8+ed25519.PublicKeySize {
		return nil
	}
	return ed25519.PublicKey(b[10:])
}

// isHash reports whether s is a sha256 in lowercase hex.
func isHash(s string) bool {
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
