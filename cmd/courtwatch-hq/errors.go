package main

import (
	"errors"
	"fmt"
	"io"

	"courtwatch/storage"
	"courtwatch/sync/hq"
)

// hintError is an error with what to do next. report prints it as
//
//	courtwatch-hq: <msg>
//	courtwatch-hq: hint: <hint>
type hintError struct {
	msg  string
	hint string
	err  error // the cause, for errors.Is; may be nil
}

func (e *hintError) Error() string { return e.msg }
func (e *hintError) Unwrap() error { return e.err }

// usageError is a command called the wrong way; it exits with status 2.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// report prints err for the user and returns the exit status: 0 for nil,
// 2 for a usage error, 1 otherwise.
func report(w io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(w, "courtwatch-hq: %s\n", err)
	var he *hintError
	var ue *usageError
	switch {
	case errors.As(err, &he):
		if he.hint != "" {
			fmt.Fprintf(w, "courtwatch-hq: hint: %s\n", he.hint)
		}
	case errors.As(err, &ue):
		if ue.hint != "" {
			fmt.Fprintf(w, "courtwatch-hq: hint: %s\n", ue.hint)
		}
		return 2
	}
	return 1
}

// explain adds a hint to the errors of package hq that no command
// explained.
func explain(err error) error {
	var he *hintError
	var ue *usageError
	hint := ""
	switch {
	case err == nil, errors.As(err, &he), errors.As(err, &ue):
		return err
	case errors.Is(err, hq.ErrNoHQ):
		hint = "create one with: courtwatch-hq init --dir D, or check --dir and COURTWATCH_HQ_DIR"
	case errors.Is(err, hq.ErrExists):
		hint = "choose a folder that does not exist yet; init never overwrites one"
	case errors.Is(err, hq.ErrUnknownDevice):
		hint = "see the enrolled devices with: courtwatch-hq devices"
	case errors.Is(err, hq.ErrKeyMismatch):
		hint = "check with the monitor, by a channel you trust, which key their device has; do not enroll a key you cannot vouch for"
	case errors.Is(err, hq.ErrRevoked):
		hint = "a revoked device stays revoked; the monitor makes a new vault, whose new device can be enrolled"
	case errors.Is(err, storage.ErrVaultExists):
		hint = "choose another folder"
	default:
		return err
	}
	return &hintError{msg: err.Error(), hint: hint, err: err}
}
