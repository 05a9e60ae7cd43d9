package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
)

// Revocation stops new uploads; it does not orphan what HQ already
// stored and receipted. A monitor may delete notes once HQ's receipt
// confirms them (purge after receipt), so a bundle that HQ receipted
// before the device was revoked may be the only copy of those notes.
//
// What proves "receipted before revocation" is the receipt itself: the
// receiver stores it next to the bundle (<seq>.receipt.json beside
// <seq>.cwb; the same name beside a bundle copied elsewhere), or in a
// bucket in the .cwb object's metadata (bundleFile.receipt reads it). It
// counts
// only if it verifies with this HQ's receipt key (receipt.pub), covers
// exactly this device, bundle number and content (sha256), and its
// "received" time is not after the revocation time in the registry. The
// receiver checks the registry again right before it signs a receipt, so
// it never receipts a bundle of a device that its registry shows revoked.
// A revoked device's bundle without such a receipt arrived, or was
// copied, after revocation: it is rejected with hq.ErrRevoked.

// maxReceipt bounds what is read of a receipt.
const maxReceipt = 64 << 10

// receiptPath is where the receipt of the bundle file path is kept.
func receiptPath(path string) string {
	return strings.TrimSuffix(path, ".cwb") + ".receipt.json"
}

// receiptedBefore checks that the bundle file path, with content hash,
// holds bundle seq of the revoked device d and carries HQ's receipt from
// before d's revocation; readReceipt reads that receipt (an error
// wrapping fs.ErrNotExist if there is none). It returns the receipt's
// time, or an error that wraps hq.ErrRevoked and says why the bundle is
// refused.
func (im *importer) receiptedBefore(d hq.Device, path string, readReceipt func() ([]byte, error), seq uint64, hash string) (time.Time, error) {
	return im.receiptedBeforeAny(d, path, func() ([][]byte, error) {
		b, err := readReceipt()
		return [][]byte{b}, err
	}, seq, hash)
}

// receiptedBeforeAny is receiptedBefore for a bundle with several
// receipts (a bucket's metadata and .receipt.json): the first that is
// HQ's for this bundle counts; else the first one's fault is reported.
func (im *importer) receiptedBeforeAny(d hq.Device, path string, readReceipt func() ([][]byte, error), seq uint64, hash string) (time.Time, error) {
	revoked := fmt.Errorf("%w: device %s (%s) was revoked on %s", hq.ErrRevoked, d.ID, d.Monitor, d.Revoked.Format(time.RFC3339))
	bs, err := readReceipt()
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, fmt.Errorf("%w, and bundle %d has no receipt from HQ (%s) showing it was received before then, so it is not imported; if HQ's receiver did receipt it, copy its .receipt.json from the receiver's store next to the bundle", revoked, seq, filepath.Base(receiptPath(path)))
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w, and the receipt of bundle %d cannot be read: %v", revoked, seq, err)
	}
	pub, err := im.receiptKey()
	if err != nil {
		return time.Time{}, err
	}
	var first error
	for _, b := range bs {
		received, err := receivedBefore(d, pub, b, seq, hash, revoked)
		if err == nil {
			return received, nil
		}
		if first == nil {
			first = err
		}
	}
	return time.Time{}, first
}

// receivedBefore checks one receipt b of receiptedBefore.
func receivedBefore(d hq.Device, pub minisign.PublicKey, b []byte, seq uint64, hash string, revoked error) (time.Time, error) {
	var sr wire.SignedReceipt
	if err := json.Unmarshal(b, &sr); err != nil {
		return time.Time{}, fmt.Errorf("%w, and the receipt next to bundle %d is damaged, so nothing shows HQ received it before then", revoked, seq)
	}
	r, err := sr.Verify(pub, d.ID, seq, hash)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w, and the receipt next to bundle %d is not HQ's receipt for it (%v)", revoked, seq, err)
	}
	if r.Received.After(d.Revoked) {
		return time.Time{}, fmt.Errorf("%w, and HQ received bundle %d after that, on %s, so it is not imported", revoked, seq, r.Received.Format(time.RFC3339))
	}
	return r.Received, nil
}

// receiptKey is HQ's receipt public key, read once.
func (im *importer) receiptKey() (minisign.PublicKey, error) {
	if im.receiptPub == nil {
		pub, err := minisign.PublicKeyFromFile(filepath.Join(im.dir, hq.ReceiptPubFile))
		if err != nil {
			return pub, fmt.Errorf("HQ's receipt key %s cannot be read (%v), so receipts cannot be checked; restore it from the HQ folder's backup", filepath.Join(im.dir, hq.ReceiptPubFile), err)
		}
		im.receiptPub = &pub
	}
	return *im.receiptPub, nil
}

// openRevoked opens the bundle of a revoked device if HQ receipted it
// before the revocation (see above).
func (im *importer) openRevoked(d hq.Device, f bundleFile, data []byte) (*bundle.Contents, error) {
	if _, err := im.receiptedBeforeAny(d, f.path, f.receipt, f.t.Seq, bundle.Hash(data)); err != nil {
		return nil, err
	}
	return im.openWith(d, f, data)
}
