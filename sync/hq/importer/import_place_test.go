package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq/internal/hqtest"
)

// TestImportMisplaced copies a device's bundle into the place of another
// device's bundle, and of another bundle of its own, in the receiver's
// store layout and in a folder transport's: import reports each copy as
// misplaced (not a replay, not imported from there), names the object
// and where the bundle belongs, and imports the good bundles, whether HQ
// imported the original before or not.
func TestImportMisplaced(t *testing.T) {
	for _, layout := range []string{"store", "flat"} {
		t.Run(layout, func(t *testing.T) {
			dir := hqtest.NewHQ(t)
			ma, mb := newMonitor(t, "A"), newMonitor(t, "B")
			ma.enroll(t, dir)
			mb.enroll(t, dir)
			from := t.TempDir()
			put := func(m *monitor, b sealed) string {
				if layout == "store" {
					return m.store(t, from, b)
				}
				return m.flat(t, from, b)
			}
			a1 := ma.seal(t, dir, nil)
			ma.note(t, "second")
			a2 := ma.seal(t, dir, nil)
			b1 := mb.seal(t, dir, nil)
			put(ma, a1)
			put(mb, b1)
			v := openHQVault(t, dir)
			if rep := mustImport(t, dir, v, from, ImportOptions{}); rep.Failed() {
				t.Fatal(problems(rep))
			}
			// A1 (imported) as B's bundle 2 and as A's bundle 3; A2 (not
			// imported yet) as B's bundle 3, and in its own place.
			copies := []struct {
				path string
				seq  uint64
			}{
				{put(mb, sealed{2, a1.data, a1.sig}), 1},
				{put(ma, sealed{3, a1.data, a1.sig}), 1},
				{put(mb, sealed{3, a2.data, a2.sig}), 2},
			}
			put(ma, a2)
			rep := mustImport(t, dir, v, from, ImportOptions{})
			da := rep.Device(ma.id())
			if da == nil || !slices.Equal(da.Imported, []uint64{2}) || da.Replays != 1 || len(da.Rejected) != len(copies) {
				t.Fatalf("device A: %+v\n%s", da, problems(rep))
			}
			if db := rep.Device(mb.id()); db == nil || db.Replays != 1 || len(db.Rejected) != 0 {
				t.Fatalf("device B: %+v\n%s", db, problems(rep))
			}
			for _, c := range copies {
				checkMisplaced(t, rep, ma.id(), c.seq, c.path)
			}
			// Its right place is in the message, and verify says the same.
			want := filepath.Join(filepath.Dir(filepath.Dir(copies[0].path)), ma.id(), "000000000001.cwb")
			if layout == "flat" {
				want = filepath.Join(from, ma.id()+"-1.cwb")
			}
			if p := da.Rejected[0]; !strings.Contains(p.Reason, want) {
				t.Errorf("the report of %s does not say where it belongs (%s): %s", p.File, want, p.Reason)
			}
			e, err := VerifyFile(dir, v, copies[0].path)
			if err != nil || e.Outcome != OutcomeReject || !errors.Is(e.Err, ErrMisplaced) {
				t.Fatalf("verify %s: %v, %v\n%s", copies[0].path, e, err, e)
			}
			// A file whose name is in no layout names no bundle: imported
			// by its signature, as before.
			other := hqtest.NewHQ(t)
			copyHQKeys(t, dir, other)
			loose := t.TempDir()
			for i, b := range []sealed{a1, a2} {
				writeBundle(t, loose, fmt.Sprintf("from-usb-%d.cwb", i), b)
			}
			rep = mustImport(t, other, openHQVault(t, other), loose, ImportOptions{})
			if d := rep.Device(ma.id()); rep.Failed() || d == nil || !slices.Equal(d.Imported, []uint64{1, 2}) {
				t.Fatalf("loose names: %+v\n%s", d, problems(rep))
			}
			if _, err := os.Stat(want); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// checkMisplaced checks that the report rejects the bundle at a path
// ending in name as misplaced bundle seq of device.
func checkMisplaced(t *testing.T, rep *ImportReport, device string, seq uint64, name string) {
	t.Helper()
	d := rep.Device(device)
	if d == nil {
		t.Fatalf("no report of device %s", device)
	}
	for _, p := range d.Rejected {
		if strings.HasSuffix(p.File, name) {
			if !errors.Is(p.Err, ErrMisplaced) || p.Seq != seq || !strings.Contains(p.Reason, "moved or copied") {
				t.Errorf("%s: seq %d, %v; want misplaced bundle %d", p.File, p.Seq, p.Reason, seq)
			}
			return
		}
	}
	t.Errorf("the report does not name %s as misplaced:\n%s", name, problems(rep))
}

// FuzzMisplaced: for any file or object name, misplaced does not panic,
// says nothing of a name outside the layouts or naming the bundle
// itself, and the place it gives for the bundle is named after it.
func FuzzMisplaced(f *testing.F) {
	dev := "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b"
	other := "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7c"
	for _, p := range []string{
		"store/" + other + "/000000000001.cwb", "store/" + dev + "/000000000002.cwb", "usb/" + other + "-1.cwb",
		"s3://b/hq/" + other + "/000000000009.cwb", other + "-3.cwb", other + "/1.cwb", "x.cwb", "", "/", "s3://",
		"store/\x1b[2J/" + other + "-1.cwb", "a/" + other + "-0.cwb", "a/" + other + "-18446744073709551616.cwb",
	} {
		f.Add(p, uint64(2))
	}
	f.Fuzz(func(t *testing.T, path string, seq uint64) {
		if seq == 0 {
			return
		}
		tr := verify.Trusted{Device: dev, Seq: seq}
		err := misplaced(path, tr, seq%2 == 0)
		d, q, ok := nameSeq(path)
		if (err == nil) != (!ok || (d == dev && q == seq)) {
			t.Fatalf("%q: %v, but its name says %s %d (%t)", path, err, d, q, ok)
		}
		if err == nil {
			return
		}
		if !errors.Is(err, ErrMisplaced) {
			t.Fatalf("%q: %v", path, err)
		}
		to := rightPlace(path, tr)
		if d, q, ok := nameSeq(to); !ok || d != dev || q != seq {
			t.Fatalf("%q belongs at %q, which names %s %d (%t)", path, to, d, q, ok)
		}
	})
}
