package outbox

import (
	"context"
	"fmt"

	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"
)

// Transport carries bundles to one destination.
type Transport interface {
	// Deliver sends bundle e (its file data and signature sig) and returns
	// HQ's receipt, not yet verified, or nil when the destination cannot
	// give one (a folder). progress, if not nil, is called as bytes go
	// out. A destination that already holds a different bundle with e's
	// sequence number gives an error matching ErrFork. Deliver must be safe
	// to call again for the same bundle, also after an attempt whose answer
	// was lost.
	Deliver(ctx context.Context, e *Entry, data, sig []byte, progress func(sent, total int64)) (*wire.SignedReceipt, error)
	// String names the destination for people, e.g. "https://hq.example.org".
	String() string
}

// TransportFunc makes the transport for an HQ profile. NewHTTPS is one.
type TransportFunc func(p hqprofile.Profile) (Transport, error)

// HTTPError is an answer from the receiver that is not a receipt.
type HTTPError struct {
	Status int    // HTTP status code
	Msg    string // the receiver's error message, or the status text
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("HQ answered %d: %s", e.Status, e.Msg)
}

// Unwrap makes a 409 match ErrFork and a 413 ErrTooLarge.
func (e *HTTPError) Unwrap() error {
	switch e.Status {
	case 409:
		return ErrFork
	case 413:
		return ErrTooLarge
	}
	return nil
}
