package main

import (
	"courtwatch/cmd/internal/cmdline"
	"errors"
	"fmt"
	"io"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// hintError is an error with what to do next. report prints it as
//
//	courtwatch: <msg>
//	  <detail>
//	courtwatch: hint: <hint>
type hintError struct {
	msg     string
	details []string // e.g. every bad line of a file, one each
	hint    string
	err     error // the cause, for errors.Is; may be nil
}

func (e *hintError) Error() string { return e.msg }
func (e *hintError) Unwrap() error { return e.err }
func (e *hintError) Hint() string  { return e.hint }

// Details returns the lines printed under the message.
func (e *hintError) Details() []string { return e.details }

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
func report(w io.Writer, err error) int { return cmdline.Report(w, "courtwatch", err) }

// explain adds a hint to storage errors that no command explained.
func explain(err error) error {
	switch {
	case err == nil, cmdline.Explained(err):
		return err
	case errors.Is(err, storage.ErrTampered):
		return &hintError{msg: err.Error(), err: err,
			hint: "the vault may have been damaged or tampered with: do not change it, keep a copy of the folder and ask for help"}
	case errors.Is(err, storage.ErrVaultInUse):
		return &hintError{msg: err.Error(), err: err, hint: "close it and try again"}
	}
	return err
}

// vaultError explains an error from opening, creating or rekeying the vault
// in dir.
func vaultError(dir string, err error) error {
	var lockout *storage.LockoutError
	switch {
	case errors.As(err, &lockout):
		return &hintError{msg: "wrong passphrase for vault " + dir + ": " + lockout.Error(), err: err,
			hint: "type it again carefully; check the keyboard layout and Caps Lock"}
	case errors.Is(err, storage.ErrWiped):
		return &hintError{msg: err.Error(), err: err, hint: "the records HQ confirmed are safe at HQ; create a new vault with: courtwatch init"}
	case errors.Is(err, storage.ErrVaultIncomplete), errors.Is(err, storage.ErrKeyDamaged):
		return &hintError{msg: err.Error(), err: err, hint: "do not run init in this folder; keep a copy of it and restore the missing file"}
	case errors.Is(err, storage.ErrFolderNotEmpty):
		return &hintError{msg: err.Error(), err: err, hint: "choose an empty or new folder with --vault DIR"}
	case errors.Is(err, storage.ErrWrongPassphrase):
		return &hintError{msg: "wrong passphrase for vault " + dir, err: err,
			hint: "type it again carefully; if it comes from COURTWATCH_PASSPHRASE or COURTWATCH_PASSPHRASE_FILE, check that setting"}
	case errors.Is(err, storage.ErrVaultInUse):
		return &hintError{msg: "the vault " + dir + " is open in another Courtwatch window or command", err: err,
			hint: "close it and try again"}
	case errors.Is(err, storage.ErrNoVault):
		return &hintError{msg: "there is no vault in " + dir, err: err,
			hint: "create one with: courtwatch init (or choose another folder with --vault DIR)"}
	case errors.Is(err, storage.ErrVaultExists):
		return &hintError{msg: "a vault already exists in " + dir, details: []string{err.Error()}, err: err,
			hint: "use it with the other commands, or choose another folder with --vault DIR"}
	}
	return explain(err)
}

// notFound explains a storage.ErrNotFound for a record the user named.
func notFound(kind string, id uuid.UUID, err error) error {
	if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	hint := map[string]string{
		storage.KindCase:    "see the cases with: courtwatch list cases",
		storage.KindHearing: "see the hearings with: courtwatch list hearings",
		storage.KindNote:    "see a hearing's notes with: courtwatch list notes --hearing ID",
	}[kind]
	if hint == "" {
		hint = "look for it with: courtwatch search WORDS"
	}
	return &hintError{msg: fmt.Sprintf("no %s with id %s", kind, id), err: err, hint: hint}
}

// problemsError lists every problem of a file that was not imported.
func problemsError[P error](file, what string, problems []P, err error) error {
	if file == "-" {
		file = "standard input"
	}
	details := make([]string, len(problems))
	for i, p := range problems {
		details[i] = p.Error()
	}
	return &hintError{
		msg:     fmt.Sprintf("%s is not a usable %s; nothing was stored", file, what),
		details: details,
		hint:    "correct these lines and run the import again",
		err:     err,
	}
}
