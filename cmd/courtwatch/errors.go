package main

import (
	"errors"
	"fmt"

	"courtwatch/cmd/internal/cmdline"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// hintError is an error with what to do next; usageError is a command
// called the wrong way (exit status 2). See package cmdline.
type (
	hintError  = cmdline.HintError
	usageError = cmdline.UsageError
)

// explain adds a hint to storage errors that no command explained.
func explain(err error) error {
	return cmdline.Explain(err,
		cmdline.Hint{Err: storage.ErrTampered, Advice: "the vault may have been damaged or tampered with: do not change it, keep a copy of the folder and ask for help"},
		cmdline.Hint{Err: storage.ErrVaultInUse, Advice: "close it and try again"})
}

// vaultError explains an error from opening, creating or rekeying the vault
// in dir.
func vaultError(dir string, err error) error {
	var lockout *storage.LockoutError
	switch {
	case errors.As(err, &lockout):
		return &hintError{Msg: "wrong passphrase for vault " + dir + ": " + lockout.Error(), Err: err,
			Advice: "type it again carefully; check the keyboard layout and Caps Lock"}
	case errors.Is(err, storage.ErrWiped):
		return &hintError{Msg: err.Error(), Err: err, Advice: "the records HQ confirmed are safe at HQ; create a new vault with: courtwatch init"}
	case errors.Is(err, storage.ErrVaultIncomplete), errors.Is(err, storage.ErrKeyDamaged):
		return &hintError{Msg: err.Error(), Err: err, Advice: "do not run init in this folder; keep a copy of it and restore the missing file"}
	case errors.Is(err, storage.ErrFolderNotEmpty):
		return &hintError{Msg: err.Error(), Err: err, Advice: "choose an empty or new folder with --vault DIR"}
	case errors.Is(err, storage.ErrWrongPassphrase):
		return &hintError{Msg: "wrong passphrase for vault " + dir, Err: err,
			Advice: "type it again carefully; if it comes from COURTWATCH_PASSPHRASE or COURTWATCH_PASSPHRASE_FILE, check that setting"}
	case errors.Is(err, storage.ErrVaultInUse):
		return &hintError{Msg: "the vault " + dir + " is open in another Courtwatch window or command", Err: err,
			Advice: "close it and try again"}
	case errors.Is(err, storage.ErrNoVault):
		return &hintError{Msg: "there is no vault in " + dir, Err: err,
			Advice: "create one with: courtwatch init (or choose another folder with --vault DIR)"}
	case errors.Is(err, storage.ErrVaultExists):
		return &hintError{Msg: "a vault already exists in " + dir, Lines: []string{err.Error()}, Err: err,
			Advice: "use it with the other commands, or choose another folder with --vault DIR"}
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
	return &hintError{Msg: fmt.Sprintf("no %s with id %s", kind, id), Err: err, Advice: hint}
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
		Msg:    fmt.Sprintf("%s is not a usable %s; nothing was stored", file, what),
		Lines:  details,
		Advice: "correct these lines and run the import again",
		Err:    err,
	}
}
