package safefile

import "io"

// ReadFile reads the named file, which WriteFile or Rename may be
// replacing at the same moment, through Open: it reads the old file or
// the new one, whole, on every system.
func ReadFile(name string) ([]byte, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
