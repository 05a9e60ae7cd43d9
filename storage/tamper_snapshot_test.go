package storage

// Snapshots of a vault folder for the file-flip trials, and the helper
// process that runs one trial.

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// tamperContent returns n bytes of deterministic incompressible content.
func tamperContent(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// tamperCopyDir copies a vault folder, keeping sparse files sparse.
func tamperCopyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		if rel == filepath.Join(dbDir, "LOCK") {
			// Badger's lock holds no data; on Windows an open vault's
			// cannot even be read (a sharing violation).
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return tamperWriteSparse(filepath.Join(dst, rel), tamperSparse(b), int64(len(b)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

type tamperChunk struct {
	Off  int64
	Data []byte
}

// tamperSparse keeps the 4 KiB blocks of b that are not all zero.
func tamperSparse(b []byte) []tamperChunk {
	const blk = 4096
	var out []tamperChunk
	for off := 0; off < len(b); off += blk {
		end := min(off+blk, len(b))
		if tamperIsZeros(b[off:end]) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Off+int64(len(out[n-1].Data)) == int64(off) {
			out[n-1].Data = b[out[n-1].Off:end]
			continue
		}
		out = append(out, tamperChunk{int64(off), b[off:end]})
	}
	return out
}

func tamperIsZeros(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func tamperWriteSparse(path string, chunks []tamperChunk, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	for _, c := range chunks {
		if _, err := f.WriteAt(c.Data, c.Off); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

type tamperFile struct {
	rel    string
	size   int64
	extent int64 // one past the last non-zero byte
	sum    [32]byte
	chunks []tamperChunk
}

func (f *tamperFile) byteAt(off int64) byte {
	for _, c := range f.chunks {
		if off >= c.Off && off < c.Off+int64(len(c.Data)) {
			return c.Data[off-c.Off]
		}
	}
	return 0
}

// head returns the first n bytes of the file (fewer if it is shorter).
func (f *tamperFile) head(n int64) []byte {
	n = min(n, f.size)
	b := make([]byte, n)
	for i := range n {
		b[i] = f.byteAt(i)
	}
	return b
}

func tamperSnapFiles(t testing.TB, dir string) []*tamperFile {
	t.Helper()
	var out []*tamperFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f := &tamperFile{rel: rel, size: int64(len(b)), chunks: tamperSparse(b), sum: sha256.Sum256(b)}
		if n := len(f.chunks); n > 0 {
			last := f.chunks[n-1]
			f.extent = last.Off + int64(len(bytes.TrimRight(last.Data, "\x00")))
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tamperOffsets spreads n offsets over [0, extent): one at a random place in
// each of n equal slots, so that headers, data and footers are all hit.
func tamperOffsets(rng *rand.Rand, extent int64, n int) []int64 {
	var out []int64
	for i := range int64(n) {
		lo, hi := extent*i/int64(n), extent*(i+1)/int64(n)
		if hi <= lo {
			continue
		}
		out = append(out, lo+rng.Int64N(hi-lo))
	}
	return out
}

// tamperState is the parent's side of the trials, shared by its workers.
type tamperState struct {
	t        *testing.T
	plan     *tamperPlan
	planFile string
	all      bool

	mu      sync.Mutex
	results []tamperOutcome
	crashes map[string]int // snapshot:file → helper deaths
}

func (st *tamperState) crashed(i int, o tamperOutcome) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.results[i] = o
	tr := st.plan.Trials[i]
	st.crashes[tr.Snap+":"+tr.File]++
}

// skip marks trials from lo on as skipped while their file has made Badger
// crash three times, and returns the first trial to run.
func (st *tamperState) skip(lo, hi int) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	for ; lo < hi && !st.all; lo++ {
		tr := st.plan.Trials[lo]
		if n := st.crashes[tr.Snap+":"+tr.File]; n < 3 {
			break
		}
		st.results[lo] = tamperOutcome{Out: outSkipped}
	}
	return lo
}

// run runs trials [lo, hi) in helper processes, starting a new helper after
// the trial that killed the previous one.
func (st *tamperState) run(lo, hi int) {
	t := st.t
	for {
		if lo = st.skip(lo, hi); lo >= hi {
			return
		}
		cmd := helperCommand("TestTamperFlipHelper",
			tamperHelperEnv+"="+st.planFile, fmt.Sprintf("COURTWATCH_TAMPER_RANGE=%d:%d", lo, hi))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Error(err)
			return
		}
		if err := cmd.Start(); err != nil {
			t.Error(err)
			return
		}
		lines := make(chan string)
		go crashLines(out, lines)
		started, hung := -1, false
		watchdog := time.NewTimer(time.Minute)
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				watchdog.Reset(time.Minute)
				f := strings.SplitN(line, " ", 4)
				if len(f) < 2 {
					continue
				}
				i, err := strconv.Atoi(f[1])
				if err != nil || i < lo || i >= hi {
					continue
				}
				switch {
				case f[0] == "START":
					started = i
				case f[0] == "RES" && len(f) == 4:
					st.mu.Lock()
					st.results[i] = tamperOutcome{Out: f[2], Detail: f[3]}
					st.mu.Unlock()
				}
			case <-watchdog.C:
				hung = true
				cmd.Process.Kill()
				for range lines {
				}
				break read
			}
		}
		werr := cmd.Wait()
		if started < 0 {
			t.Errorf("tamper helper did no trial: %v\n%s", werr, tailOf(stderr.String(), 3000))
			return
		}
		st.mu.Lock()
		res := st.results[started]
		st.mu.Unlock()
		switch {
		case res.Out == "":
			o := tamperOutcome{Out: outCrash, Detail: fmt.Sprintf("%v: %s", werr, tamperPanicSummary(stderr.String()))}
			if hung {
				o.Out = outHang
			}
			st.crashed(started, o)
		case res.Out == outPanic:
			st.crashed(started, res)
		case started == hi-1:
			if werr != nil {
				t.Errorf("tamper helper failed after its last trial: %v\n%s", werr, tailOf(stderr.String(), 3000))
			}
			return
		}
		lo = started + 1
	}
}

// tamperPanicSummary keeps the panic message and the frames that say whose code
// panicked.
func tamperPanicSummary(s string) string {
	i := strings.Index(s, "panic: ")
	if i < 0 {
		i = strings.Index(s, "fatal error: ")
	}
	if i < 0 {
		return tailOf(s, 600)
	}
	var keep []string
	for n, l := range strings.Split(s[i:], "\n") {
		if n == 0 || strings.Contains(l, "dgraph-io/badger") || strings.Contains(l, "courtwatch/storage.") {
			keep = append(keep, strings.TrimSpace(l))
		}
		if len(keep) > 6 {
			break
		}
	}
	return strings.Join(keep, " | ")
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestTamperFlipHelper is the helper process of TestTamperFileFlips.
func TestTamperFlipHelper(t *testing.T) {
	planFile := os.Getenv(tamperHelperEnv)
	if planFile == "" {
		t.Skip("helper process for TestTamperFileFlips")
	}
	var plan tamperPlan
	pb, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pb, &plan); err != nil {
		t.Fatal(err)
	}
	var lo, hi int
	fmt.Sscanf(os.Getenv("COURTWATCH_TAMPER_RANGE"), "%d:%d", &lo, &hi)
	snaps := map[string][]*tamperFile{}
	work := filepath.Join(plan.Work, fmt.Sprintf("w%d", lo))
	defer os.RemoveAll(work)
	for i := lo; i < hi; i++ {
		tr := plan.Trials[i]
		if snaps[tr.Snap] == nil {
			snaps[tr.Snap] = tamperSnapFiles(t, plan.Snapshots[tr.Snap])
		}
		fmt.Printf("START %d\n", i)
		if err := tamperRestore(work, snaps[tr.Snap], tr); err != nil {
			t.Fatalf("restore: %v", err)
		}
		o := tamperTrialRun(work, &plan.Expect)
		fmt.Printf("RES %d %s %s\n", i, o.Out, strings.ReplaceAll(o.Detail, "\n", " | "))
		if o.Out == outPanic {
			os.Exit(3) // Badger may have goroutines left in a bad state: start afresh
		}
	}
}

func tamperRestore(work string, files []*tamperFile, tr tamperTrial) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	found := false
	for _, f := range files {
		p := filepath.Join(work, f.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := tamperWriteSparse(p, f.chunks, f.size); err != nil {
			return err
		}
		if f.rel != tr.File {
			continue
		}
		found = true
		fh, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = fh.WriteAt([]byte{f.byteAt(tr.Off) ^ tr.Xor}, tr.Off)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("no file %s in snapshot %s", tr.File, tr.Snap)
	}
	return nil
}
