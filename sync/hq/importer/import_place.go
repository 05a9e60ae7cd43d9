package importer

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq/receiver"
)

// ErrMisplaced: a bundle file (or object) lies where its store keeps
// another bundle. Its name follows one of the layouts (the receiver's
// <device>/<seq>.cwb, or <device>-<seq>.cwb of a folder transport), but
// names another device or bundle number than the bundle's signature.
// Receivers and the folder transport never do that: someone with write
// access to the store moved or copied it. Import reports it and does not
// import from it, even if HQ imported the same bytes from their right
// place (it is not counted as a replay).
var ErrMisplaced = errors.New("bundle is stored in the place of another bundle")

// misplaced returns an error wrapping ErrMisplaced if the name of the
// bundle at path names another bundle than t, which its signature names
// (and which the caller has checked: a verified signature, or the exact
// bytes of the bundle HQ imported as t). replay says which of the two, for
// the words. A name outside the layouts names no bundle: nil.
func misplaced(path string, t verify.Trusted, replay bool) error {
	device, seq, ok := nameSeq(path)
	if !ok || (device == t.Device && seq == t.Seq) {
		return nil
	}
	what := fmt.Sprintf("it is bundle %d of device %s (signed with that device's key)", t.Seq, t.Device)
	if replay {
		what = fmt.Sprintf("it holds the exact bytes of bundle %d of device %s, which HQ imported before", t.Seq, t.Device)
	}
	whose := "bundle " + fmt.Sprint(seq) + " of device " + device
	if device == t.Device {
		whose = fmt.Sprintf("the device's bundle %d", seq)
	}
	return fmt.Errorf("%w: %s, but its name says it is %s. Receivers never store a bundle in another's place: someone with write access to the store moved or copied it, so it is not imported from there. Find out who changed the store; if HQ lacks bundle %d of device %s, move it to %s and import again, otherwise remove this copy",
		ErrMisplaced, what, whose, t.Seq, t.Device, rightPlace(path, t))
}

// rightPlace is where the bundle t belongs in the layout that path uses.
func rightPlace(path string, t verify.Trusted) string {
	sep := string(filepath.Separator)
	if receiver.IsS3URL(path) {
		sep = "/"
	}
	i := strings.LastIndex(path, sep)
	dir, base := path[:i+1], path[i+1:]
	if len(base) > 37 && base[36] == '-' { // <device>-<seq>.cwb
		return fmt.Sprintf("%s%s-%d.cwb", dir, t.Device, t.Seq)
	}
	parent := strings.TrimSuffix(dir, sep)
	parent = parent[:strings.LastIndex(parent, sep)+1]
	return fmt.Sprintf("%s%s%s%012d.cwb", parent, t.Device, sep, t.Seq)
}
