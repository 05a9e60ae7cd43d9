//go:build unix

package storage

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive advisory lock on f without writing to the
// folder, so a refused opener leaves the vault byte-for-byte unchanged.
func lockFile(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return ErrVaultInUse
	}
	if err != nil {
		return fmt.Errorf("lock vault: %w", err)
	}
	return nil
}
