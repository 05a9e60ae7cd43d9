package receiver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
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
// case). Each is nil if the metadata lacks it, as in the layout with
// separate .cwb.minisig and .receipt.json objects. err says what is
// damaged: a value that is not base64 (standard, padded, on one line),
// one of the two without the other, or a key given twice with different
// values; what is not damaged is still returned, so that a damaged
// receipt does not hide a good signature.
func ParseBundleMeta(m map[string]string) (sig, receipt []byte, err error) {
	var vals [2]string
	var have [2]bool
	for k, v := range m {
		i := 0
		switch {
		case strings.EqualFold(k, MetaSignature):
		case strings.EqualFold(k, MetaReceipt):
			i = 1
		default:
			continue
		}
		if have[i] && vals[i] != v {
			return nil, nil, fmt.Errorf("its metadata gives %s twice", [2]string{MetaSignature, MetaReceipt}[i])
		}
		vals[i], have[i] = v, true
	}
	var errs []string
	dec := func(i int, what string) []byte {
		if !have[i] {
			return nil
		}
		b, err := base64.StdEncoding.DecodeString(vals[i])
		if err != nil || len(b) == 0 || base64.StdEncoding.EncodeToString(b) != vals[i] { // one spelling: no line breaks

			errs = append(errs, "its "+what+" metadata is not base64")
			return nil
		}
		return b
	}
	sig, receipt = dec(0, "signature"), dec(1, "receipt")
	if have[0] != have[1] {
		errs = append(errs, "its metadata has a signature or a receipt, not both")
	}
	if errs != nil {
		err = errors.New(strings.Join(errs, "; "))
	}
	return sig, receipt, err
}

// head reads the user metadata of object key; ok is false if there is none.
func (s *S3Store) head(key string) (meta map[string]string, ok bool, err error) {
	info, ok, err := s.stat(key)
	return info.UserMetadata, ok, err
}

// stat reads object key's metadata and checksum; ok is false if there is
// none.
func (s *S3Store) stat(key string) (info minio.ObjectInfo, ok bool, err error) {
	ctx, cancel := s.ctx()
	defer cancel()
	info, err = s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{Checksum: true})
	switch {
	case isNotFound(err):
		return info, false, nil
	case err != nil:
		return info, false, fmt.Errorf("read %s: %w", key, s.explain(err))
	}
	return info, true, nil
}

// stored returns the hash of the bytes that the bucket holds for (device,
// seq), "" if none, and a receipt for them if it holds one. The hash is
// the bucket's own SHA-256 of the object (commit sends it, and the server
// checks it), else it reads the bytes. A receipt counts only if it is
// HQ's for exactly these bytes and lies next to a signature that names
// them: in the .cwb's metadata, or as .receipt.json next to a
// .cwb.minisig (the older layout). Someone with the bucket's keys may
// have replaced the bytes or metadata, and a device that gets a receipt
// may delete its copy: so no receipt for other bytes.
func (s *S3Store) stored(device string, seq uint64) (string, []byte, error) {
	base := s.base(device, seq)
	info, ok, err := s.stat(base + ".cwb")
	if err != nil || !ok {
		return "", nil, err
	}
	hash := checksumHash(info)
	if hash == "" {
		if hash, ok, err = s.hashObject(base+".cwb", info.Size); err != nil || !ok {
			return "", nil, err
		}
	}
	sig, receipt, _ := ParseBundleMeta(info.UserMetadata) // a damaged part fits nothing
	if s.fits(sig, receipt, device, seq, hash) {
		return hash, receipt, nil
	}
	if receipt, ok, err = s.get(base+".receipt.json", maxSmallObject); err != nil || !ok {
		return hash, nil, err
	}
	if sig, ok, err = s.get(base+".cwb.minisig", verify.MaxSignature); err != nil || !ok {
		return hash, nil, err
	}
	if s.fits(sig, receipt, device, seq, hash) {
		return hash, receipt, nil
	}
	return hash, nil, nil
}

// fits reports whether receipt is HQ's for bundle seq of device with hash
// (any receipt naming them if the store has no receipt key), and sig a
// signature whose trusted comment names the same.
func (s *S3Store) fits(sig, receipt []byte, device string, seq uint64, hash string) bool {
	if sig == nil || receipt == nil {
		return false
	}
	var ms minisign.Signature
	if ms.UnmarshalText(sig) != nil {
		return false
	}
	if t, err := verify.ParseTrusted(ms.TrustedComment); err != nil || t.Device != device || t.Seq != seq || t.Hash != hash {
		return false
	}
	var sr wire.SignedReceipt
	if json.Unmarshal(receipt, &sr) != nil {
		return false
	}
	if s.receiptPub == nil {
		h, err := receiptHash(receipt)
		return err == nil && h == hash
	}
	_, err := sr.Verify(*s.receiptPub, device, seq, hash)
	return err == nil
}

// checksumHash is the SHA-256 in hex that the server computed of the
// whole object, or "" if it gives none.
func checksumHash(info minio.ObjectInfo) string {
	if info.ChecksumMode != "" && info.ChecksumMode != "FULL_OBJECT" {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(info.ChecksumSHA256)
	if err != nil || len(b) != sha256.Size {
		return ""
	}
	return hex.EncodeToString(b)
}

// hashObject reads object key, of size bytes, and returns its SHA-256 in
// hex; ok is false if there is none. It allows the store's timeout and a
// second per MiB: a large bundle must not make every resend of it time
// out. Past verify.MaxBundle bytes it stops: such an object is no bundle,
// and its hash matches none.
func (s *S3Store) hashObject(key string, size int64) (hash string, ok bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout+time.Duration(min(size, verify.MaxBundle)>>20)*time.Second)
	defer cancel()
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	h := sha256.New()
	if err == nil {
		defer obj.Close()
		_, err = io.Copy(h, io.LimitReader(obj, verify.MaxBundle+1))
	}
	switch {
	case isNotFound(err):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read %s: %w", key, s.explain(err))
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
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
	created, err := s.put(base+".cwb", tmp, fi.Size(), true, meta, hash)
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
	// without a signature and receipt that fit them).
	sigNew, err := s.put(base+".cwb.minisig", bytes.NewReader(sig), int64(len(sig)), true, nil, sha256Hex(sig))
	if err != nil {
		return nil, 0, err
	}
	receiptNew, err := s.put(base+".receipt.json", bytes.NewReader(receipt), int64(len(receipt)), true, nil, sha256Hex(receipt))
	switch {
	case err != nil:
		return nil, 0, err
	case sigNew && receiptNew:
		return receipt, out, nil
	}
	// Another receiver answered the same bundle first, or someone else
	// wrote these objects: answer with what the bucket holds, if it fits.
	if _, storedReceipt, err := s.stored(device, seq); err != nil || storedReceipt != nil {
		return storedReceipt, out, err
	}
	return nil, 0, fmt.Errorf("%s holds bundle %s.cwb without a signature and receipt that fit it, and its %s.cwb.minisig or %s.receipt.json, which receivers write only if absent, holds something else: someone other than the receivers wrote to the bucket; check who holds its keys, and move those objects aside so that the device's next resend stores its own",
		s.url, base, base, base)
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
