package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
)

// The lockout file, <vault>/lockout, holds the setting "erase the vault
// after N wrong passphrases in a row" and the count of wrong passphrases
// so far. Every vault has one, of the same 32 bytes, whether lockout is on
// or off and whether a duress passphrase is set, so neither is told by the
// folder's shape.
//
//	0   8  magic "CWLOCK01"
//	8   4  limit N, big-endian (0: off)
//	12  4  failures in a row, big-endian
//	16 12  zero
//	28  4  CRC-32 (IEEE) of bytes 0-27
//
// It is not secret and not authenticated: it cannot be, since it must be
// read before the passphrase is known. Someone who copies the disk can
// guess passphrases against the copy without any count, and someone who
// can edit the file can reset it; lockout stops a person trying
// passphrases in the program on the laptop itself. The count is written
// (atomically, fsynced) before the passphrase is checked, so killing the
// program during the check does not undo it. A lockout file that is
// missing or damaged reads as lockout off; the next successful unlock
// writes a whole one again (with lockout off; set it again).
const (
	lockoutFile  = "lockout"
	lockoutMagic = "CWLOCK01"
	lockoutSize  = 32
	maxLockout   = 100
)

type lockout struct {
	Limit, Failures uint32
}

func (lo lockout) marshal() []byte {
	b := make([]byte, lockoutSize)
	copy(b, lockoutMagic)
	binary.BigEndian.PutUint32(b[8:], lo.Limit)
	binary.BigEndian.PutUint32(b[12:], lo.Failures)
	binary.BigEndian.PutUint32(b[28:], crc32.ChecksumIEEE(b[:28]))
	return b
}

// parseLockout parses a lockout file (FuzzParseLockout).
func parseLockout(b []byte) (lockout, error) {
	if len(b) != lockoutSize || !bytes.HasPrefix(b, []byte(lockoutMagic)) ||
		binary.BigEndian.Uint32(b[28:]) != crc32.ChecksumIEEE(b[:28]) || !bytes.Equal(b[16:28], make([]byte, 12)) {
		return lockout{}, errors.New("the lockout file is damaged")
	}
	lo := lockout{Limit: binary.BigEndian.Uint32(b[8:]), Failures: binary.BigEndian.Uint32(b[12:])}
	if lo.Limit > maxLockout {
		return lockout{}, errors.New("the lockout file is damaged")
	}
	return lo, nil
}

// readLockout reads the lockout file; ok is false when it is missing or
// damaged, which reads as lockout off.
func readLockout(dir string) (lo lockout, ok bool) {
	b, err := readSmall(filepath.Join(dir, lockoutFile))
	if err != nil {
		return lockout{}, false
	}
	lo, err = parseLockout(b)
	return lo, err == nil
}

func writeLockout(dir string, lo lockout) error {
	return writeFileAtomic(filepath.Join(dir, lockoutFile), lo.marshal(), 0o600)
}

// LockoutStatus returns the vault's setting for erasing after wrong
// passphrases (0: off) and how many wrong passphrases in a row were
// entered since the last unlock. It needs no passphrase.
func LockoutStatus(dir string) (limit, failures int) {
	lo, _ := readLockout(dir)
	return int(lo.Limit), int(lo.Failures)
}

// SetLockout makes the vault erase itself after n wrong passphrases in a
// row; 0 turns that off.
func (v *Vault) SetLockout(n int) error {
	if n < 0 || n > maxLockout {
		return fmt.Errorf("lockout: %d is out of range: give a number of attempts from 1 to %d, or 0 to turn it off", n, maxLockout)
	}
	v.life.RLock()
	defer v.life.RUnlock()
	if v.closed.Load() {
		return ErrLocked
	}
	if err := writeLockout(v.dir, lockout{Limit: uint32(n)}); err != nil {
		return fmt.Errorf("lockout: write the setting: %w", err)
	}
	return nil
}

// Lockout returns the vault's setting for erasing after wrong passphrases
// (0: off).
func (v *Vault) Lockout() int {
	n, _ := LockoutStatus(v.dir)
	return n
}
