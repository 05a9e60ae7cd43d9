package storage

import "errors"

// Sentinel errors. Callers branch on them with errors.Is; the wrapped
// message says what happened and what to do next.
var (
	// ErrWrongPassphrase means the passphrase did not unlock the vault's data
	// key. Nothing on disk was read beyond vault.json and key.wrapped, and
	// nothing was written.
	ErrWrongPassphrase = errors.New("wrong passphrase")

	// ErrVaultInUse means another process has the vault open. Only one
	// process may use a vault at a time.
	ErrVaultInUse = errors.New("vault is in use by another process")

	// ErrNotFound means no record (or no live version of it) has that id.
	ErrNotFound = errors.New("record not found")

	// ErrTampered means stored data failed its integrity check: a sealed
	// value did not authenticate, a Badger checksum failed, or a hash chain
	// does not link. The data was not returned.
	ErrTampered = errors.New("stored data failed its integrity check (tampered or corrupted)")

	// ErrNoVault means the folder holds no vault; create one with init.
	ErrNoVault = errors.New("no vault in this folder")

	// ErrVaultExists means Create was asked to overwrite an existing vault.
	ErrVaultExists = errors.New("a vault already exists in this folder")

	// ErrTooBig means one batch held more than Badger takes in one
	// transaction; nothing was stored. Split the batch.
	ErrTooBig = errors.New("too much to save in one step")

	// ErrLocked means the vault was closed (locked) and must be opened again.
	ErrLocked = errors.New("vault is locked")
)
