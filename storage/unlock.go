package storage

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// testHook, when a test sets it, is called at each named step of an unlock
// and of a wipe ("lockout counted", "wipe: key overwritten", …), so that a
// test can kill the process there.
var testHook func(step string)

func hook(step string) {
	if testHook != nil {
		testHook(step)
	}
}

// unlocked is a key file opened with a passphrase.
type unlocked struct {
	kf      *keyFile
	slot    int
	dataKey []byte
	// decoy is set when the passphrase was the duress one: the real vault
	// is erased, and this decoy, open, has taken its place. kf, slot and
	// dataKey are then the decoy's.
	decoy *Vault
}

func (u *unlocked) wipeKeys() { wipe(u.dataKey) }

// access checks passphrase against the vault in dir, whose lock the caller
// holds. With lockout on, the failed attempt is counted durably before the
// passphrase is checked, and the vault is erased when the count reaches
// the limit. On success it brings the folder up to date: an old key file
// is rewritten in the current format (atomically: a crash leaves the old
// or the new one, and both open), and a missing vault.json or lockout file
// is rebuilt. The duress passphrase erases the vault and puts a decoy in
// its place; if lockf is not nil the decoy keeps it and stays open.
func access(dir string, passphrase []byte, lockf *os.File) (*unlocked, error) {
	kf, err := readKeyFile(dir)
	if err != nil {
		return nil, err
	}
	lo, present := readLockout(dir)
	if lo.Limit > 0 {
		lo.Failures++
		// If the count cannot be written (a full disk), the passphrase is
		// still checked: reading one's notes comes first (GOALS.md), and
		// whoever can fill the disk can also edit the file.
		if err := writeLockout(dir, lo); err == nil {
			hook("lockout counted")
		}
	}
	kek, slot, role, dataKey, err := kf.unlockKey(passphrase)
	defer wipe(kek)
	if errors.Is(err, ErrWrongPassphrase) {
		if lo.Limit == 0 {
			return nil, err
		}
		if lo.Failures >= lo.Limit {
			if werr := wipeLocked(dir); werr != nil {
				return nil, fmt.Errorf("%s: %d wrong passphrases in a row: erasing the vault failed: %w", dir, lo.Failures, werr)
			}
			return nil, fmt.Errorf("%s: %d wrong passphrases in a row: %w", dir, lo.Failures, ErrWiped)
		}
		return nil, &LockoutError{Left: int(lo.Limit - lo.Failures)}
	}
	if err != nil {
		return nil, err
	}
	if role == roleDuress {
		wipe(dataKey)
		v, u, err := switchToDecoy(dir, passphrase, kf.kdf, lockout{Limit: lo.Limit}, lockf)
		if err != nil {
			return nil, err
		}
		if lockf == nil {
			if err := v.Close(); err != nil {
				u.wipeKeys()
				return nil, err
			}
		} else {
			u.decoy = v
		}
		return u, nil
	}
	u := &unlocked{kf: kf, slot: slot, dataKey: dataKey}
	// Bring the folder up to date. None of this is needed to open the
	// vault, so a failure (a full or read-only disk, a hostile folder)
	// does not stop it: the next unlock tries again.
	if kf.legacy != nil {
		upgraded := *kf
		if s, err := upgraded.upgrade(kek, dataKey); err == nil &&
			writeFileAtomic(filepath.Join(dir, wrappedFile), upgraded.marshal(), 0o600) == nil {
			u.kf, u.slot = &upgraded, s
			writeMirror(dir, &upgraded)
		}
	} else {
		writeMirror(dir, kf)
	}
	if lo.Failures != 0 || !present {
		writeLockout(dir, lockout{Limit: lo.Limit})
	}
	return u, nil
}

// LockoutError is a wrong passphrase while wipe after failed attempts is
// on: Left more wrong passphrases in a row erase the vault.
type LockoutError struct{ Left int }

func (e *LockoutError) Error() string {
	if e.Left == 1 {
		return "wrong passphrase; one more wrong passphrase erases this vault"
	}
	return fmt.Sprintf("wrong passphrase; %d more wrong passphrases in a row erase this vault", e.Left)
}

func (e *LockoutError) Unwrap() error { return ErrWrongPassphrase }

// createLocked writes a new vault into the empty folder dir, whose lock the
// caller holds, and opens it; the vault keeps lockf. The key file goes
// first: once it is on disk the vault opens, and Open rebuilds the rest.
func createLocked(dir string, passphrase []byte, opt CreateOptions, lo lockout, lockf *os.File) (*Vault, *unlocked, error) {
	p := opt.KDF
	if p.Algorithm == "" {
		p = DefaultKDF
	}
	kf, err := newKeyFile(p)
	if err != nil {
		unlockVault(lockf)
		return nil, nil, err
	}
	dataKey := make([]byte, dataKeySize)
	var r [1]byte
	if _, err := rand.Read(dataKey); err != nil {
		unlockVault(lockf)
		return nil, nil, err
	}
	if _, err := rand.Read(r[:]); err != nil {
		unlockVault(lockf)
		return nil, nil, err
	}
	u := &unlocked{kf: kf, slot: int(r[0]) % keySlots, dataKey: dataKey}
	kek := kf.kdf.deriveKEK(passphrase)
	err = kf.seal(u.slot, kek, roleVault, dataKey)
	wipe(kek)
	if err == nil {
		err = writeKeyFiles(dir, kf)
	}
	if err == nil {
		err = writeLockout(dir, lo)
	}
	if err != nil {
		u.wipeKeys()
		unlockVault(lockf)
		return nil, nil, err
	}
	v, err := openUnlocked(dir, bytes.Clone(dataKey), lockf)
	if err != nil {
		u.wipeKeys()
		return nil, nil, err
	}
	v.slot = u.slot
	if err := v.createDevice(opt.DeviceName); err != nil {
		v.Close()
		u.wipeKeys()
		return nil, nil, err
	}
	return v, u, nil
}

// vaultPart are the names a vault folder holds.
var vaultPart = []string{wrappedFile, headerFile, dbDir, lockoutFile}

// vaultParts returns the names of the parts of a vault that dir holds.
func vaultParts(dir string) []string {
	var found []string
	for _, name := range vaultPart {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			found = append(found, name)
		}
	}
	return found
}

// CanCreate says whether Create would accept dir, without writing
// anything: nil for a missing or empty folder, else ErrVaultExists or
// ErrFolderNotEmpty naming what the folder holds. Create checks again.
func CanCreate(dir string) error { return checkEmpty(dir) }

// checkEmpty refuses a folder that holds anything, saying what it found.
// A folder that does not exist is fine.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create vault: read the folder %s: %w", dir, err)
	}
	// On Windows, Create's own lock is the file .lock (lock_windows.go),
	// made before Create checks again.
	entries = slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == ".lock" })
	if len(entries) == 0 {
		return nil
	}
	if found := vaultParts(dir); len(found) > 0 {
		return fmt.Errorf("create vault in %s: %w (it holds %s); open it instead, or choose another folder. Nothing was written",
			dir, ErrVaultExists, joinNames(found))
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return fmt.Errorf("create vault in %s: %w (it holds %s); choose an empty or new folder. Nothing was written",
		dir, ErrFolderNotEmpty, joinNames(names))
}

// joinNames lists up to five names, quoted, and how many more there are.
func joinNames(names []string) string {
	names = slices.Clone(names)
	slices.Sort(names)
	var q []string
	for i, n := range names {
		if i == 5 {
			q = append(q, fmt.Sprintf("and %d more", len(names)-5))
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}
