//go:build unix

package importer

import (
	"errors"
	"os"
	"path/filepath"
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

// TestImportLinks imports from a symbolic link to the folder of bundles
// (it found nothing, and said "no bundles", before), with a bundle that
// is itself a link to the file, and a pipe and a dangling link named like
// bundles, which are reported instead of skipped without a word.
func TestImportLinks(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "A")
	m.enroll(t, dir)
	real, elsewhere := t.TempDir(), t.TempDir()
	m.flat(t, real, m.seal(t, dir, nil))
	m.note(t, "second")
	b2 := m.flat(t, elsewhere, m.seal(t, dir, nil))
	for _, ext := range []string{"", ".minisig"} {
		if err := os.Symlink(b2+ext, filepath.Join(real, filepath.Base(b2)+ext)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(real, "pipe.cwb"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere, "gone.cwb"), filepath.Join(real, "dangling.cwb")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "bundles")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	rep := mustImport(t, dir, openHQVault(t, dir), link, ImportOptions{})
	if d := rep.Device(m.id()); d == nil || !slices.Equal(d.Imported, []uint64{1, 2}) {
		t.Fatalf("imported %+v\n%s", d, problems(rep))
	}
	var got []string
	for _, p := range rep.Unreadable {
		got = append(got, filepath.Base(p.File)+": "+p.Reason)
	}
	want := []string{
		"dangling.cwb: dangling.cwb is not a plain file but a link to nothing; a bundle is a plain file: copy it again from where it came",
		"pipe.cwb: pipe.cwb is not a plain file but a named pipe; a bundle is a plain file: copy it again from where it came",
	}
	if !slices.Equal(got, want) {
		t.Errorf("reported %q, want %q", got, want)
	}
}

// TestReadOpenPipe puts a named pipe where readLimited has just found a
// plain file, as someone racing the import could: readOpen, which it
// calls after its check, refuses the pipe at once instead of waiting for
// a writer, and says what it is.
func TestReadOpenPipe(t *testing.T) {
	name := filepath.Join(t.TempDir(), "x.cwb.minisig")
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := readOpen(name, 1<<10)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a plain file but a named pipe") {
			t.Fatalf("readOpen of a named pipe: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("readOpen still waits for a writer after a minute")
	}
}
