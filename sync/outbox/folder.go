package outbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"courtwatch/storage/safefile"
	"courtwatch/sync/bundle"
	"courtwatch/sync/wire"
)

var _ Transport = (*Folder)(nil)

// ErrFolderConflict: the folder already holds a different bundle under the
// name, which Folder leaves alone. Unlike ErrFork at HQ, it does not fail
// the bundle: the stick may hold a copy from another vault, and HQ may
// still take the bundle over the network.
var ErrFolderConflict = errors.New("the folder holds another bundle under this name")

// Folder delivers bundles into a folder, such as a USB stick or a shared
// drive, as <device>-<seq>.cwb next to <device>-<seq>.cwb.minisig. A folder
// gives no receipt: a bundle written to one is Delivered, and stays pending
// until HQ's receiver confirms it.
type Folder struct {
	Dir string
}

// FileName is the name of bundle seq of device in a folder.
func FileName(device string, seq uint64) string {
	return fmt.Sprintf("%s-%d.cwb", device, seq)
}

func (f *Folder) String() string { return f.Dir }

// Deliver writes the signature and then the bundle, each atomically: to a
// temporary file, synced, renamed into place, and the folder synced. A
// reader that sees the .cwb thus always finds it whole with its .minisig.
// If the folder already holds a different bundle under that name, Deliver
// refuses with ErrFolderConflict and leaves it alone.
func (f *Folder) Deliver(_ context.Context, e *Entry, data, sig []byte, progress func(sent, total int64)) (*wire.SignedReceipt, error) {
	name := filepath.Join(f.Dir, FileName(e.Device, e.Seq))
	old, err := os.ReadFile(name)
	switch {
	case err == nil && bundle.Hash(old) != e.Hash:
		return nil, fmt.Errorf("%w: %s holds another bundle %d of this device; keep both files and tell HQ", ErrFolderConflict, name, e.Seq)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if err := safefile.WriteFile(name+".minisig", sig, 0o600); err != nil {
		return nil, err
	}
	if err := safefile.WriteFile(name, data, 0o600); err != nil {
		return nil, err
	}
	if progress != nil {
		progress(int64(len(data)), int64(len(data)))
	}
	return nil, nil
}
