package receiver

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
)

// recheckAfter is the age after which the registry entry that allowed an
// upload is read again before its receipt is signed.
const recheckAfter = time.Second

// copyBufs are the buffers that stream upload bodies to disk.
var copyBufs = sync.Pool{New: func() any { return new([64 << 10]byte) }}

// upload answers POST /v1/bundles/{device}/{seq} and, compact,
// /v2/bundles/{device}/{seq}; see "Receiver" in the package doc for the
// checks, in order.
func (rv *Receiver) upload(w http.ResponseWriter, r *http.Request, device string, seq uint64, compact bool) {
	start := time.Now()
	status, size, result, err := rv.accept(w, r, device, seq, compact)
	attrs := []any{"device", device, "seq", seq, "bytes", size, "status", status, "outcome", result,
		"ms", time.Since(start).Milliseconds()}
	switch {
	case errors.Is(err, errStoreUnavailable):
		rv.log.Error("upload failed: store unavailable", append(attrs, "err", err)...)
		rv.storeFailed(w, err)
	case status >= 500 && status != http.StatusServiceUnavailable:
		rv.log.Error("upload failed", append(attrs, "err", err)...)
		rv.fail(w, status, "the receiver could not store the bundle; try again later")
	case err != nil:
		addr := clientAddr(r)
		if ok, n := rv.logRate.allow(addr); ok {
			attrs = append(attrs, "addr", addr, "reason", err)
			if n > 0 {
				attrs = append(attrs, "suppressed", n)
			}
			rv.log.Warn("upload refused", attrs...)
		}
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfter)
		}
		rv.fail(w, status, err.Error())
	default:
		rv.log.Info("upload", attrs...)
	}
}

// accept checks and stores an upload. It writes the response itself only
// on success (200 with the receipt); otherwise it returns the status and
// error to answer with. result says what happened, for the log.
func (rv *Receiver) accept(w http.ResponseWriter, r *http.Request, device string, seq uint64, compact bool) (status int, size int64, result string, err error) {
	checked := time.Now()
	d, err := rv.store.device(device)
	switch {
	case errors.Is(err, hq.ErrUnknownDevice):
		return http.StatusForbidden, 0, "unknown device", fmt.Errorf("device %s is not enrolled at this HQ; ask the HQ admin to enroll its device file", device)
	case err != nil:
		return storeStatus(err), 0, "registry error", err
	case !d.Active():
		return http.StatusForbidden, 0, "revoked device", fmt.Errorf("device %s was revoked on %s; HQ accepts nothing more from it", device, d.Revoked.Format(time.DateOnly))
	}
	pub, err := d.Key()
	if err != nil {
		return http.StatusInternalServerError, 0, "registry error", err
	}
	var sig []byte
	if compact {
		if n := r.ContentLength - wire.CompactSignatureSize; n > rv.cfg.MaxBody {
			// Before the signature is read: reading it would let a client
			// that waits for 100 Continue send the whole body.
			return http.StatusRequestEntityTooLarge, n, "too large", rv.tooLarge(n)
		}
		sig, err = compactSignature(r, device, seq, pub.ID())
		if err != nil {
			return http.StatusBadRequest, 0, "bad compact signature", err
		}
	} else if sig, err = headerSignature(r); err != nil {
		return http.StatusBadRequest, 0, "bad signature header", err
	}
	v, err := verify.NewVerifier(sig, pub)
	if err != nil {
		return http.StatusForbidden, 0, "bad signature", err
	}
	t := v.Trusted()
	if err := t.CheckDevice(device); err != nil {
		return http.StatusForbidden, 0, "wrong signer", err
	}
	if t.Seq != seq {
		return http.StatusBadRequest, 0, "wrong seq", fmt.Errorf("the URL names bundle %d but the signature is for bundle %d", seq, t.Seq)
	}
	if r.ContentLength > rv.cfg.MaxBody {
		return http.StatusRequestEntityTooLarge, r.ContentLength, "too large", rv.tooLarge(r.ContentLength)
	}
	select {
	case rv.uploads <- struct{}{}:
		defer func() { <-rv.uploads }()
	default:
		return http.StatusServiceUnavailable, 0, "busy", fmt.Errorf("the receiver is busy with %d uploads; try again in %s seconds", rv.cfg.MaxUploads, retryAfter)
	}
	return rv.receive(w, r, device, seq, sig, v, checked, compact)
}

// headerSignature reads a v1 upload's signature: the base64 of the .minisig
// file in the signature header.
func headerSignature(r *http.Request) ([]byte, error) {
	sigB64 := r.Header.Get(wire.SignatureHeader)
	if sigB64 == "" {
		return nil, fmt.Errorf("the %s header with the bundle's signature is missing", wire.SignatureHeader)
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return nil, fmt.Errorf("the %s header is not base64", wire.SignatureHeader)
	}
	return sig, nil
}

// compactSignature reads a v2 upload's signature, the first bytes of its
// body, and expands it to the .minisig file for device's key keyID. The
// rest of the body is the bundle.
func compactSignature(r *http.Request, device string, seq uint64, keyID uint64) ([]byte, error) {
	var c [wire.CompactSignatureSize]byte
	if r.ContentLength >= 0 && r.ContentLength < int64(len(c)) {
		return nil, fmt.Errorf("the body has %d bytes, fewer than the %d of a compact signature", r.ContentLength, len(c))
	}
	if _, err := io.ReadFull(r.Body, c[:]); err != nil {
		return nil, fmt.Errorf("the body ends before its compact signature does: %v", err)
	}
	if r.ContentLength > 0 {
		r.ContentLength -= int64(len(c)) // the bundle's
	}
	return wire.ExpandSignature(c[:], device, seq, keyID)
}

// receive streams the body to a temporary file, verifies it and commits
// it. When the store tells that the seq holds a bundle already (the folder
// store does; see held), the body is only hashed: a resend is checked
// without writing to disk, and a different bundle (the authentic trusted
// comment names its hash) is refused before its body.
func (rv *Receiver) receive(w http.ResponseWriter, r *http.Request, device string, seq uint64, sig []byte, v *verify.Verifier, checked time.Time, compact bool) (int, int64, string, error) {
	have, err := rv.store.held(device, seq)
	if err != nil {
		return storeStatus(err), 0, "store error", err
	}
	if have != "" && have != v.Trusted().Hash {
		return http.StatusConflict, 0, conflict.String(), rv.conflict(device, seq)
	}
	var tmp *os.File
	sink := io.Discard
	if have == "" {
		if tmp, err = rv.store.temp(device); err != nil {
			return storeStatus(err), 0, "store error", err
		}
		defer os.Remove(tmp.Name()) // fails harmlessly once renamed
		defer tmp.Close()
		sink = writerOnly{tmp}
	}
	body := http.MaxBytesReader(w, r.Body, rv.cfg.MaxBody)
	buf := copyBufs.Get().(*[64 << 10]byte)
	defer copyBufs.Put(buf)
	size, err := io.CopyBuffer(sink, io.TeeReader(body, v), buf[:])
	if err != nil {
		var tooBig *http.MaxBytesError
		var pathErr *os.PathError
		switch {
		case errors.As(err, &tooBig):
			return http.StatusRequestEntityTooLarge, size, "too large", rv.tooLarge(0)
		case errors.As(err, &pathErr): // writing the file, not reading the body
			return http.StatusInternalServerError, size, "store error", err
		}
		return http.StatusBadRequest, size, "cut off", fmt.Errorf("the upload was cut off after %d bytes: %v", size, err)
	}
	t, err := v.Verify()
	if err != nil {
		return http.StatusForbidden, size, "bad bundle", err
	}
	// The device may have been revoked while its body arrived. A receipt
	// proves to the importer that the bundle came before the revocation
	// (see import_revoked.go), so none is signed after it. The registry is
	// the store's (the bucket's for an S3 store, which other HQ machines
	// may have revoked the device in), read again unless accept read it
	// less than recheckAfter ago: a short upload costs no second request.
	if have == "" && time.Since(checked) >= recheckAfter {
		if d, err := rv.store.device(device); err != nil || !d.Active() {
			if err != nil && !errors.Is(err, hq.ErrUnknownDevice) {
				return storeStatus(err), size, "registry error", err
			}
			return http.StatusForbidden, size, "revoked device", fmt.Errorf("device %s was revoked during the upload; HQ accepts nothing more from it", device)
		}
	}
	hash := t.Hash
	sign := func() (wire.SignedReceipt, error) {
		now := rv.cfg.Now().UTC().Truncate(time.Second)
		return wire.SignReceipt(wire.Receipt{Device: device, Seq: seq, Hash: hash, Received: now}, rv.receiptKey)
	}
	receipt, out, err := rv.store.commit(device, seq, tmp, sig, hash, sign)
	switch {
	case err != nil:
		return storeStatus(err), size, "store error", err
	case out == conflict:
		return http.StatusConflict, size, out.String(), rv.conflict(device, seq)
	}
	if !compact || !rv.writeCompact(w, receipt, device, seq, hash) {
		writeJSON(w, http.StatusOK, receipt)
	}
	return http.StatusOK, size, out.String(), nil
}

func (rv *Receiver) conflict(device string, seq uint64) error {
	return fmt.Errorf("HQ already holds another bundle %d of device %s; the device's history has forked (restored backup or copied vault?), or someone altered HQ's store: keep this vault as it is and report it to HQ", seq, device)
}

// tooLarge says a bundle of n bytes (0: unknown) is over the limit.
func (rv *Receiver) tooLarge(n int64) error {
	size := "the bundle is"
	if n > 0 {
		size = fmt.Sprintf("the bundle has %d bytes,", n)
	}
	return fmt.Errorf("%s more than this receiver takes (%d bytes, set with courtwatch-hq serve --max-body-mib)", size, rv.cfg.MaxBody)
}

// writeCompact answers a v2 upload with the compact form of receipt (the
// JSON of a wire.SignedReceipt), if it has one, and without the headers
// its client does not read (Date, Content-Type): a one-note sync is about
// 2 KB. It reports whether it answered.
func (rv *Receiver) writeCompact(w http.ResponseWriter, receipt []byte, device string, seq uint64, hash string) bool {
	var sr wire.SignedReceipt
	if json.Unmarshal(receipt, &sr) != nil {
		return false
	}
	c, ok := wire.CompactReceipt(sr, rv.receiptKey.Public().(minisign.PublicKey), device, seq, hash)
	if !ok {
		return false
	}
	h := w.Header()
	h["Date"], h["Content-Type"] = nil, nil
	h.Set("Content-Length", strconv.Itoa(len(c)))
	w.WriteHeader(http.StatusOK)
	w.Write(c)
	return true
}

// writerOnly hides os.File's ReadFrom, so that io.CopyBuffer uses its
// buffer and reports read and write errors apart (os.PathError).
type writerOnly struct{ io.Writer }

// clientAddr is the IP address of r's client.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// storeStatus is the status that answers a failure of the store: 503 when
// a later attempt may succeed, else 500.
func storeStatus(err error) int {
	if errors.Is(err, errStoreUnavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// storeFailed answers a failure of the store, which the log names: 503
// with Retry-After when the store is unavailable, else 500.
func (rv *Receiver) storeFailed(w http.ResponseWriter, err error) {
	if storeStatus(err) == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
		rv.fail(w, http.StatusServiceUnavailable, "the receiver's bundle store is unavailable; try again in "+retryAfter+" seconds")
		return
	}
	rv.fail(w, http.StatusInternalServerError, "the receiver could not read its store")
}
