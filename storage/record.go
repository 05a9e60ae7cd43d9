package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
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

// marshalVersion returns the bytes json.Marshal(v) gives, without its
// reflection: a save encodes one version each time. v.Data must be nil or
// the output of json.Marshal (compact, HTML characters escaped), as Put's
// is; json.Marshal would copy such Data through unchanged. A Type, Prev or
// Chain with a character JSON escapes takes json.Marshal itself
// (TestMarshalVersionSameBytes, FuzzMarshalVersion).
func marshalVersion(v *Version) ([]byte, error) {
	if !plainJSON(v.Type) || !plainJSON(v.Prev) || !plainJSON(v.Chain) {
		return json.Marshal(v)
	}
	b := make([]byte, 0, 256+len(v.Type)+len(v.Prev)+len(v.Chain)+len(v.Data))
	b = append(b, `{"id":`...)
	b = appendUUID(b, v.ID)
	b = append(b, `,"type":"`...)
	b = append(b, v.Type...)
	b = append(b, `","version":`...)
	b = strconv.AppendUint(b, v.Version, 10)
	b = append(b, `,"hlc":`...)
	b = strconv.AppendUint(b, v.HLC, 10)
	b = append(b, `,"device":`...)
	b = appendUUID(b, v.Device)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, v.Seq, 10)
	if v.Prev != "" {
		b = append(append(append(b, `,"prev":"`...), v.Prev...), '"')
	}
	if v.Chain != "" {
		b = append(append(append(b, `,"chain":"`...), v.Chain...), '"')
	}
	if v.Deleted {
		b = append(b, `,"deleted":true`...)
	}
	if len(v.Data) > 0 {
		b = append(append(b, `,"data":`...), v.Data...)
	}
	return append(b, '}'), nil
}

// plainJSON reports whether s is printable ASCII that json.Marshal writes
// as it is (no quote, backslash or HTML character to escape).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// appendUUID appends id as json.Marshal writes it: its quoted text form.
func appendUUID(b []byte, id uuid.UUID) []byte {
	var t [36]byte
	hex.Encode(t[0:8], id[0:4])
	t[8] = '-'
	hex.Encode(t[9:13], id[4:6])
	t[13] = '-'
	hex.Encode(t[14:18], id[6:8])
	t[18] = '-'
	hex.Encode(t[19:23], id[8:10])
	t[23] = '-'
	hex.Encode(t[24:], id[10:])
	return append(append(append(b, '"'), t[:]...), '"')
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
