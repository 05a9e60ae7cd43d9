package safefile

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWriteFileReplaces writes a new file and then replaces it, in a
// folder whose name has spaces (and, on Windows, a drive letter), and
// checks content, permissions and that no temporary file is left.
func TestWriteFileReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Vault folder")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "key file.wrapped")
	for _, data := range [][]byte{[]byte("first"), bytes.Repeat([]byte("second "), 10000), {}} {
		if err := WriteFile(path, data, 0o600); err != nil {
			t.Fatalf("WriteFile: %v", err)
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, %v; want %d bytes", len(got), err, len(data))
		}
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
		}
	}
	assertOnly(t, dir, "key file.wrapped")
}

// TestWriteFileRelativePath writes to a bare file name, in the current
// folder.
func TestWriteFileRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteFile("report.html", []byte("<p>x</p>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile("report.html"); string(got) != "<p>x</p>" {
		t.Fatalf("got %q", got)
	}
	assertOnly(t, ".", "report.html")
}

// TestWriteFileFailureLeavesNothing fails in the middle (the destination
// is a folder, so the rename is refused) and checks that the old content
// stays and no temporary file is left.
func TestWriteFileFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "taken")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "inside"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("data"), 0o600); err == nil {
		t.Fatal("WriteFile over a folder: no error")
	}
	assertOnly(t, dir, "taken")
	if err := WriteFile(filepath.Join(dir, "missing", "x"), []byte("data"), 0o600); err == nil {
		t.Fatal("WriteFile into a missing folder: no error")
	}
}

// TestReadersSeeOldOrNew replaces a file many times while readers read it:
// each read must give one whole version, never a mix or an empty file, and
// on Windows the replacement must get through the readers' open handles.
func TestReadersSeeOldOrNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "receipt.json")
	a, b := bytes.Repeat([]byte("a"), 64<<10), bytes.Repeat([]byte("b"), 64<<10)
	if err := WriteFile(path, a, 0o600); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				got, err := os.ReadFile(path)
				if runtime.GOOS == "windows" {
					// A reader's open file stops a rename over it there
					// (Go opens without FILE_SHARE_DELETE); WriteFile
					// retries, so readers that pause let it through.
					time.Sleep(20 * time.Millisecond)
					if err != nil {
						continue // opening may be refused during the rename; never a torn file
					}
				}
				if err != nil || !(bytes.Equal(got, a) || bytes.Equal(got, b)) {
					mu.Lock()
					bad = append(bad, strings.TrimSpace(string(got[:min(len(got), 16)]))+" "+errString(err))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range 100 {
		data := a
		if i%2 == 0 {
			data = b
		}
		if err := WriteFile(path, data, 0o600); err != nil {
			t.Errorf("WriteFile %d: %v", i, err)
			break
		}
	}
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d torn or failed reads, e.g. %q", len(bad), bad[0])
	}
	assertOnly(t, dir, "receipt.json")
}

func TestSyncDir(t *testing.T) {
	if err := SyncDir(t.TempDir()); err != nil {
		t.Fatalf("SyncDir: %v", err)
	}
	if runtime.GOOS != "windows" {
		if err := SyncDir(filepath.Join(t.TempDir(), "missing")); err == nil {
			t.Fatal("SyncDir of a missing folder: no error")
		}
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, "|") != strings.Join(names, "|") {
		t.Fatalf("%s holds %q, want %q (no temporary file left)", dir, got, names)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
