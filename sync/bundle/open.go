package bundle

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// Contents is an opened bundle.
type Contents struct {
	Manifest    Manifest
	Trusted     verify.Trusted
	Records     [][]byte          // raw record versions, in chain order
	Attachments map[string][]byte // sha256 hex -> content
	// Chain is the chain field of the first record: the hash of the
	// device's version just before Manifest.ChainFirst, empty when
	// ChainFirst is 1. A bundle cannot check it; the importer links it to
	// the last version it holds from the device.
	Chain string
}

// Open verifies a bundle (see Verify), decrypts it with one of ids, and
// checks its content against the manifest and the signature: the manifest
// names the signing device and the signed seq; every entry is listed with
// its sha256, in order, none missing or extra; the records are the
// device's, one consecutive run of its hash chain, and match the manifest's
// count, chain range and HLC range. Reading is bounded by the limits in the
// package doc. On any error it returns no contents.
//
// As with Verify, check Contents.Trusted.CheckDevice against the device pub
// is enrolled for.
func Open(data, sig []byte, pub minisign.PublicKey, ids ...age.Identity) (*Contents, error) {
	t, err := verify.Verify(data, sig, pub)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	c, err := read(bytes.NewReader(data), t, ids)
	if err != nil {
		return nil, fmt.Errorf("open bundle %d of device %s: %w", t.Seq, t.Device, err)
	}
	return c, nil
}

func read(src io.Reader, t verify.Trusted, ids []age.Identity) (*Contents, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: no HQ identity was given to decrypt it", ErrNotForUs)
	}
	ar, err := age.Decrypt(src, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, fmt.Errorf("%w: none of the %d HQ identities can decrypt it; it was sealed for another HQ key, so check the HQ profile on the device", ErrNotForUs, len(ids))
		}
		return nil, classify("age header", err)
	}
	return readPayload(ageReader{ar}, t)
}

// readPayload reads the decrypted payload: zstd, then tar, checking
// everything against the manifest and t.
func readPayload(r io.Reader, t verify.Trusted) (*Contents, error) {
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(maxWindow), zstd.WithDecoderMaxMemory(maxPayload))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	cr := &countReader{r: &limitReader{r: zr, n: maxPayload}}
	tr := tar.NewReader(cr)

	c := &Contents{Trusted: t, Attachments: map[string][]byte{}}
	m := &c.Manifest
	var n, end int64 // entries read; stream offset where the last one ends
	prev := ""
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, classify("tar stream", err)
		}
		if n++; n > maxEntries {
			return nil, fmt.Errorf("%w: more than %d tar entries", ErrTooLarge, maxEntries)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%w: tar entry %q is not a regular file", ErrMalformed, hdr.Name)
		}
		if hdr.Size > maxPayload {
			return nil, fmt.Errorf("%w: tar entry %q claims %d bytes", ErrTooLarge, hdr.Name, hdr.Size)
		}
		end = cr.n + (hdr.Size+511)/512*512
		switch {
		case n == 1:
			if err := readManifest(tr, hdr, t, m); err != nil {
				return nil, err
			}
		case n == 2:
			if hdr.Name != recordsName {
				return nil, fmt.Errorf("%w: the second tar entry is %q, want %s", ErrMalformed, hdr.Name, recordsName)
			}
			if err := readRecords(tr, c); err != nil {
				return nil, err
			}
		default:
			sum, ok := strings.CutPrefix(hdr.Name, attachmentsPath)
			if !ok || !verify.IsHash(sum) {
				return nil, fmt.Errorf("%w: tar entry %q is not attachments/<sha256 hex>", ErrMalformed, hdr.Name)
			}
			if m.Entries[hdr.Name] == "" {
				return nil, fmt.Errorf("%w: tar entry %q is not in the manifest", ErrTampered, hdr.Name)
			}
			if sum <= prev {
				return nil, fmt.Errorf("%w: tar entry %q is out of order or repeated", ErrMalformed, hdr.Name)
			}
			b, err := io.ReadAll(tr) // bounded by the payload limit
			if err != nil {
				return nil, classify(hdr.Name, err)
			}
			if Hash(b) != sum {
				return nil, fmt.Errorf("%w: %s has sha256 %s", ErrTampered, hdr.Name, Hash(b))
			}
			c.Attachments[sum], prev = b, sum
		}
	}
	if cr.n < end+1024 {
		return nil, fmt.Errorf("%w: the tar stream stops without its end marker, so it was damaged before the device signed it; send it again, and report it if that does not help", ErrTruncated)
	}
	if err := drainZeros(cr); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: the tar stream is empty", ErrMalformed)
	}
	if n < 2 || len(m.Entries) != 1+len(c.Attachments) {
		return nil, fmt.Errorf("%w: the manifest lists %d entries but the tar stream holds %d", ErrTampered, len(m.Entries), n-1)
	}
	return c, nil
}

func readManifest(tr io.Reader, hdr *tar.Header, t verify.Trusted, m *Manifest) error {
	if hdr.Name != manifestName {
		return fmt.Errorf("%w: the first tar entry is %q, want %s", ErrMalformed, hdr.Name, manifestName)
	}
	if hdr.Size > maxManifest {
		return fmt.Errorf("%w: manifest.json has %d bytes, the limit is %d", ErrTooLarge, hdr.Size, maxManifest)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return classify(manifestName, err)
	}
	if *m, err = ParseManifest(b); err != nil {
		return err
	}
	if m.Device != t.Device {
		return fmt.Errorf("%w: the manifest names device %s but device %s signed it, so that device re-signed another's bundle; do not import it and find out how it got the bundle", ErrWrongSigner, m.Device, t.Device)
	}
	if m.Seq != t.Seq {
		return fmt.Errorf("%w: the manifest says bundle %d but the signature says %d", ErrTampered, m.Seq, t.Seq)
	}
	return nil
}

// readRecords reads records.jsonl, checks its hash, then each record. The
// records stay slices of one buffer, whose size the payload limit bounds.
func readRecords(tr io.Reader, c *Contents) error {
	m := &c.Manifest
	b, err := io.ReadAll(tr)
	if err != nil {
		return classify(recordsName, err)
	}
	if h := Hash(b); h != m.Entries[recordsName] {
		return fmt.Errorf("%w: records.jsonl has sha256 %s, the manifest says %s", ErrTampered, h, m.Entries[recordsName])
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return fmt.Errorf("%w: records.jsonl does not end with a newline", ErrMalformed)
	}
	cc := chainCheck{device: m.Device}
	c.Records = make([][]byte, 0, min(m.Records, 1<<16))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i+1 > maxRecordLine {
			return fmt.Errorf("%w: record %d has %d bytes, the limit is %d", ErrTooLarge, cc.n+1, i, maxRecordLine-1)
		}
		if cc.n == m.Records {
			return fmt.Errorf("%w: records.jsonl holds more than the %d records the manifest says", ErrTampered, m.Records)
		}
		line := b[:i:i]
		if err := cc.add(line); err != nil {
			return err
		}
		c.Records = append(c.Records, line)
		b = b[i+1:]
	}
	c.Chain = cc.firstChain
	return cc.matches(m)
}

// drainZeros reads the rest of the decompressed stream, which may only pad
// the tar stream with zeros. Reading to the end makes zstd check its
// checksum and age authenticate its last chunk.
func drainZeros(r io.Reader) error {
	buf, zeros := make([]byte, 32<<10), make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if !bytes.Equal(buf[:n], zeros[:n]) {
			return fmt.Errorf("%w: data after the end of the tar stream", ErrMalformed)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return classify("after the tar stream", err)
		}
	}
}

// ageReader marks errors of the age payload: a chunk that fails
// authentication. An early end stays io.ErrUnexpectedEOF.
type ageReader struct{ r io.Reader }

func (a ageReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%w: the encrypted payload fails authentication (%v)", ErrTampered, err)
	}
	return n, err
}

// limitReader fails with ErrTooLarge once more than n bytes were read.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, fmt.Errorf("%w: the decompressed bundle has more than %d bytes", ErrTooLarge, maxPayload)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	if l.n -= int64(n); l.n < 0 {
		return 0, fmt.Errorf("%w: the decompressed bundle has more than %d bytes", ErrTooLarge, maxPayload)
	}
	return n, err
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
