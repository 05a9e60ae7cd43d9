package bundle

import (
	"errors"
	"fmt"
	"io"

	"courtwatch/sync/bundle/verify"

	"github.com/klauspost/compress/zstd"
)

// Errors returned by Seal, Open and Sequence, and by verify.Verify (the
// first five are sync/bundle/verify's, under the same names). They are
// wrapped with detail, so test them with errors.Is.
var (
	// ErrBadSignature: the .minisig file does not verify for the device key,
	// is damaged, or is not a minisign signature.
	ErrBadSignature = verify.ErrBadSignature
	// ErrWrongSigner: the signature is made with another key than the
	// device's, or the manifest names another device than the signature.
	ErrWrongSigner = verify.ErrWrongSigner
	// ErrTampered: the bytes differ from what the device signed, or the
	// content does not match its manifest.
	ErrTampered = verify.ErrTampered
	// ErrMalformed: the bundle or the input to Seal breaks the format.
	ErrMalformed = verify.ErrMalformed
	// ErrTooLarge: a size limit is exceeded (see the package doc).
	ErrTooLarge = verify.ErrTooLarge
	// ErrNotForUs: none of the given age identities can decrypt the bundle.
	ErrNotForUs = errors.New("bundle is not encrypted to this HQ key")
	// ErrTruncated: a stream inside the bundle ends early.
	ErrTruncated = errors.New("bundle is cut short")
	// ErrReplay: HQ has already accepted this exact bundle.
	ErrReplay = errors.New("bundle was already received")
	// ErrFork: the bundle conflicts with one HQ already accepted from the
	// same device: same sequence number with other content, or a prev hash
	// that does not name the bundle before it.
	ErrFork = errors.New("bundle conflicts with a bundle already received from this device")
	// ErrGap: earlier bundles of the device have not arrived yet. The error
	// is a *GapError.
	ErrGap = errors.New("earlier bundles from this device are missing")
)

// maxMissing bounds GapError.Missing, whatever sequence number a bundle
// claims.
const maxMissing = 1000

// GapError lists the bundles of a device that HQ still lacks before it can
// import the one at hand. Missing holds at most the first 1000 of them.
type GapError struct {
	Device  string
	Missing []uint64
}

func (e *GapError) Error() string {
	m := e.Missing
	switch {
	case len(m) == 0:
		return fmt.Sprintf("%v (device %s)", ErrGap, e.Device)
	case len(m) == 1:
		return fmt.Sprintf("%v: bundle %d of device %s has not arrived; keep this bundle and import it after that one", ErrGap, m[0], e.Device)
	}
	more := ""
	if len(m) == maxMissing {
		more = " and more"
	}
	return fmt.Sprintf("%v: %d bundles of device %s (%d to %d%s) have not arrived; keep this bundle and import it after those", ErrGap, len(m), e.Device, m[0], m[len(m)-1], more)
}

func (e *GapError) Unwrap() error { return ErrGap }

// classify turns an error from reading the decrypted stream (age, zstd, tar,
// our own limits) into one of the sentinels, keeping the detail.
func classify(what string, err error) error {
	for _, s := range []error{ErrTooLarge, ErrTruncated, ErrTampered, ErrMalformed, ErrNotForUs} {
		if errors.Is(err, s) {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %s ends early (%v), so it was damaged before the device signed it; send it again, and report it if that does not help", ErrTruncated, what, err)
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded),
		errors.Is(err, zstd.ErrFrameSizeExceeded):
		return fmt.Errorf("%w: %s: %v", ErrTooLarge, what, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
}
