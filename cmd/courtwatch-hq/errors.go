package main

import (
	"courtwatch/cmd/internal/cmdline"
	"errors"
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
func (e *hintError) Hint() string  { return e.hint }

// Details returns the lines printed under the message.
func (e *hintError) Details() []string { return nil }

// usageError is a command called the wrong way; it exits with status 2.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Hint() string  { return e.hint }

// UsageError marks e as a cmdline.Usage.
func (e *usageError) UsageError() {}

// report prints err for the user and returns the exit status: 0 for nil,
// 2 for a usage error, 1 otherwise.
func report(w io.Writer, err error) int { return cmdline.Report(w, "courtwatch-hq", err) }

// explain adds a hint to the errors of package hq that no command
// explained.
func explain(err error) error {
	hint := ""
	switch {
	case err == nil, cmdline.Explained(err):
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
