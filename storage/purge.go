package storage

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// A purged version keeps its place in the device chain: the chain entry
// d/<device><seq> is rewritten to <id:16><hlc:8><hash:32><chain:32>, so the
// chain of custody still verifies after the content is gone.
const purgedEntrySize = 16 + 8 + 32 + 32

func purgedVersion(device uuid.UUID, seqBytes, val []byte) (*Version, error) {
	if len(seqBytes) != 8 || len(val) != purgedEntrySize {
		return nil, fmt.Errorf("purged chain entry has the wrong size: %w", ErrTampered)
	}
	ver := &Version{Device: device, Seq: u64be(seqBytes), Purged: true}
	copy(ver.ID[:], val[:16])
	ver.HLC = u64be(val[16:24])
	ver.Hash = hex.EncodeToString(val[24:56])
	if c := val[56:88]; !allZero(c) {
		ver.Chain = hex.EncodeToString(c)
	}
	return ver, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

func purgedEntry(ver *Version) ([]byte, error) {
	h, err := hex.DecodeString(ver.Hash)
	if err != nil || len(h) != 32 {
		return nil, fmt.Errorf("version hash %q: %w", ver.Hash, ErrTampered)
	}
	c := make([]byte, 32)
	if ver.Chain != "" {
		if c, err = hex.DecodeString(ver.Chain); err != nil || len(c) != 32 {
			return nil, fmt.Errorf("version chain %q: %w", ver.Chain, ErrTampered)
		}
	}
	return cat(ver.ID[:], u64(ver.HLC), h, c), nil
}

// Purge removes a record's content from the vault for good: every version,
// its index entries, search postings and, for an attachment no other
// attachment shares, its bytes. Only the hashes stay, in the device chain,
// so VerifyChain still passes and HQ's copy can be proven identical. Use it
// only for what HQ has confirmed receiving. Badger keeps the deleted
// ciphertext until it compacts; call Compact afterwards to rewrite it away.
// The search postings go just after the commit, in the background (see
// search.go); Search and Compact wait for that.
func (tx *Tx) Purge(id uuid.UUID) error {
	if !tx.write {
		return errors.New("purge: read-only transaction")
	}
	hist, err := tx.History(id)
	if err != nil {
		return err
	}
	last := hist[len(hist)-1]
	if !last.Deleted {
		r, err := newRecord(last.Type)
		if err != nil {
			return err
		}
		if err := decodeInto(last, r); err != nil {
			return err
		}
		if err := tx.updateIndexes(id, entriesOf(r), nil); err != nil {
			return err
		}
		if a, ok := r.(*Attachment); ok {
			if err := tx.purgeBlob(a); err != nil {
				return err
			}
		}
	}
	if err := tx.notePurged(hist); err != nil {
		return err
	}
	for _, ver := range hist {
		rf := ver.ref()
		entry, err := purgedEntry(ver)
		if err != nil {
			return err
		}
		for _, k := range [][]byte{rf.versionKey(), rf.feedKey(), rf.pendingKey()} {
			if err := tx.txn.Delete(k); err != nil {
				return classify(err)
			}
		}
		if err := tx.set(chainKey(ver.Device, ver.Seq), entry); err != nil {
			return err
		}
	}
	// The indexer, the only writer of postings, removes them (and the
	// sealed list of their terms) right after the commit, before any
	// later search; the marker makes the next Open do it after a crash.
	// Doing it here could race with an indexing of the record in flight.
	rf := last.ref()
	if err := tx.set(rf.pendingKey(), nil); err != nil {
		return err
	}
	tx.written = append(tx.written, rf)
	delete(tx.mine, id)
	tx.dirty = true
	return nil
}

func (tx *Tx) purgeBlob(a *Attachment) error {
	others, err := listRecords[Attachment](tx, "type:"+KindAttachment, uuid.Nil)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != a.ID && o.SHA256 == a.SHA256 {
			return nil
		}
	}
	sum, err := hex.DecodeString(a.SHA256)
	if err != nil {
		return nil
	}
	for n := uint32(0); ; n++ {
		k := blobKey(sum, n)
		if _, err := tx.txn.Get(k); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err := tx.txn.Delete(k); err != nil {
			return classify(err)
		}
	}
}

// Compact rewrites Badger's files so that purged and superseded data is
// dropped from disk rather than merely unreachable. It can take a while on
// a large vault.
func (v *Vault) Compact() error {
	v.life.RLock()
	defer v.life.RUnlock()
	if v.closed.Load() {
		return ErrLocked
	}
	// Purged records' postings are removed by the indexer: let it finish,
	// so that they are compacted away too.
	if err := v.waitIndexed(); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := v.db.Flatten(1); err != nil {
		return fmt.Errorf("compact: %w", classify(err))
	}
	for v.db.RunValueLogGC(0.01) == nil {
	}
	return nil
}

// PurgedRecord is what this device still knows of a record that Purge
// removed: its kind, the hearing it was observed at, when it was removed,
// and each version's place in its device chain and hash. Reports use it to
// say what was delivered to HQ and removed here, rather than that nothing
// was recorded. It is kept as auxiliary state (never exported) under
//
//	a/purged/<hearing>/<id>   JSON of PurgedRecord
type PurgedRecord struct {
	ID       uuid.UUID       `json:"id"`
	Type     string          `json:"type"`
	Hearing  uuid.UUID       `json:"hearing,omitzero"`
	Person   uuid.UUID       `json:"person,omitzero"` // the defendant an attendance record or answer was about
	Purged   time.Time       `json:"purged"`
	Versions []PurgedVersion `json:"versions"`
}

// PurgedVersion is one removed version of a PurgedRecord.
type PurgedVersion struct {
	Version uint64    `json:"version"`
	Device  uuid.UUID `json:"device"`
	Seq     uint64    `json:"seq"`
	HLC     uint64    `json:"hlc"`
	Hash    string    `json:"hash"`
}

const purgedAuxPrefix = "purged/"

func (tx *Tx) notePurged(hist []*Version) error {
	var ref struct {
		Hearing uuid.UUID `json:"hearing"`
		Person  uuid.UUID `json:"person"`
	}
	for _, ver := range hist {
		if len(ver.Data) > 0 {
			json.Unmarshal(ver.Data, &ref) // a record without a hearing is kept under the nil id
		}
	}
	p := PurgedRecord{ID: hist[0].ID, Type: hist[0].Type, Hearing: ref.Hearing, Person: ref.Person, Purged: time.Now().UTC()}
	for _, ver := range hist {
		p.Versions = append(p.Versions, PurgedVersion{Version: ver.Version, Device: ver.Device, Seq: ver.Seq, HLC: ver.HLC, Hash: ver.Hash})
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.SetAux(purgedAuxPrefix+ref.Hearing.String()+"/"+p.ID.String(), b)
}

// PurgedOfHearing returns the records of a hearing that Purge removed from
// this vault, in id order.
func (tx *Tx) PurgedOfHearing(hearing uuid.UUID) ([]*PurgedRecord, error) {
	var out []*PurgedRecord
	err := tx.ScanAux(purgedAuxPrefix+hearing.String()+"/", func(key string, val []byte) error {
		p := &PurgedRecord{}
		if err := json.Unmarshal(val, p); err != nil {
			return fmt.Errorf("purge record %s: %w", key, ErrTampered)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}
