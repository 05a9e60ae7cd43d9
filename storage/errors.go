package storage

import "errors"

// Sentinel errors. Callers branch on them with errors.Is; the wrapped
// message says what happened and what to do next.
var (
	// ErrWrongPassphrase means the passphrase did not unlock the vault's data
	// key. Nothing on disk was read beyond key.wrapped (and vault.json or
	// the lockout file), and nothing was written unless lockout is on.
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

	// ErrFolderNotEmpty means Create was given a folder that holds files
	// that are not a vault. It writes nothing there.
	ErrFolderNotEmpty = errors.New("the folder is not empty")

	// ErrVaultIncomplete means the folder holds part of a vault but a file
	// needed to open it is missing. The message names it.
	ErrVaultIncomplete = errors.New("the vault is missing a file it needs")

	// ErrKeyDamaged means key.wrapped is not a key file this version reads.
	ErrKeyDamaged = errors.New("the vault's key file is damaged")

	// ErrWiped means the vault was erased after too many wrong passphrases
	// in a row (see SetLockout).
	ErrWiped = errors.New("the vault was erased after too many wrong passphrases")

	// ErrTooBig means one batch held more than Badger takes in one
	// transaction; nothing was stored. Split the batch.
	ErrTooBig = errors.New("too much to save in one step")

	// ErrLocked means the vault was closed (locked) and must be opened again.
	ErrLocked = errors.New("vault is locked")
)
