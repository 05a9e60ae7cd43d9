//go:build !unix && !windows

package storage

import "os"

// lockFile is a no-op here; Badger's own directory lock still refuses a
// second opener, and Open maps that refusal to ErrVaultInUse.
func lockFile(f *os.File) error { return nil }
