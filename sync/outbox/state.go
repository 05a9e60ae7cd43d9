package outbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/wire"
)

// State is where a bundle is on its way to HQ.
type State string

// States of a bundle; see the package doc.
const (
	Sealed          State = "sealed"
	Uploading       State = "uploading"
	Delivered       State = "delivered"
	ReceiptVerified State = "receipt_verified"
	Failed          State = "failed"
)

// Settled reports whether nothing more will be done for a bundle in state s.
func (s State) Settled() bool { return s == ReceiptVerified || s == Failed }

// Entry is one bundle in the outbox.
type Entry struct {
	Device      string    `json:"device"`
	Seq         uint64    `json:"seq"`
	Hash        string    `json:"hash"` // sha256 hex of the bundle file
	Prev        string    `json:"prev,omitempty"`
	Size        int64     `json:"size"` // bytes of the bundle file
	Chunks      int       `json:"chunks"`
	Records     int       `json:"records"`
	Attachments int       `json:"attachments"`
	ChainFirst  uint64    `json:"chain_first"` // device chain positions of the records
	ChainLast   uint64    `json:"chain_last"`
	Created     time.Time `json:"created"`
	Profile     string    `json:"profile"` // HQ profile sealed to and delivered to

	State       State     `json:"state"`
	Attempts    int       `json:"attempts"`
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	// DeliveredTo and DeliveredAt name the last folder the bundle was
	// written to, or the receiver that confirmed it.
	DeliveredTo string              `json:"delivered_to,omitempty"`
	DeliveredAt time.Time           `json:"delivered_at,omitzero"`
	Receipt     *wire.SignedReceipt `json:"receipt,omitempty"`
	Received    time.Time           `json:"received,omitzero"` // HQ's time in the verified receipt
	// RefusedBy is the receiver that refused the bundle as too large
	// (ErrTooLarge): the background uploader no longer sends it there;
	// "courtwatch sync" tries once more, in case HQ raised its limit.
	RefusedBy string `json:"refused_by,omitempty"`
}

// cursor is the outbox's position, changed with every bundle sealed or
// settled.
type cursor struct {
	Chain   uint64 `json:"chain"`   // device chain seq covered by the last bundle
	Seq     uint64 `json:"seq"`     // the last bundle's seq (0: none yet)
	Hash    string `json:"hash"`    // the last bundle's hash
	Settled uint64 `json:"settled"` // every bundle with seq <= Settled is settled
	// For the uploader's status, without reading every entry:
	Failed      int       `json:"failed"`                // bundles in state failed
	LastReceipt time.Time `json:"last_receipt,omitzero"` // when the last receipt was verified
}

// Aux keys; see the package doc.
const (
	keyDefault       = "hq/default"
	keyProfilePrefix = "hq/profile/"
	keyCursor        = "cursor/outbox"
	keyEntryPrefix   = "outbox/"
	keyPurgePrefix   = "settings/purge/"
	chunkSize        = 4 << 20
)

func entryKey(seq uint64) string { return fmt.Sprintf("%s%020d", keyEntryPrefix, seq) }
func sigKey(seq uint64) string   { return fmt.Sprintf("bundle/%020d/sig", seq) }
func dataKey(seq uint64, n int) string {
	return fmt.Sprintf("bundle/%020d/%04d", seq, n)
}

// Errors. They are wrapped with detail: test with errors.Is.
var (
	// ErrNoProfile: no HQ profile is installed, so nothing can be sealed.
	ErrNoProfile = errors.New("no HQ profile installed")
	// ErrFork: HQ (or the folder) already holds a different bundle with
	// this device and sequence number. Retrying cannot fix it.
	ErrFork = errors.New("HQ holds a different bundle with this sequence number")
	// ErrTooLarge: HQ's receiver refuses the bundle as larger than its
	// limit (413). Seal keeps every bundle below wire.MaxUpload, which a
	// receiver accepts, so this means HQ set a lower limit. Retrying the
	// same receiver cannot fix it: the uploader stops trying it (see
	// Entry.RefusedBy), and "courtwatch export --to DIR" carries it.
	ErrTooLarge = errors.New("HQ's receiver refuses the bundle as too large")
	// ErrCorrupt: the outbox state in the vault does not decode.
	ErrCorrupt = errors.New("outbox state in the vault is damaged")
)

func getJSON(tx *storage.Tx, key string, v any) (bool, error) {
	b, err := tx.Aux(key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrCorrupt, key, err)
	}
	return true, nil
}

func setJSON(tx *storage.Tx, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.SetAux(key, b)
}

func loadCursor(tx *storage.Tx) (cursor, error) {
	var c cursor
	_, err := getJSON(tx, keyCursor, &c)
	return c, err
}

func loadEntry(tx *storage.Tx, seq uint64) (*Entry, error) {
	e := new(Entry)
	ok, err := getJSON(tx, entryKey(seq), e)
	if err == nil && !ok {
		err = fmt.Errorf("%w: bundle %d is missing from the outbox", ErrCorrupt, seq)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// saveEntry stores e, which was in state from before, counts it in the
// cursor if it settled, and moves the settled mark past every settled
// bundle.
func saveEntry(tx *storage.Tx, e *Entry, from State) error {
	if err := setJSON(tx, entryKey(e.Seq), e); err != nil {
		return err
	}
	c, err := loadCursor(tx)
	if err != nil {
		return err
	}
	old := c
	if e.State == Failed && from != Failed {
		c.Failed++
	}
	if e.State == ReceiptVerified && from != ReceiptVerified {
		c.LastReceipt = e.DeliveredAt
	}
	for c.Settled < c.Seq {
		next, err := loadEntry(tx, c.Settled+1)
		if err != nil {
			return err
		}
		if !next.State.Settled() {
			break
		}
		c.Settled++
	}
	if c == old {
		return nil
	}
	return setJSON(tx, keyCursor, c)
}

// Entries returns every bundle in the outbox, oldest first.
func Entries(v *storage.Vault) ([]Entry, error) {
	var out []Entry
	err := v.View(func(tx *storage.Tx) error {
		return tx.ScanAux(keyEntryPrefix, func(key string, val []byte) error {
			var e Entry
			if err := json.Unmarshal(val, &e); err != nil {
				return fmt.Errorf("%w: %s: %v", ErrCorrupt, key, err)
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// Pending returns the bundles that are not settled, oldest first. Its cost
// grows with the number of unsettled bundles, not with the outbox.
func Pending(v *storage.Vault) ([]Entry, error) {
	var out []Entry
	err := v.View(func(tx *storage.Tx) error {
		c, err := loadCursor(tx)
		if err != nil {
			return err
		}
		for seq := c.Settled + 1; seq <= c.Seq; seq++ {
			e, err := loadEntry(tx, seq)
			if err != nil {
				return err
			}
			if !e.State.Settled() {
				out = append(out, *e)
			}
		}
		return nil
	})
	return out, err
}

// Bundle returns the bytes and the signature of the bundle seq, checked
// against the hash it was sealed with.
func Bundle(v *storage.Vault, seq uint64) (e *Entry, data, sig []byte, err error) {
	err = v.View(func(tx *storage.Tx) error {
		if e, err = loadEntry(tx, seq); err != nil {
			return err
		}
		var buf bytes.Buffer
		buf.Grow(int(e.Size))
		for n := range e.Chunks {
			b, err := tx.Aux(dataKey(seq, n))
			if err != nil {
				return fmt.Errorf("bundle %d, part %d: %w", seq, n, err)
			}
			buf.Write(b)
		}
		data = buf.Bytes()
		sig, err = tx.Aux(sigKey(seq))
		return err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if bundle.Hash(data) != e.Hash {
		return nil, nil, nil, fmt.Errorf("%w: bundle %d does not match its hash", storage.ErrTampered, seq)
	}
	return e, data, sig, nil
}

func putBundle(tx *storage.Tx, e *Entry, data, sig []byte) error {
	e.Chunks = 0
	for off := 0; off < len(data); off += chunkSize {
		if err := tx.SetAux(dataKey(e.Seq, e.Chunks), data[off:min(off+chunkSize, len(data))]); err != nil {
			return err
		}
		e.Chunks++
	}
	return tx.SetAux(sigKey(e.Seq), sig)
}
