package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Record is a domain value that the vault stores as a series of versions.
// Every domain type (Case, Person, …) embeds Meta and names its Kind.
type Record interface {
	Kind() string
	meta() *Meta
}

// Meta is the bookkeeping that every stored version carries. Put fills it
// in; callers set only ID, and only to edit an existing record.
type Meta struct {
	ID      uuid.UUID `json:"-"`
	Version uint64    `json:"-"` // 1 for the first version
	HLC     uint64    `json:"-"` // hybrid logical clock of this version
	Device  uuid.UUID `json:"-"` // device that wrote this version
	Seq     uint64    `json:"-"` // position in that device's chain
	Hash    string    `json:"-"` // sha256 of this version's bytes, hex
}

func (m *Meta) meta() *Meta { return m }

// Saved is when this version was written, by the writer's clock.
func (m *Meta) Saved() time.Time { return HLCTime(m.HLC) }

// Version is one stored version of a record, exactly as written. Raw is the
// JSON the hash covers; the other fields are decoded from it.
type Version struct {
	ID      uuid.UUID       `json:"id"`
	Type    string          `json:"type"`
	Version uint64          `json:"version"`
	HLC     uint64          `json:"hlc"`
	Device  uuid.UUID       `json:"device"`
	Seq     uint64          `json:"seq"`
	Prev    string          `json:"prev,omitempty"`  // hash of this record's previous version
	Chain   string          `json:"chain,omitempty"` // hash of the device's previous version
	Deleted bool            `json:"deleted,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`

	Raw    []byte `json:"-"`
	Hash   string `json:"-"`
	Purged bool   `json:"-"` // content removed by Purge; only the chain fields remain
}

func (v *Version) ref() ref { return ref{ID: v.ID, HLC: v.HLC, Device: v.Device} }

// Saved is when this version was written, by the writer's clock.
func (v *Version) Saved() time.Time { return HLCTime(v.HLC) }

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ParseVersion decodes raw version bytes (as found in the vault or in an
// export bundle) and computes their hash.
func ParseVersion(raw []byte) (*Version, error) {
	v, ok := scanVersion(raw)
	if !ok {
		v = Version{}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
	}
	v.Raw = raw
	v.Hash = hashHex(raw)
	return &v, nil
}

func (v *Version) fillMeta(m *Meta) {
	*m = Meta{ID: v.ID, Version: v.Version, HLC: v.HLC, Device: v.Device, Seq: v.Seq, Hash: v.Hash}
}

// indexEntry places a record under a parent in a named secondary index,
// ordered by sort within the parent.
type indexEntry struct {
	name   string
	parent uuid.UUID
	sort   []byte
}

// indexed is implemented by record types that appear in secondary indexes
// beyond the per-type list.
type indexed interface {
	indexEntries() []indexEntry
}

// searchable is implemented by record types with text worth searching.
type searchable interface {
	searchText() string
}

// validator is implemented by record types with required fields.
type validator interface {
	validate(tx *Tx) error
}

// timeSort orders times as bytes, before 1970 included.
func timeSort(t time.Time) []byte { return u64(uint64(t.UnixNano()) ^ 1<<63) }

// listedByType are the kinds with a type:<kind> index, for listing all of
// them. Notes and the like are listed per hearing instead, which keeps a
// note's write small.
var listedByType = map[string]bool{KindCase: true, KindPerson: true, KindAttachment: true}

func entriesOf(r Record) []indexEntry {
	var es []indexEntry
	if listedByType[r.Kind()] {
		es = append(es, indexEntry{name: "type:" + r.Kind()})
	}
	if ix, ok := r.(indexed); ok {
		es = append(es, ix.indexEntries()...)
	}
	return es
}
