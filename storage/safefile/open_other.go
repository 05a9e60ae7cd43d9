//go:build !windows

package safefile

import "os"

// Open opens the named file for reading: os.Open. (On Windows it also lets
// a rename replace the file meanwhile; on Unix, os.Open does.)
func Open(name string) (*os.File, error) { return os.Open(name) }
