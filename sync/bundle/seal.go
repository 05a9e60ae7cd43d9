package bundle

import (
	"archive/tar"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// Limits, besides verify.MaxBundle and verify.MaxSignature. Seal refuses input that would break them, with ErrTooLarge, so
// that a sealed bundle always opens; split the records into more bundles.
const (
	maxPayload    = 1 << 30  // bytes of the decompressed tar stream
	maxEntries    = 100_000  // tar entries
	maxManifest   = 1 << 20  // bytes of manifest.json
	maxRecordLine = 16 << 20 // bytes of one records.jsonl line, with its newline
	maxWindow     = 32 << 20 // zstd window the reader accepts
	encodeWindow  = 1 << 20  // zstd window Seal uses
)

// maxTarTime is the latest mtime a USTAR header can hold (year 2242).
const maxTarTime = 1<<33 - 1

// Input is what goes into a bundle.
type Input struct {
	Device  string    // the signer's device id
	Monitor string    // the monitor's name, for people reading the manifest
	Seq     uint64    // this bundle's number for the device, from 1, gapless
	Prev    string    // Hash of the device's previous bundle; empty for Seq 1
	Created time.Time // sealing time; kept to the second, in UTC
	// Records are raw record versions (storage.Version.Raw), in the order
	// of the device's chain, one consecutive run of it.
	Records     [][]byte
	Attachments map[string][]byte // sha256 hex -> content
}

// entry is one file of the tar stream, its content in parts.
type entry struct {
	name  string
	parts [][]byte
	size  int64
}

// Seal makes a bundle: the manifest is filled in from in and checked, the
// tar stream compressed with zstd, encrypted with age to the recipients and
// signed by s. data is the bundle file (.cwb) and sig its detached minisign
// signature (.cwb.minisig). Input that breaks the format gives ErrMalformed
// and input over a limit gives ErrTooLarge; nothing is sealed then. Seal
// is a Sealer given in's records at once.
func Seal(in Input, recipients []age.Recipient, s *Signer) (data, sig []byte, err error) {
	sl, err := NewSealer(in, recipients, s)
	if err != nil {
		return nil, nil, err
	}
	defer sl.Abort()
	for _, r := range in.Records {
		if err := sl.Add(r); err != nil {
			return nil, nil, err
		}
	}
	return sl.Finish(in.Attachments)
}

// checkHeader checks the fields of in that Seal takes as they are.
func checkHeader(in Input, s *Signer) error {
	if in.Device != s.device {
		return fmt.Errorf("%w: the input is for device %q but the signer is device %s", ErrMalformed, in.Device, s.device)
	}
	created := in.Created.UTC().Truncate(time.Second)
	if created.Unix() <= 0 || created.Unix() > maxTarTime {
		return fmt.Errorf("%w: created time %v is out of range", ErrMalformed, in.Created)
	}
	return nil
}

// checkRecord checks the i-th record (from 1) as a line of records.jsonl.
func checkRecord(i int, r []byte) error {
	if len(r)+1 > maxRecordLine {
		return fmt.Errorf("%w: record %d has %d bytes, the limit is %d", ErrTooLarge, i, len(r), maxRecordLine-1)
	}
	if bytes.IndexByte(r, '\n') >= 0 {
		return fmt.Errorf("%w: record %d holds a newline; records are compact JSON", ErrMalformed, i)
	}
	return nil
}

// makeManifest makes and checks the manifest of a bundle from in's header
// fields, the chain check of its records, records.jsonl's sha256 and
// size, and the attachments, whose tar entries it returns in their order.
func makeManifest(in Input, c *chainCheck, recordsSum []byte, recordsSize int64, attachments map[string][]byte) (Manifest, []byte, []entry, error) {
	if n := 2 + len(attachments); n > maxEntries {
		return Manifest{}, nil, nil, fmt.Errorf("%w: %d entries, the limit is %d", ErrTooLarge, n, maxEntries)
	}
	m := Manifest{
		Format: verify.Format, Device: in.Device, Monitor: in.Monitor, Seq: in.Seq, Prev: in.Prev,
		HLCFirst: c.hlcMin, HLCLast: c.hlcMax, ChainFirst: c.first, ChainLast: c.last,
		Records: c.n, Created: in.Created.UTC().Truncate(time.Second),
		Entries: map[string]string{recordsName: hex.EncodeToString(recordsSum)},
	}
	var atts []entry
	for _, sum := range slices.Sorted(maps.Keys(attachments)) {
		b := attachments[sum]
		if !verify.IsHash(sum) || Hash(b) != sum {
			return Manifest{}, nil, nil, fmt.Errorf("%w: attachment %q has sha256 %s; attachments are keyed by their sha256 in lowercase hex", ErrMalformed, sum, Hash(b))
		}
		name := attachmentsPath + sum
		m.Entries[name] = sum
		atts = append(atts, entry{name: name, parts: [][]byte{b}, size: int64(len(b))})
	}
	if err := m.check(); err != nil {
		return Manifest{}, nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return Manifest{}, nil, nil, err
	}
	if len(mj) > maxManifest {
		return Manifest{}, nil, nil, fmt.Errorf("%w: the manifest would have %d bytes, the limit is %d; put fewer attachments in the bundle", ErrTooLarge, len(mj), maxManifest)
	}
	total := 1024 + tarSize(int64(len(mj))) + tarSize(recordsSize) // 1024: end-of-archive marker
	for _, e := range atts {
		total += tarSize(e.size)
	}
	if total > maxPayload {
		return Manifest{}, nil, nil, fmt.Errorf("%w: the tar stream would have %d bytes, the limit is %d; put fewer records or attachments in the bundle", ErrTooLarge, total, maxPayload)
	}
	return m, mj, atts, nil
}

// tarSize is the size of a tar entry of n bytes: its header and its
// content padded to whole blocks.
func tarSize(n int64) int64 { return 512 + (n+511)/512*512 }

// windowFor is the zstd window for n bytes of input: the smallest power of
// two that holds them, between zstd.MinWindowSize and encodeWindow.
func windowFor(n int64) int {
	w := zstd.MinWindowSize
	for w < encodeWindow && int64(w) < n {
		w <<= 1
	}
	return w
}

// writeTar writes entries as a USTAR stream: regular files, mode 0600, owner
// 0, mtime created.
func writeTar(w io.Writer, created time.Time, entries []entry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		if err := tw.WriteHeader(header(e.name, e.size, created)); err != nil {
			return err
		}
		for _, p := range e.parts {
			if _, err := tw.Write(p); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

// sign makes the detached signature of a bundle file: a prehashed minisign
// signature (algorithm "ED", as minisign makes by default) with the trusted
// comment naming the device, seq and bundle hash.
func (s *Signer) sign(data []byte, seq uint64) []byte {
	r := minisign.NewReader(bytes.NewReader(data))
	io.Copy(io.Discard, r) // reads memory; cannot fail
	t := verify.Trusted{Device: s.device, Seq: seq, Hash: Hash(data)}
	return r.SignWithComments(s.key, t.String(), fmt.Sprintf("courtwatch bundle %d from device %s", seq, s.device))
}
