// Package cmdline holds what the courtwatch and courtwatch-hq commands share
// about being command-line programs, so that both behave the same: the
// commands and their dispatch, "help", "version", global and command flags
// (program.go, command.go), errors that carry a hint for the user, usage
// errors, and how both are reported with an exit status (errors.go).
package cmdline

import (
	"errors"
	"fmt"
	"io"

	"courtwatch/internal/escape"
)

// Hinted is an error that says what to do next. Report prints its details,
// one a line, and its hint.
type Hinted interface {
	error
	Hint() string
	Details() []string
}

// HintError is an error with what to do next. Report prints it as
//
//	prog: <msg>
//	  <detail>
//	prog: hint: <hint>
type HintError struct {
	Msg    string
	Lines  []string // e.g. every bad line of a file, one each
	Advice string
	Err    error // the cause, for errors.Is; may be nil
}

func (e *HintError) Error() string     { return e.Msg }
func (e *HintError) Unwrap() error     { return e.Err }
func (e *HintError) Hint() string      { return e.Advice }
func (e *HintError) Details() []string { return e.Lines }

// UsageError is a command called the wrong way; Report returns exit
// status 2 for it.
type UsageError struct {
	Msg    string
	Advice string // e.g. "see: courtwatch list -h"
}

func (e *UsageError) Error() string { return e.Msg }
func (e *UsageError) Hint() string  { return e.Advice }

// Explained reports whether err already says what to do next, or is a
// usage error.
func Explained(err error) bool {
	var h Hinted
	var u *UsageError
	return errors.As(err, &h) || errors.As(err, &u)
}

// A Hint is the advice for the errors that match Err (errors.Is).
type Hint struct {
	Err    error
	Advice string
}

// Explain adds the advice of the first of hints that err matches, unless
// err already says what to do next; other errors it returns as they are.
func Explain(err error, hints ...Hint) error {
	if err == nil || Explained(err) {
		return err
	}
	for _, h := range hints {
		if errors.Is(err, h.Err) {
			return &HintError{Msg: err.Error(), Advice: h.Advice, Err: err}
		}
	}
	return err
}

// Report prints err for the user, each line starting with prog, and returns
// the exit status: 0 for nil, 2 for a usage error, 1 otherwise.
func Report(w io.Writer, prog string, err error) int {
	if err == nil {
		return 0
	}
	// Errors quote outside text (file contents, names, a server's
	// answer): each line is escaped, so it stays one line.
	fmt.Fprintf(w, "%s: %s\n", prog, escape.String(err.Error()))
	var h Hinted
	var u *UsageError
	switch {
	case errors.As(err, &h):
		for _, d := range h.Details() {
			fmt.Fprintf(w, "  %s\n", escape.String(d))
		}
		if hint := h.Hint(); hint != "" {
			fmt.Fprintf(w, "%s: hint: %s\n", prog, escape.String(hint))
		}
	case errors.As(err, &u):
		if u.Advice != "" {
			fmt.Fprintf(w, "%s: hint: %s\n", prog, escape.String(u.Advice))
		}
		return 2
	}
	return 1
}

// ReadSmall reads a small file's content from r: at most limit bytes. A
// longer one is an error that says so (what names the file for people,
// e.g. "the HQ profile profile.json"), rather than the parse error that a
// cut-off read would give later.
func ReadSmall(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, &HintError{Msg: fmt.Sprintf("%s has more than %d KiB, far more than such a file holds", what, limit>>10),
			Advice: "check that it is the right file"}
	}
	return b, nil
}
