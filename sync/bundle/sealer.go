package bundle

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"time"

	"courtwatch/sync/bundle/verify"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// Pipeline sizes of a Sealer.
const (
	batchBytes  = 64 << 10  // records handed to the workers at once
	queuedBatch = 64        // batches a worker may have waiting
	streamStart = 256 << 10 // records.jsonl bytes before compressing starts
	// zstd's level. SpeedFastest takes about half the CPU but makes
	// bundles of varied text 6 to 15 % larger, and bytes on a slow link
	// cost the monitor more than the CPU (bench/misses.md).
	zstdLevel = zstd.SpeedDefault
)

// A Sealer makes one bundle from records added one at a time, in chain
// order, so that its caller can read the next records while the ones
// before are checked and compressed. Seal is a Sealer given all records
// at once.
//
// The tar stream is two zstd frames (the format allows several): the
// first holds manifest.json and the header of records.jsonl, which need
// every record; the second holds the content of records.jsonl, the
// attachments and the end-of-archive marker. One goroutine compresses the
// second frame as records come in, another checks the chain and hashes
// records.jsonl. A Sealer's goroutines end in Finish or Abort: call one of
// them.
type Sealer struct {
	in         Input // the header fields; Records and Attachments unused
	recipients []age.Recipient
	signer     *Signer

	n     int   // records added
	size  int64 // bytes of records.jsonl so far
	batch [][]byte
	bytes int // bytes in batch
	err   error
	ended bool

	check worker // chain check and sha256 of records.jsonl
	cc    chainCheck
	sum   hash.Hash

	comp    worker // zstd of the second frame
	zbuf    bytes.Buffer
	zw      *zstd.Encoder
	pending [][][]byte // batches held until compressing starts
	held    int        // bytes in pending
}

// worker runs a function over batches of records on its own goroutine;
// err is its first error, read after done is closed.
type worker struct {
	ch   chan [][]byte
	done chan struct{}
	err  error
}

func (w *worker) start(f func([][]byte) error) {
	w.ch = make(chan [][]byte, queuedBatch)
	w.done = make(chan struct{})
	go func() {
		defer close(w.done)
		for b := range w.ch {
			if w.err == nil {
				w.err = f(b)
			}
		}
	}()
}

// stop ends the worker, once it has done what it was given, and returns
// its error.
func (w *worker) stop() error {
	if w.ch == nil {
		return nil
	}
	close(w.ch)
	<-w.done
	w.ch = nil
	return w.err
}

// NewSealer starts a bundle with in's header fields (Device, Monitor, Seq,
// Prev, Created), encrypted to recipients and signed by s. in's Records
// and Attachments are not used: see Add and Finish.
func NewSealer(in Input, recipients []age.Recipient, s *Signer) (*Sealer, error) {
	if s == nil {
		return nil, fmt.Errorf("seal bundle %d: no signer", in.Seq)
	}
	if err := checkHeader(in, s); err != nil {
		return nil, fmt.Errorf("seal bundle %d: %w", in.Seq, err)
	}
	if len(recipients) == 0 {
		return nil, fmt.Errorf("seal bundle %d: no age recipients; the HQ profile must name at least one", in.Seq)
	}
	in.Records, in.Attachments = nil, nil
	sl := &Sealer{in: in, recipients: recipients, signer: s, cc: chainCheck{device: in.Device}, sum: sha256.New()}
	sl.check.start(func(b [][]byte) error {
		for _, r := range b {
			if err := sl.cc.add(r); err != nil {
				return err
			}
			sl.sum.Write(r)
			sl.sum.Write(newline)
		}
		return nil
	})
	return sl, nil
}

var newline = []byte{'\n'}

// Add adds the next record: raw is a record version as the device stored
// it (storage.Version.Raw), and must not change until Finish or Abort. An
// error means that nothing is sealed; the Sealer refuses more.
func (sl *Sealer) Add(raw []byte) error {
	if sl.err != nil {
		return sl.err
	}
	if sl.ended {
		return fmt.Errorf("seal bundle %d: records added after the bundle was finished", sl.in.Seq)
	}
	if err := checkRecord(sl.n+1, raw); err != nil {
		return sl.fail(err)
	}
	sl.n++
	sl.size += int64(len(raw)) + 1
	if tarSize(sl.size) > maxPayload {
		return sl.fail(fmt.Errorf("%w: records.jsonl would have more than %d bytes; put fewer records in the bundle", ErrTooLarge, maxPayload))
	}
	sl.batch = append(sl.batch, raw)
	if sl.bytes += len(raw) + 1; sl.bytes >= batchBytes {
		sl.flush()
	}
	return nil
}

// flush hands the batch to the workers. Compressing starts once there is
// enough to know that the window must be the largest Seal uses.
func (sl *Sealer) flush() {
	if len(sl.batch) == 0 {
		return
	}
	b := sl.batch
	sl.check.ch <- b
	if sl.comp.ch != nil {
		sl.comp.ch <- b
	} else {
		sl.pending = append(sl.pending, b)
		if sl.held += sl.bytes; sl.held >= streamStart {
			sl.compress(encodeWindow)
		}
	}
	sl.batch, sl.bytes = nil, 0
}

// compress starts the second frame's compression with a window of w
// bytes, and hands it the batches held so far.
func (sl *Sealer) compress(w int) {
	// A window larger than the payload compresses no better, but zstd
	// allocates and clears it: for a small bundle that would be most of
	// the cost of sealing it.
	sl.zw, _ = zstd.NewWriter(&sl.zbuf, zstd.WithEncoderLevel(zstdLevel), zstd.WithWindowSize(w),
		zstd.WithEncoderConcurrency(1)) // the options are valid: no error
	sl.comp.start(func(b [][]byte) error {
		for _, r := range b {
			sl.zw.Write(r) // into memory: cannot fail
			sl.zw.Write(newline)
		}
		return nil
	})
	for _, b := range sl.pending {
		sl.comp.ch <- b
	}
	sl.pending, sl.held = nil, 0
}

// fail ends the Sealer with err, or with the chain check's error when it
// found one in an earlier record.
func (sl *Sealer) fail(err error) error {
	if len(sl.batch) > 0 && sl.check.ch != nil {
		sl.check.ch <- sl.batch // the records before the failing one
	}
	sl.batch = nil
	if cerr := sl.check.stop(); cerr != nil {
		err = cerr
	}
	sl.comp.stop()
	sl.err = fmt.Errorf("seal bundle %d: %w", sl.in.Seq, err)
	sl.ended = true
	return sl.err
}

// Abort ends the Sealer without a bundle. It does nothing after Finish.
func (sl *Sealer) Abort() {
	if !sl.ended {
		sl.fail(fmt.Errorf("aborted"))
	}
}

// Finish seals the bundle with the records added and the attachments
// (sha256 hex -> content): data is the bundle file (.cwb) and sig its
// detached minisign signature (.cwb.minisig). Input that breaks the format
// gives ErrMalformed and input over a limit gives ErrTooLarge; nothing is
// sealed then.
func (sl *Sealer) Finish(attachments map[string][]byte) (data, sig []byte, err error) {
	if sl.err != nil {
		return nil, nil, sl.err
	}
	if sl.ended {
		return nil, nil, fmt.Errorf("seal bundle %d: finished twice", sl.in.Seq)
	}
	if sl.n == 0 {
		return nil, nil, sl.fail(fmt.Errorf("%w: no records; an empty bundle is never sealed", ErrMalformed))
	}
	sl.flush()
	if err := sl.check.stop(); err != nil {
		return nil, nil, sl.fail(err)
	}
	m, mj, atts, err := makeManifest(sl.in, &sl.cc, sl.sum.Sum(nil), sl.size, attachments)
	if err != nil {
		return nil, nil, sl.fail(err)
	}
	var frames [][]byte
	if sl.comp.ch == nil {
		frames, err = sl.oneFrame(m.Created, mj, atts)
	} else {
		frames, err = sl.twoFrames(m.Created, mj, atts)
	}
	sl.ended = true
	if err != nil {
		return nil, nil, fmt.Errorf("seal bundle %d: %w", sl.in.Seq, err)
	}

	var buf bytes.Buffer
	n := 4096 // age's header
	for _, f := range frames {
		n += len(f) + len(f)/4096 // and 16 bytes a 64 KiB chunk
	}
	buf.Grow(n)
	aw, err := age.Encrypt(&buf, sl.recipients...)
	if err != nil {
		return nil, nil, fmt.Errorf("seal bundle %d: %w", sl.in.Seq, err)
	}
	for _, f := range frames {
		aw.Write(f) // into memory: cannot fail
	}
	if err := aw.Close(); err != nil {
		return nil, nil, fmt.Errorf("seal bundle %d: %w", sl.in.Seq, err)
	}
	if buf.Len() > verify.MaxBundle {
		return nil, nil, fmt.Errorf("seal bundle %d: %w: it would have %d bytes, the limit is %d; put fewer records in it", sl.in.Seq, ErrTooLarge, buf.Len(), verify.MaxBundle)
	}
	data = buf.Bytes()
	return data, sl.signer.sign(data, m.Seq), nil
}

// oneFrame compresses the tar stream of a bundle whose records were not
// compressed as they came (it is small: below streamStart) as one zstd
// frame: a second frame would make a one-note bundle about 100 bytes
// larger on the wire.
func (sl *Sealer) oneFrame(created time.Time, mj []byte, atts []entry) ([][]byte, error) {
	records := entry{name: recordsName, size: sl.size}
	for _, b := range sl.pending {
		for _, r := range b {
			records.parts = append(records.parts, r, newline)
		}
	}
	entries := append([]entry{{name: manifestName, parts: [][]byte{mj}, size: int64(len(mj))}, records}, atts...)
	total := int64(1024)
	for _, e := range entries {
		total += tarSize(e.size)
	}
	zw, _ := zstd.NewWriter(&sl.zbuf, zstd.WithEncoderLevel(zstdLevel), zstd.WithWindowSize(windowFor(total)),
		zstd.WithEncoderConcurrency(1)) // the options are valid: no error
	if err := writeTar(zw, created, entries); err != nil {
		zw.Close()
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return [][]byte{sl.zbuf.Bytes()}, nil
}

// twoFrames finishes the second frame, whose records are compressed, and
// makes the first: manifest.json and records.jsonl's header.
func (sl *Sealer) twoFrames(created time.Time, mj []byte, atts []entry) ([][]byte, error) {
	sl.comp.stop()
	// The rest of the second frame: records.jsonl's padding, the
	// attachments and the end-of-archive marker.
	sl.zw.Write(make([]byte, (512-sl.size%512)%512))
	if err := writeTar(sl.zw, created, atts); err != nil {
		sl.zw.Close()
		return nil, err
	}
	if err := sl.zw.Close(); err != nil {
		return nil, err
	}

	var first bytes.Buffer
	tw := tar.NewWriter(&first)
	err := tw.WriteHeader(header(manifestName, int64(len(mj)), created))
	if err == nil {
		_, err = tw.Write(mj)
	}
	if err == nil {
		// records.jsonl's content follows in the second frame.
		err = tw.WriteHeader(header(recordsName, sl.size, created))
	}
	if err != nil {
		return nil, err
	}
	// The second frame's encoder makes the first too: a new one would
	// allocate and clear its tables again for a few hundred bytes.
	var frame bytes.Buffer
	sl.zw.Reset(&frame)
	sl.zw.Write(first.Bytes()) // into memory: cannot fail
	if err := sl.zw.Close(); err != nil {
		return nil, err
	}
	return [][]byte{frame.Bytes(), sl.zbuf.Bytes()}, nil
}

// header is the tar header of a bundle's file.
func header(name string, size int64, created time.Time) *tar.Header {
	return &tar.Header{
		Typeflag: tar.TypeReg, Name: name, Mode: 0o600, Size: size,
		ModTime: created, Format: tar.FormatUSTAR,
	}
}
