package importer

import (
	"errors"
	"fmt"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
)

// vaultError is a failure of the HQ vault itself, which stops the import.
type vaultError struct{ err error }

func (e *vaultError) Error() string { return e.err.Error() }
func (e *vaultError) Unwrap() error { return e.err }

// merge stores the records of an opened bundle in the HQ vault and records
// it in the device's import state (st), in one transaction. When the vault
// finds that too large, it merges the records in several transactions and
// records the bundle with the last one: a crash in between leaves the
// bundle unrecorded, and importing it again merges what is missing.
//
// It returns how many versions were new. Its errors: *vaultError when the
// vault fails; an error matching storage.ErrConflict when a record
// collides with a different version HQ holds (a fork); otherwise a record
// that cannot be stored. Earlier transactions of a split bundle stay
// stored then: their versions are authentic, and stored versions are only
// ever added to.
func (im *importer) merge(c *bundle.Contents, st *deviceState) (added int, err error) {
	// All or nothing, as far as checking first allows: every record is
	// decoded before any is merged, once.
	recs := make([]*storage.Version, len(c.Records))
	size := 0
	for i, raw := range c.Records {
		if recs[i], err = storage.ParseVersion(raw); err != nil {
			return 0, fmt.Errorf("%w: a record of bundle %d does not decode: %v", bundle.ErrMalformed, c.Manifest.Seq, err)
		}
		size += len(raw)
	}
	batch := im.batch
	if batch <= 0 {
		batch = firstBatch(len(recs), size, im.v.MaxTxnBytes())
	}
	for i := 0; i < len(recs); {
		end := min(i+batch, len(recs))
		last := end == len(recs)
		n, done := 0, 0
		err := im.v.Update(func(tx *storage.Tx) error {
			n, done = 0, 0
			for _, ver := range recs[i:end] {
				ok, err := tx.MergeVersion(ver)
				if err != nil {
					return err
				}
				done++
				if ok {
					n++
				}
			}
			if last {
				for _, data := range c.Attachments {
					if _, err := tx.PutBlob(data); err != nil {
						return err
					}
				}
				return st.accept(tx, c, im.now())
			}
			return nil
		})
		switch {
		case errors.Is(err, storage.ErrTooBig) && end-i > 1:
			// Nothing of this transaction was stored: retry with fewer
			// records, and keep the smaller size for later bundles.
			batch = max(1, min((end-i)/2, done*4/5))
			im.batch = batch
			continue
		case err == nil:
		case errors.Is(err, storage.ErrConflict):
			return added, fmt.Errorf("record %d of bundle %d of device %s: %w; the device's history has split: do not import it again, and find out whether the device was restored from a backup or copied",
				i+done+1, c.Manifest.Seq, c.Manifest.Device, err)
		case done == end-i, errors.Is(err, storage.ErrTampered), errors.Is(err, storage.ErrLocked), errors.Is(err, storage.ErrTooBig),
			errors.Is(err, storage.ErrDiskFull):
			// Every record merged, so saving failed; or the vault is damaged
			// or closed, or its disk is full (a vault opened on a full disk
			// refuses every transaction before the first record: that is
			// not the bundle's fault).
			return added, &vaultError{err}
		default:
			return added, fmt.Errorf("record %d of bundle %d of device %s cannot be stored: %w", i+done+1, c.Manifest.Seq, c.Manifest.Device, err)
		}
		added += n
		i = end
		if afterCommit != nil {
			afterCommit(c.Manifest.Device, c.Manifest.Seq, last)
		}
	}
	return added, nil
}

// afterCommit, if set (by tests), is called after each transaction of
// merge: of bundle seq of device, the bundle's last (recorded) if last.
var afterCommit func(device string, seq uint64, last bool)

// txnShare is the share of the most a vault transaction takes
// (storage.Vault.MaxTxnBytes) that the first transaction of an import
// aims at, and versionOverhead about what a merged version writes besides
// its bytes: the AEAD's nonce and tag, its feed and chain keys, its index
// entries, and its search postings and sealed terms list (a note's about
// nine postings), which the merge writes with it.
const (
	txnShare        = 0.7
	versionOverhead = 900
)

// firstBatch is how many of n records, of size bytes in all, to merge in
// the first transaction of an import into a vault that takes at most
// limit bytes in one: all of them if they fit, else as many as are likely
// to fit, so that the first transaction of a large bundle is not built in
// vain (a transaction the vault finds too large is tried again with half
// as many records).
func firstBatch(n, size, limit int) int {
	txnBytes := int(float64(limit) * txnShare)
	if n == 0 || size+n*versionOverhead <= txnBytes {
		return max(n, 1)
	}
	return max(1, txnBytes/(size/n+versionOverhead))
}
