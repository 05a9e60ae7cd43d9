//go:build linux

package importer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/internal/testtool"
	"courtwatch/storage"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/setup"
)

// TestImportDiskFull imports into an HQ vault on a small disk. When the
// disk fills during the import, or was full when the vault opened (it
// then opens read-only), the import stops with ErrDiskFull, saying that
// nothing was lost and what to do, and blames no bundle; once there is
// room, importing again imports the rest.
func TestImportDiskFull(t *testing.T) {
	mnt := testtool.SmallDisk(t, 40<<20)
	dir := filepath.Join(mnt, "hq")
	if err := setup.Init(dir, setup.InitOptions{Name: "Test HQ", Passphrase: hqtest.Pass, KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	from := t.TempDir()
	text := strings.Repeat("The judge refuses the defence's request to call witnesses. ", 12)
	var ids []string
	for d := range 3 {
		m := newMonitor(t, fmt.Sprintf("Monitor %d", d))
		m.enroll(t, dir)
		for range 2 {
			addNotes(t, m, 3000, text)
			m.store(t, from, m.seal(t, dir, nil))
		}
		ids = append(ids, m.id())
		m.v.Close()
	}
	stopped := func(rep *ImportReport, err error, when string) {
		t.Helper()
		if !errors.Is(err, storage.ErrDiskFull) || !strings.Contains(err.Error(), "nothing was lost") {
			t.Fatalf("%s: %v; want ErrDiskFull saying nothing was lost", when, err)
		}
		if rep.Failed() {
			t.Fatalf("%s: bundles blamed for the full disk:\n%s", when, problems(rep))
		}
	}

	v, err := setup.OpenVault(dir, hqtest.Pass)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Import(dir, v, from, ImportOptions{})
	stopped(rep, err, "the disk fills during the import")
	imported := 0
	for _, d := range rep.Devices {
		imported += len(d.Imported)
	}
	t.Logf("%d of 6 bundles imported before: %v", imported, err)
	if imported == 6 {
		t.Fatal("the disk did not fill")
	}
	if err := v.Close(); err != nil {
		t.Fatalf("close on a full disk: %v", err)
	}

	// Full when the vault opens: it opens read-only, and the import stops
	// at the first bundle instead of rejecting each.
	filler := filepath.Join(mnt, "filler")
	testtool.Fill(t, filler)
	if v, err = setup.OpenVault(dir, hqtest.Pass); err != nil {
		t.Fatalf("open on a full disk: %v", err)
	}
	rep, err = Import(dir, v, from, ImportOptions{})
	stopped(rep, err, "the vault opened on a full disk")
	v.Close()

	// Room again: the rest is imported, and nothing twice.
	os.Remove(filler)
	if out, err := exec.Command("mount", "-o", "remount,size=256m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	v = openHQVault(t, dir)
	rep = mustImport(t, dir, v, from, ImportOptions{})
	n, replays := 0, 0
	for _, id := range ids {
		d := rep.Device(id)
		n += len(d.Imported)
		replays += d.Replays
	}
	if rep.Failed() || n != 6-imported || replays != imported {
		t.Fatalf("after freeing space: %d imported, %d replays; want %d and %d\n%s", n, replays, 6-imported, imported, problems(rep))
	}
	if got := len(hqVersions(t, v)); got != 3*6004 {
		t.Errorf("the HQ vault holds %d versions, want %d", got, 3*6004)
	}
}
