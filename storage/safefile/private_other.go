//go:build !windows

package safefile

import (
	"fmt"
	"os"
)

// MakePrivate lets only the owner in: mode 0700 for a folder, 0600 for a
// file. On Windows it sets an owner-only access control list instead.
func MakePrivate(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("make %s private: %w", path, err)
	}
	mode := os.FileMode(0o600)
	if fi.IsDir() {
		mode = 0o700
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("make %s private: %w", path, err)
	}
	return nil
}
