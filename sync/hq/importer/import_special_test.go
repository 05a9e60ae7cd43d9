//go:build unix

package importer

import (
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq/internal/hqtest"
)

// TestImportSpecialFiles puts a named pipe in the place of a bundle's
// signature, and a folder in the place of another's, as someone who can
// write to the store can: opening a pipe would wait for a writer forever
// (the same reader reads receipts). Import reports each, saying what
// the file is, and imports the other bundles.
func TestImportSpecialFiles(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "A")
	m.enroll(t, dir)
	from := t.TempDir()
	var paths []string
	for range 4 {
		m.note(t, "a note")
		paths = append(paths, m.store(t, from, m.seal(t, dir, nil)))
	}
	for _, p := range paths[1:3] {
		os.Remove(p + ".minisig")
	}
	if err := syscall.Mkfifo(paths[1]+".minisig", 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(paths[2]+".minisig", 0o700); err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep *ImportReport
		err error
	}
	done := make(chan result, 1)
	v := openHQVault(t, dir)
	go func() {
		rep, err := Import(dir, v, from, ImportOptions{})
		done <- result{rep, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute):
		t.Fatal("import still waits after a minute: it opened the named pipe")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if d := r.rep.Device(m.id()); d == nil || !slices.Equal(d.Imported, []uint64{1, 4}) {
		t.Fatalf("imported %+v\n%s", d, problems(r.rep))
	}
	if len(r.rep.Unreadable) != 2 {
		t.Fatalf("%d unreadable, want 2\n%s", len(r.rep.Unreadable), problems(r.rep))
	}
	for i, want := range []string{"named pipe", "folder"} {
		p := r.rep.Unreadable[i]
		if !errors.Is(p.Err, bundle.ErrBadSignature) || !strings.Contains(p.Reason, "not a plain file but a "+want) {
			t.Errorf("%s: %s; want it called a %s", p.File, p.Reason, want)
		}
	}
}
