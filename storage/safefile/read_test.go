package safefile

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadFileDuringReplace replaces a file many times while readers read
// it with ReadFile and open it with Open: unlike os.ReadFile on Windows
// (see TestReadersSeeOldOrNew), no read may fail, not even while a rename
// holds the file, and each gives one whole version. HQ's receiver reads a bundle's files so while another upload
// of the same seq renames them into place.
func TestReadFileDuringReplace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store folder")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "000000000001.receipt.json")
	a, b := bytes.Repeat([]byte("a"), 32<<10), bytes.Repeat([]byte("b"), 32<<10)
	if err := WriteFile(path, a, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Fatalf("ReadFile of a missing file: %v, want a not-exist error", err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads, bad atomic.Int64
	var first atomic.Value
	for i := range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var got []byte
				var err error
				if i == 0 {
					var f *os.File
					if f, err = Open(path); err == nil {
						got, err = readAll(f)
					}
				} else {
					got, err = ReadFile(path)
				}
				reads.Add(1)
				if err != nil || !(bytes.Equal(got, a) || bytes.Equal(got, b)) {
					bad.Add(1)
					first.CompareAndSwap(nil, errString(err)+" "+string(got[:min(len(got), 8)]))
				}
				// A rename over a file that is open is refused on Windows
				// (Wine too), even with FILE_SHARE_DELETE; WriteFile
				// retries, and readers that pause let it through.
				time.Sleep(20 * time.Millisecond)
			}
		})
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
	if bad.Load() > 0 {
		t.Fatalf("%d of %d reads failed or were torn, e.g. %q", bad.Load(), reads.Load(), first.Load())
	}
	t.Logf("%d reads during 100 replacements", reads.Load())
}

func readAll(f *os.File) ([]byte, error) {
	defer f.Close()
	var buf bytes.Buffer
	_, err := buf.ReadFrom(f)
	return buf.Bytes(), err
}
