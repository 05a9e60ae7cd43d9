package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	"github.com/klauspost/compress/zstd"
)

// Khmer note texts, with subscript consonants and stacked vowels.
var khmer = []string{
	"ចៅក្រមបានបដិសេធសំណើរបស់មេធាវីការពារក្តី",
	"ជនជាប់ចោទ សម រង្ស៊ី មិនមានវត្តមាន",
	"សវនាការត្រូវបានពន្យារពេលទៅថ្ងៃក្រោយ",
	"Judge refused the defence motion; កម្ពុជា",
}

var testCreated = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// testDevice is a device with a fixed key made from seed.
type testDevice struct {
	id     string
	key    ed25519.PrivateKey
	signer *Signer
}

func newTestDevice(t testing.TB, id string, seed []byte) testDevice {
	t.Helper()
	key := ed25519.NewKeyFromSeed(seed)
	s, err := NewSigner(id, key)
	if err != nil {
		t.Fatal(err)
	}
	return testDevice{id: id, key: key, signer: s}
}

func seedOf(b byte) []byte { return bytes.Repeat([]byte{b}, ed25519.SeedSize) }

// version is the JSON shape of storage.Version.
type version struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Version uint64          `json:"version"`
	HLC     uint64          `json:"hlc"`
	Device  string          `json:"device"`
	Seq     uint64          `json:"seq"`
	Prev    string          `json:"prev,omitempty"`
	Chain   string          `json:"chain,omitempty"`
	Deleted bool            `json:"deleted,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// chainRecords makes n record versions of device dev, continuing its chain
// after seq first-1 whose hash is chain. pad lengthens each note's text.
func chainRecords(dev string, first uint64, chain string, n, pad int) [][]byte {
	var out [][]byte
	for i := 0; i < n; i++ {
		seq := first + uint64(i)
		text := khmer[int(seq)%len(khmer)]
		for len(text) < pad {
			text += " " + khmer[len(text)%len(khmer)]
		}
		data, _ := json.Marshal(map[string]any{"text": text, "tags": []string{"procedure"}})
		b, err := json.Marshal(version{
			ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", dev, seq)).String(), Type: "note", Version: 1,
			HLC: 1_770_000_000_000<<16 + seq<<8, Device: dev, Seq: seq, Chain: chain, Data: data,
		})
		if err != nil {
			panic(err)
		}
		out = append(out, b)
		chain = Hash(b)
	}
	return out
}

func lastHash(recs [][]byte) string { return Hash(recs[len(recs)-1]) }

func testInput(dev string, seq uint64, prev string, recs [][]byte, att ...[]byte) Input {
	in := Input{Device: dev, Monitor: "សុខ ចាន់ណា (Sok Channa)", Seq: seq, Prev: prev, Created: testCreated, Records: recs, Attachments: map[string][]byte{}}
	for _, a := range att {
		in.Attachments[Hash(a)] = a
	}
	return in
}

func mustSeal(t testing.TB, in Input, s *Signer, recipients ...age.Recipient) (data, sig []byte) {
	t.Helper()
	data, sig, err := Seal(in, recipients, s)
	if err != nil {
		t.Fatal(err)
	}
	return data, sig
}

// sealRaw encrypts and signs a payload (the zstd stream) as it is, to make
// bundles that Seal refuses to make.
func sealRaw(t testing.TB, payload []byte, seq uint64, s *Signer, recipients ...age.Recipient) (data, sig []byte) {
	t.Helper()
	var buf bytes.Buffer
	aw, err := age.Encrypt(&buf, recipients...)
	if err != nil {
		t.Fatal(err)
	}
	aw.Write(payload)
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), s.sign(buf.Bytes(), seq)
}

// compressEntries is the zstd-compressed tar stream of entries.
func compressEntries(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := zstd.NewWriter(&buf)
	if err := writeTar(zw, testCreated, entries); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// entriesOf is what Seal would put in the tar stream for in, with the
// manifest passed through edit first.
func entriesOf(t testing.TB, in Input, s *Signer, edit func(m map[string]any)) []entry {
	t.Helper()
	m, entries, err := build(in, s)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		var mm map[string]any
		b, _ := json.Marshal(m)
		json.Unmarshal(b, &mm)
		edit(mm)
		b, _ = json.Marshal(mm)
		entries[0] = entry{name: manifestName, parts: [][]byte{b}, size: int64(len(b))}
	}
	return entries
}

func fileEntry(name string, b []byte) entry {
	return entry{name: name, parts: [][]byte{b}, size: int64(len(b))}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// build checks in and makes the manifest and the tar entries, as a
// Sealer writes them in one go: tests use them to write tar streams of
// their own.
func build(in Input, s *Signer) (Manifest, []entry, error) {
	if err := checkHeader(in, s); err != nil {
		return Manifest{}, nil, err
	}
	if len(in.Records) == 0 {
		return Manifest{}, nil, fmt.Errorf("%w: no records; an empty bundle is never sealed", ErrMalformed)
	}
	c := chainCheck{device: in.Device}
	h := sha256.New()
	var size int64
	for i, r := range in.Records {
		if err := checkRecord(i+1, r); err != nil {
			return Manifest{}, nil, err
		}
		if err := c.add(r); err != nil {
			return Manifest{}, nil, err
		}
		h.Write(r)
		h.Write([]byte{'\n'})
		size += int64(len(r)) + 1
	}
	records := entry{name: recordsName, size: size}
	for _, r := range in.Records {
		records.parts = append(records.parts, r, []byte{'\n'})
	}
	m, mj, atts, err := makeManifest(in, &c, h.Sum(nil), size, in.Attachments)
	if err != nil {
		return Manifest{}, nil, err
	}
	entries := []entry{{name: manifestName, parts: [][]byte{mj}, size: int64(len(mj))}, records}
	return m, append(entries, atts...), nil
}
