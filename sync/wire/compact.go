package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
)

// The compact upload (API v2) sends a bundle's signature and HQ's receipt
// as their signatures' binary parts only. Everything else in the .minisig
// file and the receipt (the comments, the receipt's JSON, the key IDs) is
// made again from what the other side knows already: the device and seq
// from the URL, the bundle's hash, the public keys. So both sides hold and
// check, byte for byte, the same .minisig file and signed receipt as with
// API v1; only the bytes on the wire shrink. A sender sends the compact
// form only after checking that it expands to exactly the text it holds,
// and otherwise uses the full form (v1 for a bundle, JSON for a receipt).
//
// Key IDs are not sent: minisign signs neither, and each side fills in the
// one of the key it verifies with, so a signature by another key still
// fails verification.

// BundlesPathV2 is the compact upload: POST {BundlesPathV2}{device}/{seq}
// with the body CompactSignatureSize bytes of compact signature, then the
// bundle ciphertext. Success answers 200 with a compact receipt (its first
// byte is compactReceiptTag) or, when the stored receipt has no compact
// form, the receipt's JSON as in v1 (first byte '{'); errors answer as in
// v1. A receiver without API v2 answers 404.
const BundlesPathV2 = "/v2/bundles/"

// Sizes of the compact forms.
const (
	CompactSignatureSize = 32 + 2*64    // bundle hash, signature, comment signature
	CompactReceiptSize   = 1 + 8 + 2*64 // tag, received (Unix seconds), signature, comment signature
)

// compactReceiptTag is the first byte of a compact receipt; JSON starts with '{'.
const compactReceiptTag = 0x01

// bundleUntrusted is the untrusted comment of a bundle's signature, as
// sync/bundle writes it. CompactSignature checks that the signature has
// this one, so if the two ever differ, uploads fall back to API v1.
func bundleUntrusted(device string, seq uint64) string {
	return fmt.Sprintf("courtwatch bundle %d from device %s", seq, device)
}

// receiptUntrusted and receiptTrusted are the comments of a receipt's
// signature, as SignReceipt writes them.
const receiptUntrusted = "courtwatch receipt"

func receiptTrusted(device string, seq uint64, hash string) string {
	return fmt.Sprintf("%s device=%s seq=%d hash=%s", ReceiptFormat, device, seq, hash)
}

// ErrNotCompact: the data is not a compact signature or receipt.
var ErrNotCompact = errors.New("not a compact signature or receipt")

// CompactSignature returns the compact form of sig, the .minisig text of
// bundle seq of device, or false when sig has none (it does not expand to
// exactly sig again).
func CompactSignature(sig []byte, device string, seq uint64) ([]byte, bool) {
	var s minisign.Signature
	if s.UnmarshalText(sig) != nil || s.Algorithm != minisign.HashEdDSA {
		return nil, false
	}
	t, err := verify.ParseTrusted(s.TrustedComment)
	if err != nil || t.Device != device || t.Seq != seq {
		return nil, false
	}
	h, err := hex.DecodeString(t.Hash)
	if err != nil || len(h) != 32 {
		return nil, false
	}
	c := make([]byte, 0, CompactSignatureSize)
	c = append(append(append(c, h...), s.Signature[:]...), s.CommentSignature[:]...)
	back, err := ExpandSignature(c, device, seq, s.KeyID)
	if err != nil || !bytes.Equal(back, sig) {
		return nil, false
	}
	return c, true
}

// ExpandSignature makes the .minisig text of bundle seq of device from its
// compact form c, with keyID, the ID of the key it will be verified with.
// It checks nothing cryptographic: verify the result as any .minisig.
func ExpandSignature(c []byte, device string, seq uint64, keyID uint64) ([]byte, error) {
	if len(c) != CompactSignatureSize {
		return nil, fmt.Errorf("%w: a compact signature has %d bytes, not %d", ErrNotCompact, CompactSignatureSize, len(c))
	}
	s := minisign.Signature{
		Algorithm:        minisign.HashEdDSA,
		KeyID:            keyID,
		TrustedComment:   verify.Trusted{Device: device, Seq: seq, Hash: hex.EncodeToString(c[:32])}.String(),
		UntrustedComment: bundleUntrusted(device, seq),
	}
	copy(s.Signature[:], c[32:96])
	copy(s.CommentSignature[:], c[96:])
	return s.MarshalText()
}

// CompactReceipt returns the compact form of r, HQ's receipt for bundle
// seq of device with hash, signed by the key whose public key is pub, or
// false when r has none (it does not expand to exactly r again).
func CompactReceipt(r SignedReceipt, pub minisign.PublicKey, device string, seq uint64, hash string) ([]byte, bool) {
	var s minisign.Signature
	var rc Receipt
	if s.UnmarshalText([]byte(r.Signature)) != nil || json.Unmarshal([]byte(r.Receipt), &rc) != nil {
		return nil, false
	}
	c := make([]byte, CompactReceiptSize)
	c[0] = compactReceiptTag
	binary.BigEndian.PutUint64(c[1:9], uint64(rc.Received.Unix()))
	copy(c[9:73], s.Signature[:])
	copy(c[73:], s.CommentSignature[:])
	back, err := ExpandReceipt(c, pub, device, seq, hash)
	if err != nil || back != r {
		return nil, false
	}
	return c, true
}

// IsCompactReceipt reports whether an answer holds a compact receipt
// rather than a receipt's JSON.
func IsCompactReceipt(b []byte) bool { return len(b) > 0 && b[0] == compactReceiptTag }

// ExpandReceipt makes the signed receipt for bundle seq of device with
// hash from its compact form c, with pub the receipt key it will be
// verified with. It checks nothing cryptographic: verify the result with
// SignedReceipt.Verify.
func ExpandReceipt(c []byte, pub minisign.PublicKey, device string, seq uint64, hash string) (SignedReceipt, error) {
	if len(c) != CompactReceiptSize || c[0] != compactReceiptTag {
		return SignedReceipt{}, fmt.Errorf("%w: a compact receipt has %d bytes starting with %#x, not %d bytes", ErrNotCompact, CompactReceiptSize, compactReceiptTag, len(c))
	}
	secs := binary.BigEndian.Uint64(c[1:9])
	if secs > 1<<40 { // beyond year 36000: not a time json.Marshal takes
		return SignedReceipt{}, fmt.Errorf("%w: its time is out of range", ErrNotCompact)
	}
	b, err := json.Marshal(Receipt{Format: ReceiptFormat, Device: device, Seq: seq, Hash: hash, Received: time.Unix(int64(secs), 0).UTC()})
	if err != nil {
		return SignedReceipt{}, fmt.Errorf("%w: %v", ErrNotCompact, err)
	}
	s := minisign.Signature{
		Algorithm:        minisign.EdDSA,
		KeyID:            pub.ID(),
		TrustedComment:   receiptTrusted(device, seq, hash),
		UntrustedComment: receiptUntrusted,
	}
	copy(s.Signature[:], c[9:73])
	copy(s.CommentSignature[:], c[73:])
	sig, err := s.MarshalText()
	if err != nil {
		return SignedReceipt{}, fmt.Errorf("%w: %v", ErrNotCompact, err)
	}
	return SignedReceipt{Receipt: string(b), Signature: string(sig)}, nil
}
