package storage

import (
	"encoding/binary"

	"github.com/google/uuid"
)

// Key layout inside Badger, every prefix the vault uses. Badger encrypts
// keys and values on disk; values marked "sealed" are also AEAD-sealed
// under the record key (see doc.go). The prefixes of the last three lines
// are declared next to the code that owns them.
//
//	m/device                          sealed device identity
//	m/head                            sealed head of this device's chain
//	v/<id:16><hlc:8><device:16>       sealed version (JSON envelope)
//	f/<hlc:8><device:16><id:16>       change feed, empty value
//	d/<device:16><seq:8>              device chain: <id:16><hlc:8>
//	x/<index>\0<parent:16><sort:n><id:16>   secondary index, empty value
//	p/<id:16><hlc:8><device:16>       version awaiting search indexing
//	s/<term>\0<id:16>                 search posting, empty value
//	b/<sha256:32><chunk:4>            sealed attachment chunk
//	t/<id:16>                         sealed list of the terms posted for id (search.go)
//	a/<key>                           sealed auxiliary value of another package (aux.go)
//	i/<import:16><chunk:4>            sealed staged writes of a big import (staging.go);
//	                                  chunk ffffffff is its commit marker
var (
	keyDevice = []byte("m/device")
	keyHead   = []byte("m/head")

	prefixVersion = []byte("v/")
	prefixFeed    = []byte("f/")
	prefixChain   = []byte("d/")
	prefixIndex   = []byte("x/")
	prefixPending = []byte("p/")
	prefixSearch  = []byte("s/")
	prefixBlob    = []byte("b/")
)

// ref names one version of one record.
type ref struct {
	ID     uuid.UUID
	HLC    uint64
	Device uuid.UUID
}

func cat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func u64(x uint64) []byte { return binary.BigEndian.AppendUint64(nil, x) }

func (r ref) versionKey() []byte { return cat(prefixVersion, r.ID[:], u64(r.HLC), r.Device[:]) }
func (r ref) feedKey() []byte    { return cat(prefixFeed, u64(r.HLC), r.Device[:], r.ID[:]) }
func (r ref) pendingKey() []byte { return cat(prefixPending, r.ID[:], u64(r.HLC), r.Device[:]) }

func versionPrefix(id uuid.UUID) []byte { return cat(prefixVersion, id[:]) }

func chainKey(device uuid.UUID, seq uint64) []byte { return cat(prefixChain, device[:], u64(seq)) }

// refFromVersionKey parses v/<id><hlc><device> (or p/ with the same layout).
func refFromVersionKey(k []byte) (ref, bool) {
	if len(k) != 2+16+8+16 {
		return ref{}, false
	}
	var r ref
	copy(r.ID[:], k[2:18])
	r.HLC = binary.BigEndian.Uint64(k[18:26])
	copy(r.Device[:], k[26:42])
	return r, true
}

// refFromFeedKey parses f/<hlc><device><id>.
func refFromFeedKey(k []byte) (ref, bool) {
	if len(k) != 2+8+16+16 {
		return ref{}, false
	}
	var r ref
	r.HLC = binary.BigEndian.Uint64(k[2:10])
	copy(r.Device[:], k[10:26])
	copy(r.ID[:], k[26:42])
	return r, true
}

func indexKey(name string, parent uuid.UUID, sort []byte, id uuid.UUID) []byte {
	return cat(prefixIndex, []byte(name), []byte{0}, parent[:], sort, id[:])
}

func indexPrefix(name string, parent uuid.UUID) []byte {
	return cat(prefixIndex, []byte(name), []byte{0}, parent[:])
}

func searchKey(term string, id uuid.UUID) []byte {
	return appendSearchKey(nil, term, id)
}

// appendSearchKey appends searchKey(term, id) to dst, for a search that
// reads many posting keys with one buffer.
func appendSearchKey(dst []byte, term string, id uuid.UUID) []byte {
	return append(append(append(append(dst, prefixSearch...), term...), 0), id[:]...)
}
