package receiver

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"courtwatch/sync/wire"

	"github.com/minio/minio-go/v7"
)

// The user metadata (x-amz-meta-*) of a .cwb object that carries its
// signature and receipt: the base64 (standard, padded) of the .minisig
// file and of the receipt's JSON, as the folder store keeps them in files.
const (
	MetaSignature = "Courtwatch-Signature"
	MetaReceipt   = "Courtwatch-Receipt"
)

// maxUserMetadata is what S3 allows of an object's user metadata: the
// bytes of its keys and values, 2 KB. bundleMeta counts the keys with
// their x-amz-meta- prefix, to be safe.
const maxUserMetadata = 2 << 10

// bundleMeta is the user metadata that carries sig and receipt, and false
// if it would be more than S3 allows (a signature with a long untrusted
// comment): the bundle is then stored with separate objects.
func bundleMeta(sig, receipt []byte) (map[string]string, bool) {
	m := map[string]string{
		MetaSignature: base64.StdEncoding.EncodeToString(sig),
		MetaReceipt:   base64.StdEncoding.EncodeToString(receipt),
	}
	n := 0
	for k, v := range m {
		n += len("x-amz-meta-") + len(k) + len(v)
	}
	return m, n <= maxUserMetadata
}

// ParseBundleMeta reads the signature and receipt from the user metadata
// of a .cwb object (minio-go's ObjectInfo.UserMetadata; keys in any
// case). Both are nil for an object without them, stored in the layout
// with separate .cwb.minisig and .receipt.json objects. Metadata with one
// of them, or with one that is not base64, is damaged.
func ParseBundleMeta(m map[string]string) (sig, receipt []byte, err error) {
	var sigB64, receiptB64 string
	var haveSig, haveReceipt bool
	for k, v := range m {
		switch {
		case strings.EqualFold(k, MetaSignature):
			sigB64, haveSig = v, true
		case strings.EqualFold(k, MetaReceipt):
			receiptB64, haveReceipt = v, true
		}
	}
	switch {
	case !haveSig && !haveReceipt:
		return nil, nil, nil
	case !haveSig || !haveReceipt:
		return nil, nil, errors.New("its metadata has a signature or a receipt, not both")
	}
	if sig, err = base64.StdEncoding.DecodeString(sigB64); err != nil || len(sig) == 0 {
		return nil, nil, errors.New("its signature metadata is not base64")
	}
	if receipt, err = base64.StdEncoding.DecodeString(receiptB64); err != nil || len(receipt) == 0 {
		return nil, nil, errors.New("its receipt metadata is not base64")
	}
	return sig, receipt, nil
}

// head reads the user metadata of object key; ok is false if there is none.
func (s *S3Store) head(key string) (meta map[string]string, ok bool, err error) {
	ctx, cancel := s.ctx()
	defer cancel()
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	switch {
	case isNotFound(err):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read %s: %w", key, s.explain(err))
	}
	return info.UserMetadata, true, nil
}

// stored returns the hash of the bundle stored for (device, seq) and its
// receipt: from the .cwb's metadata (one request), or in the older layout
// from its .receipt.json object, else by reading the bundle.
func (s *S3Store) stored(device string, seq uint64) (string, []byte, error) {
	base := s.base(device, seq)
	meta, ok, err := s.head(base + ".cwb")
	if err != nil || !ok {
		return "", nil, err
	}
	_, receipt, err := ParseBundleMeta(meta)
	if err != nil {
		return "", nil, fmt.Errorf("the bundle %s.cwb in %s is damaged: %v", base, s.url, err)
	}
	if receipt == nil {
		if receipt, ok, err = s.get(base+".receipt.json", maxSmallObject); err != nil {
			return "", nil, err
		} else if !ok {
			receipt = nil
		}
	}
	if receipt != nil {
		hash, err := receiptHash(receipt)
		if err != nil {
			return "", nil, fmt.Errorf("the stored receipt of %s.cwb in %s is damaged: %v", base, s.url, err)
		}
		return hash, receipt, nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	obj, err := s.client.GetObject(ctx, s.bucket, base+".cwb", minio.GetObjectOptions{})
	h := sha256.New()
	if err == nil {
		defer obj.Close()
		_, err = io.Copy(h, obj)
	}
	switch {
	case isNotFound(err):
		return "", nil, nil
	case err != nil:
		return "", nil, fmt.Errorf("read %s.cwb: %w", base, s.explain(err))
	}
	return hex.EncodeToString(h.Sum(nil)), nil, nil
}

// held does not look: that would cost a request on every new upload, and
// the conditional write of the bundle in commit tells a new seq from a
// taken one. A resend or a conflicting upload is spooled to a temporary
// file and found out there.
func (s *S3Store) held(string, uint64) (string, error) { return "", nil }

// receiptHash is the bundle hash that a stored receipt names.
func receiptHash(b []byte) (string, error) {
	var sr wire.SignedReceipt
	var r wire.Receipt
	if err := json.Unmarshal(b, &sr); err != nil {
		return "", err
	}
	if err := json.Unmarshal([]byte(sr.Receipt), &r); err != nil || !isSHA256Hex(r.Hash) {
		return "", errors.New("it names no bundle hash")
	}
	return r.Hash, nil
}

// commit stores the verified upload in tmp as bundle seq of device with
// one request: the .cwb object, written only if there is none
// (If-None-Match: *), carrying the signature and a receipt signed before
// it in its metadata. So one atomic object holds all three, and of
// receivers that race for one seq, one wins; the others discard their
// receipts and see its bundle: the same bytes are a duplicate (answered
// with the stored receipt), others a conflict.
//
// A bundle stored in the older layout, a .cwb object and then
// .cwb.minisig and .receipt.json objects, may lack the last two if its
// receiver stopped between the writes; a resend of it writes them, each
// only if absent, as that layout's receivers did. A signature too long
// for the metadata is stored in that layout too.
func (s *S3Store) commit(device string, seq uint64, tmp *os.File, sig []byte, hash string, sign func() (wire.SignedReceipt, error)) ([]byte, outcome, error) {
	defer s.locks.lock(fmt.Sprint(device, "/", seq))()
	base := s.base(device, seq)
	if tmp == nil {
		return nil, 0, fmt.Errorf("bundle %s.cwb: the S3 store holds every upload in a temporary file", base)
	}
	sr, err := sign()
	if err != nil {
		return nil, 0, err
	}
	receipt, err := json.Marshal(sr)
	if err != nil {
		return nil, 0, err
	}
	meta, fits := bundleMeta(sig, receipt)
	if !fits {
		meta = nil
	}
	fi, err := tmp.Stat()
	if err != nil {
		return nil, 0, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, 0, err
	}
	created, err := s.put(base+".cwb", tmp, fi.Size(), true, meta)
	switch {
	case err != nil:
		return nil, 0, err
	case created && fits:
		return receipt, stored, nil
	}
	out := stored
	if !created { // another upload won: ours is a duplicate or a conflict
		have, storedReceipt, err := s.stored(device, seq)
		switch {
		case err != nil:
			return nil, 0, err
		case have == "":
			return nil, 0, fmt.Errorf("%w: %s refused to create %s.cwb, which it says does not exist", errStoreUnavailable, s.url, base)
		case have != hash:
			return nil, conflict, nil
		case storedReceipt != nil:
			return storedReceipt, duplicate, nil
		}
		out = duplicate
	}
	// The older layout: the bundle is stored (ours, or the same bytes
	// without signature and receipt yet).
	if _, err := s.put(base+".cwb.minisig", bytes.NewReader(sig), int64(len(sig)), true, nil); err != nil {
		return nil, 0, err
	}
	if created, err = s.put(base+".receipt.json", bytes.NewReader(receipt), int64(len(receipt)), true, nil); err != nil {
		return nil, 0, err
	}
	if !created { // another receiver answered the same bundle first
		b, ok, err := s.get(base+".receipt.json", maxSmallObject)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, fmt.Errorf("the receipt %s.receipt.json in %s vanished", base, s.url)
		}
		receipt = b
	}
	return receipt, out, nil
}
