package bundle

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
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
	encodeWindow  = 8 << 20  // zstd window Seal uses
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
// and input over a limit gives ErrTooLarge; nothing is sealed then.
func Seal(in Input, recipients []age.Recipient, s *Signer) (data, sig []byte, err error) {
	if s == nil {
		return nil, nil, fmt.Errorf("seal bundle %d: no signer", in.Seq)
	}
	m, entries, err := build(in, s)
	if err != nil {
		return nil, nil, fmt.Errorf("seal bundle %d: %w", in.Seq, err)
	}
	if len(recipients) == 0 {
		return nil, nil, fmt.Errorf("seal bundle %d: no age recipients; the HQ profile must name at least one", in.Seq)
	}
	var buf bytes.Buffer
	if err := encrypt(&buf, recipients, m.Created, entries); err != nil {
		return nil, nil, fmt.Errorf("seal bundle %d: %w", in.Seq, err)
	}
	if buf.Len() > verify.MaxBundle {
		return nil, nil, fmt.Errorf("seal bundle %d: %w: it would have %d bytes, the limit is %d; put fewer records in it", in.Seq, ErrTooLarge, buf.Len(), verify.MaxBundle)
	}
	data = buf.Bytes()
	return data, s.sign(data, m.Seq), nil
}

// build checks in and makes the manifest and the tar entries.
func build(in Input, s *Signer) (Manifest, []entry, error) {
	if in.Device != s.device {
		return Manifest{}, nil, fmt.Errorf("%w: the input is for device %q but the signer is device %s", ErrMalformed, in.Device, s.device)
	}
	if len(in.Records) == 0 {
		return Manifest{}, nil, fmt.Errorf("%w: no records; an empty bundle is never sealed", ErrMalformed)
	}
	created := in.Created.UTC().Truncate(time.Second)
	if created.Unix() <= 0 || created.Unix() > maxTarTime {
		return Manifest{}, nil, fmt.Errorf("%w: created time %v is out of range", ErrMalformed, in.Created)
	}
	if n := 2 + len(in.Attachments); n > maxEntries {
		return Manifest{}, nil, fmt.Errorf("%w: %d entries, the limit is %d", ErrTooLarge, n, maxEntries)
	}

	c := chainCheck{device: in.Device}
	h := sha256.New()
	var size int64
	for i, r := range in.Records {
		if len(r)+1 > maxRecordLine {
			return Manifest{}, nil, fmt.Errorf("%w: record %d has %d bytes, the limit is %d", ErrTooLarge, i+1, len(r), maxRecordLine-1)
		}
		if bytes.IndexByte(r, '\n') >= 0 {
			return Manifest{}, nil, fmt.Errorf("%w: record %d holds a newline; records are compact JSON", ErrMalformed, i+1)
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

	m := Manifest{
		Format: verify.Format, Device: in.Device, Monitor: in.Monitor, Seq: in.Seq, Prev: in.Prev,
		HLCFirst: c.hlcMin, HLCLast: c.hlcMax, ChainFirst: c.first, ChainLast: c.last,
		Records: c.n, Created: created,
		Entries: map[string]string{recordsName: hex.EncodeToString(h.Sum(nil))},
	}
	entries := []entry{{}, records}
	for _, sum := range slices.Sorted(maps.Keys(in.Attachments)) {
		b := in.Attachments[sum]
		if !verify.IsHash(sum) || Hash(b) != sum {
			return Manifest{}, nil, fmt.Errorf("%w: attachment %q has sha256 %s; attachments are keyed by their sha256 in lowercase hex", ErrMalformed, sum, Hash(b))
		}
		name := attachmentsPath + sum
		m.Entries[name] = sum
		entries = append(entries, entry{name: name, parts: [][]byte{b}, size: int64(len(b))})
	}
	if err := m.check(); err != nil {
		return Manifest{}, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return Manifest{}, nil, err
	}
	if len(mj) > maxManifest {
		return Manifest{}, nil, fmt.Errorf("%w: the manifest would have %d bytes, the limit is %d; put fewer attachments in the bundle", ErrTooLarge, len(mj), maxManifest)
	}
	entries[0] = entry{name: manifestName, parts: [][]byte{mj}, size: int64(len(mj))}

	total := int64(1024) // end-of-archive marker
	for _, e := range entries {
		total += 512 + (e.size+511)/512*512
	}
	if total > maxPayload {
		return Manifest{}, nil, fmt.Errorf("%w: the tar stream would have %d bytes, the limit is %d; put fewer records or attachments in the bundle", ErrTooLarge, total, maxPayload)
	}
	return m, entries, nil
}

// encrypt writes the tar stream of entries, zstd-compressed and
// age-encrypted, to w.
// windowFor is the zstd window for a tar stream of entries: the smallest
// power of two that holds it, between zstd.MinWindowSize and encodeWindow.
func windowFor(entries []entry) int {
	total := int64(1024)
	for _, e := range entries {
		total += 512 + (e.size+511)/512*512
	}
	w := zstd.MinWindowSize
	for w < encodeWindow && int64(w) < total {
		w <<= 1
	}
	return w
}

func encrypt(w io.Writer, recipients []age.Recipient, created time.Time, entries []entry) error {
	aw, err := age.Encrypt(w, recipients...)
	if err != nil {
		return err
	}
	// A window larger than the payload compresses no better, but zstd
	// allocates and clears it (and one block buffer per goroutine): for a
	// small bundle that was most of the cost of sealing it.
	zw, err := zstd.NewWriter(aw, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(windowFor(entries)),
		zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	if err := writeTar(zw, created, entries); err != nil {
		zw.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return aw.Close()
}

// writeTar writes entries as a USTAR stream: regular files, mode 0600, owner
// 0, mtime created.
func writeTar(w io.Writer, created time.Time, entries []entry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg, Name: e.name, Mode: 0o600, Size: e.size,
			ModTime: created, Format: tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
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
