package importer

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"

	"aead.dev/minisign"
)

// bundleFile is a bundle found under the import folder.
type bundleFile struct {
	path string                 // a file name, or an s3:// URL
	read func() ([]byte, error) // reads the bundle
	// receipt reads HQ's receipts of the bundle (in a bucket, the one in
	// the metadata and the .receipt.json object: one may be damaged), an
	// error wrapping fs.ErrNotExist if there is none.
	receipt func() ([][]byte, error)
	sig     []byte
	// sigFrom says where sig came from if not from the .minisig file next
	// to path (a bucket's metadata), for messages.
	sigFrom string
	t       verify.Trusted // what the signature claims; Open checks it
	err     error          // why the signature names no bundle
}

// findBundles lists the *.cwb files under from (or from itself, if it is
// one), skipping hidden files and folders such as the receiver's
// temporary uploads, ordered by the device and seq their signatures name.
// Files whose signature cannot be read come last. A symbolic link given
// as from, or named *.cwb, is followed; links to folders under from are
// not (they could loop).
func findBundles(from string) ([]bundleFile, error) {
	root := from
	if fi, err := os.Lstat(from); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if st, err := os.Stat(from); err == nil && st.IsDir() {
			root = from + string(filepath.Separator) // WalkDir follows it then
		}
	}
	var out []bundleFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil && path != root {
			// A folder this user cannot read, such as lost+found at the
			// top of a USB stick: the rest is imported, and the report
			// says that what it may hold was not.
			out = append(out, bundleFile{path: path, err: unreadableFolder(path, err)})
			return nil
		}
		if err != nil {
			return err
		}
		hidden := path != root && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case d.IsDir() || hidden || !strings.HasSuffix(d.Name(), ".cwb"):
			return nil
		case !d.Type().IsRegular():
			// A link to a bundle file is one; a pipe, device or link to
			// anything else named like one is reported, not skipped.
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() {
				what := "a link to nothing"
				if err == nil {
					what = "a " + fileKind(st.Mode())
				}
				out = append(out, bundleFile{path: path, err: fmt.Errorf("%s is not a plain file but %s; a bundle is a plain file: copy it again from where it came",
					filepath.Base(path), what)})
				return nil
			}
		}
		f := bundleFile{path: path, read: func() ([]byte, error) { return readBundle(path) },
			receipt: func() ([][]byte, error) {
				b, err := readLimited(receiptPath(path), maxReceipt)
				return [][]byte{b}, err
			}}
		f.sig, f.t, f.err = readSignature(path + ".minisig")
		out = append(out, f)
		return nil
	})
	sortBundles(out)
	return out, err
}

// unreadableFolder says that the folder path, which the walk could not
// read (err), was not imported.
func unreadableFolder(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is in the message already
	}
	return fmt.Errorf("the folder %s cannot be read (%w), so the bundles it may hold are not imported; if it should hold some, make it readable for this user or copy them to another folder, and import again",
		path, err)
}

// sortBundles orders bundle files by the device and seq their signatures
// name; files whose signature cannot be read come last.
func sortBundles(files []bundleFile) {
	slices.SortFunc(files, func(a, b bundleFile) int {
		return cmp.Or(cmp.Compare(unreadable(a), unreadable(b)),
			strings.Compare(a.t.Device, b.t.Device), cmp.Compare(a.t.Seq, b.t.Seq), strings.Compare(a.path, b.path))
	})
}

func unreadable(f bundleFile) int {
	if f.err != nil {
		return 1
	}
	return 0
}

// readSignature reads a bundle's .minisig file and the trusted comment it
// claims, without verifying it.
func readSignature(name string) ([]byte, verify.Trusted, error) {
	sig, err := readLimited(name, verify.MaxSignature)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, verify.Trusted{}, fmt.Errorf("%w: there is no signature file %s next to the bundle; copy it too, a bundle is only imported with its signature", bundle.ErrBadSignature, filepath.Base(name))
	}
	if err != nil {
		return nil, verify.Trusted{}, fmt.Errorf("%w: %v", bundle.ErrBadSignature, err)
	}
	return parseSignature(sig, filepath.Base(name))
}

// parseSignature reads the trusted comment that the signature file name
// claims, without verifying it.
func parseSignature(sig []byte, name string) ([]byte, verify.Trusted, error) {
	var s minisign.Signature
	if err := s.UnmarshalText(sig); err != nil {
		return nil, verify.Trusted{}, fmt.Errorf("%w: %s is damaged or is not a minisign signature (%v); copy it again", bundle.ErrBadSignature, name, err)
	}
	t, err := verify.ParseTrusted(s.TrustedComment)
	return sig, t, err
}

// readBundle reads a bundle file, refusing one over verify.MaxBundle.
func readBundle(name string) ([]byte, error) {
	b, err := readLimited(name, verify.MaxBundle)
	if err != nil {
		return nil, fmt.Errorf("read the bundle: %w", err)
	}
	return b, nil
}

// readLimited reads a file of at most limit bytes. It refuses what is not
// a plain file: opening a named pipe put in a bundle's place would wait
// for a writer, and stop the import for good. The file is checked before
// it is opened, so that no device is opened, and again once it is open,
// without waiting (openNoWait), so that a pipe put in its place between
// the two is refused too.
func readLimited(name string, limit int64) ([]byte, error) {
	if fi, err := os.Stat(name); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, notPlain(name, fi.Mode())
	}
	return readOpen(name, limit)
}

// readOpen opens the file name without waiting and reads at most limit
// bytes of it, refusing what is not a plain file once it is open.
func readOpen(name string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|openNoWait, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notPlain(name, fi.Mode())
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %s has %d bytes, the limit is %d", bundle.ErrTooLarge, filepath.Base(name), fi.Size(), limit)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s has more than %d bytes", bundle.ErrTooLarge, filepath.Base(name), limit)
	}
	return b, nil
}

// notPlain says that the file name, of mode m, is not a plain file.
func notPlain(name string, m fs.FileMode) error {
	return fmt.Errorf("%s is not a plain file but a %s; a bundle, its signature and its receipt are plain files: copy them again from where they came", filepath.Base(name), fileKind(m))
}

// fileKind names what a file that is not a plain file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "folder"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// nameSeq reads the device and bundle number that a bundle file's name
// gives, in the receiver's store (<device>/<seq, 12 digits>.cwb) or as a
// folder transport writes it (<device>-<seq>.cwb). ok is false for any
// other name.
func nameSeq(path string) (device string, seq uint64, ok bool) {
	base, isCWB := strings.CutSuffix(filepath.Base(path), ".cwb")
	if !isCWB {
		return "", 0, false
	}
	num := base
	if len(base) > 37 && base[36] == '-' {
		device, num = base[:36], base[37:]
	} else {
		device = filepath.Base(filepath.Dir(path))
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || n == 0 || hq.CheckID(device) != nil {
		return "", 0, false
	}
	return device, n, true
}

// claimed says, for a bundle whose signature did not verify, which
// bundle it is: the number its file name gives, if it follows a known
// layout, else none (0); and what the unverified signature file claims,
// for the reason. A swapped .minisig is so never reported under the
// number of the bundle it belongs to.
func claimed(f bundleFile, err error) (uint64, error) {
	seq := uint64(0)
	if device, n, ok := nameSeq(f.path); ok && device == f.t.Device {
		seq = n
	}
	what, fix := "signature file "+filepath.Base(f.path)+".minisig", "copy this bundle's own .minisig next to it"
	if f.sigFrom != "" {
		what, fix = "signature ("+f.sigFrom+")", "HQ's receivers never store that: check who else holds the bucket's keys"
	}
	if seq == f.t.Seq {
		return seq, fmt.Errorf("its %s, which names bundle %d, does not verify: %w", what, f.t.Seq, err)
	}
	return seq, fmt.Errorf("its %s names bundle %d of device %s but does not verify, so it may belong to another bundle; %s: %w",
		what, f.t.Seq, f.t.Device, fix, err)
}
