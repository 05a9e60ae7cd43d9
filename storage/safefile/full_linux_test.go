package safefile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWriteFileFullDisk fills a small tmpfs: the write that does not fit
// fails, the old file stays whole and no temporary file is left.
func TestWriteFileFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipped: mounting a small tmpfs needs root (CI runs as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("skipped: cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	path := filepath.Join(dir, "key.wrapped")
	old := bytes.Repeat([]byte("k"), 20<<10)
	if err := WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, bytes.Repeat([]byte("n"), 60<<10), 0o600); err == nil {
		t.Fatal("WriteFile of 60 KiB next to 20 KiB on a 64 KiB disk: no error")
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, old) {
		t.Fatalf("old file after a failed replace: %d bytes, %v", len(got), err)
	}
	assertOnly(t, dir, "key.wrapped")
}
