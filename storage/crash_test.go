package storage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// A save that returned nil must survive the process being killed at any
// moment, and a killed process must leave a vault that opens cleanly, with
// an intact hash chain and a complete search index.
//
// The writer is this test binary run again in helper mode
// (TestCrashWriterHelper). It prints what it is about to save, then saves,
// then acknowledges; the parent kills it with SIGKILL at a random moment and
// checks the vault against the acknowledgements.

const crashHelperEnv = "COURTWATCH_CRASH_HELPER"

// helperCommand runs this test binary again with only the named test.
func helperCommand(test string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.timeout=10m")
	// Without this, a -race binary sleeps a second before exiting.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(append(os.Environ(), "GORACE="+gorace), env...)
	return cmd
}

func TestCrashDurability(t *testing.T) {
	n := 50
	if testing.Short() {
		n = 10
	}
	crashIterations(t, n)
}

// TestSoakCrash is the long version, about 10 minutes without -race:
//
//	COURTWATCH_SOAK=1 go test -run SoakCrash -timeout 2h ./storage
//
// It stops early, and says so, if the test deadline comes first.
func TestSoakCrash(t *testing.T) {
	if os.Getenv("COURTWATCH_SOAK") != "1" {
		t.Skip("set COURTWATCH_SOAK=1 to run 500 kill-and-reopen iterations")
	}
	crashIterations(t, 500)
}

// crashNote is a note the writer announced before saving it.
type crashNote struct {
	id    uuid.UUID
	text  string
	word  string
	batch int
}

// crashRun is what the parent learned from one writer process.
type crashRun struct {
	notes      []crashNote
	acked      map[int]bool // batch → acknowledged
	ready      bool
	readyAfter time.Duration
	stderr     string
	waitErr    error
}

func crashIterations(t *testing.T, iterations int) {
	start := time.Now()
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	dev := v.deviceID()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("COURTWATCH_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set COURTWATCH_CRASH_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	acked := map[uuid.UUID]string{} // every acknowledged note, over all iterations
	var ackOrder []uuid.UUID
	var lastAcked crashNote
	verified := chainHead{} // the chain is known good up to here
	var totalAcked, unacked, emptyRuns, beforeReady int
	var tWriter, tReady, tCheck, tClose, tOpen, tVerify time.Duration
	// The full checks (every acknowledged note, the whole chain) grow with
	// the vault; in a long soak they run less often.
	fullEvery := max(5, iterations/20)
	deadline, hasDeadline := t.Deadline()
	var slowest time.Duration
	for it := range iterations {
		if hasDeadline && time.Until(deadline) < 2*slowest+30*time.Second {
			t.Logf("stopping after %d of %d iterations: the test deadline is near (raise -timeout)", it, iterations)
			iterations = it
			crashFinalCheck(t, dir, dev, acked)
			break
		}
		itStart := time.Now()
		if iterations > 100 && it > 0 && it%50 == 0 {
			t.Logf("%d iterations in %v: %d notes acknowledged", it, time.Since(start).Round(time.Second), totalAcked)
		}
		// Three kills in four land among the writes, 20–300 ms after the
		// writer reports the vault open. Every fourth lands in Open itself,
		// where the writer recovers from the previous kill: 0–40 ms after
		// it starts opening.
		mark, delay := "READY", time.Duration(20+rng.IntN(281))*time.Millisecond
		if it%4 == 0 {
			mark, delay = "OPENING", time.Duration(rng.IntN(41))*time.Millisecond
		}
		t0 := time.Now()
		run := crashWriter(t, dir, h.ID, seed+uint64(it), mark, delay)
		tWriter += time.Since(t0)
		tReady += run.readyAfter
		t0 = time.Now()
		if !run.ready {
			beforeReady++
		}
		if run.waitErr == nil || !strings.Contains(run.waitErr.Error(), "killed") {
			t.Fatalf("iteration %d: the writer was not killed but ended with %v\n%s", it, run.waitErr, run.stderr)
		}

		v, err := Open(dir, testPass)
		tOpen += time.Since(t0)
		if err != nil {
			t.Fatalf("iteration %d: open after SIGKILL (%v after %s): %v\nwriter stderr:\n%s", it, delay, mark, err, run.stderr)
		}
		// Each announced batch is in the vault entirely or not at all, and
		// each acknowledged batch is in it entirely, with the exact text.
		present := map[int]int{}
		size := map[int]int{}
		err = v.View(func(tx *Tx) error {
			for _, n := range run.notes {
				size[n.batch]++
				var got Note
				err := tx.Get(n.id, &got)
				switch {
				case errors.Is(err, ErrNotFound):
					if run.acked[n.batch] {
						t.Errorf("iteration %d: acknowledged note %s is missing", it, n.id)
					}
				case err != nil:
					return err
				case got.Text != n.text:
					t.Errorf("iteration %d: note %s reads %q, want %q", it, n.id, got.Text, n.text)
				default:
					present[n.batch]++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("iteration %d: reading notes: %v", it, err)
		}
		var lastPresent []crashNote
		for b, n := range size {
			if present[b] != 0 && present[b] != n {
				t.Errorf("iteration %d: batch %d is torn: %d of %d notes present", it, b, present[b], n)
			}
		}
		for _, n := range run.notes {
			if run.acked[n.batch] {
				acked[n.id] = n.text
				ackOrder = append(ackOrder, n.id)
				lastAcked = n
				totalAcked++
			} else if present[n.batch] > 0 {
				unacked++ // saved, but killed before the acknowledgement
				lastPresent = append(lastPresent, n)
			}
		}
		if len(run.notes) == 0 {
			emptyRuns++
		}

		// Earlier iterations' notes are still there: a sample each time,
		// all of them every 2*fullEvery iterations (10 in the normal test)
		// and at the end.
		check := ackOrder
		if it%(2*fullEvery) != 2*fullEvery-1 && it != iterations-1 && len(check) > 200 {
			check = nil
			for range 200 {
				check = append(check, ackOrder[rng.IntN(len(ackOrder))])
			}
		}
		err = v.View(func(tx *Tx) error {
			for _, id := range check {
				var got Note
				if err := tx.Get(id, &got); err != nil {
					return fmt.Errorf("note %s: %w", id, err)
				}
				if got.Text != acked[id] {
					return fmt.Errorf("note %s reads %q, want %q", id, got.Text, acked[id])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("iteration %d: earlier acknowledged note: %v", it, err)
		}

		// The hash chain links up to the head. VerifyChain walks all of it,
		// which under -race costs a third of a second per thousand
		// versions, so it runs every fullEvery iterations (5 in the normal
		// test) and at the end; in
		// between, the versions added since the last check are linked to
		// the part already verified.
		t1 := time.Now()
		seq, hash := v.Head()
		if it%fullEvery == fullEvery-1 || it == iterations-1 {
			n, err := v.VerifyChain(dev)
			if err != nil {
				t.Fatalf("iteration %d: VerifyChain: %v", it, err)
			}
			if n != seq {
				t.Fatalf("iteration %d: head %d, chain %d", it, seq, n)
			}
		} else {
			err := v.ChainSince(verified.Seq, func(ver *Version) error {
				if ver.Seq != verified.Seq+1 || ver.Chain != verified.Hash {
					return fmt.Errorf("version %d (seq %d) does not link to version %d", verified.Seq+1, ver.Seq, verified.Seq)
				}
				verified = chainHead{Seq: ver.Seq, Hash: ver.Hash}
				return nil
			})
			if err != nil {
				t.Fatalf("iteration %d: chain: %v", it, err)
			}
		}
		if it%fullEvery == fullEvery-1 || it == iterations-1 {
			verified = chainHead{Seq: seq, Hash: hash}
		}
		if verified.Seq != seq || verified.Hash != hash {
			t.Fatalf("iteration %d: head is %d %s, chain ends at %d %s", it, seq, hash, verified.Seq, verified.Hash)
		}
		tVerify += time.Since(t1)

		// Open finished the indexing that the kill interrupted: no version
		// awaits indexing, and the last notes saved are found by search.
		pending := 0
		v.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixPending})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				pending++
			}
			return nil
		})
		if pending != 0 {
			t.Errorf("iteration %d: %d versions still await indexing after Open", it, pending)
		}
		for _, n := range append(lastPresent, lastAcked) {
			if n.word == "" {
				continue
			}
			hits, err := v.Search(n.word, 0)
			if err != nil {
				t.Fatalf("iteration %d: search %q: %v", it, n.word, err)
			}
			if len(hits) != 1 || hits[0].ID != n.id {
				t.Errorf("iteration %d: search %q found %d hits, want note %s", it, n.word, len(hits), n.id)
			}
		}
		tCheck += time.Since(t0)
		t0 = time.Now()
		if err := v.Close(); err != nil {
			t.Fatalf("iteration %d: close: %v", it, err)
		}
		tClose += time.Since(t0)
		if t.Failed() {
			t.Logf("writer stderr:\n%s", tailOf(run.stderr, 4000))
			break
		}
		slowest = max(slowest, time.Since(itStart))
	}
	if totalAcked == 0 {
		t.Fatalf("no note was ever acknowledged: the writer never got to write")
	}
	t.Logf("%d iterations in %v: %d notes acknowledged, %d saved but killed before acknowledgement, %d runs killed before writing, %d before the vault was open",
		iterations, time.Since(start).Round(time.Millisecond), totalAcked, unacked, emptyRuns, beforeReady)
	t.Logf("time in writers %v (of which starting up %v), reopening %v, checking %v (of which VerifyChain %v), closing %v",
		tWriter.Round(time.Millisecond), tReady.Round(time.Millisecond), tOpen.Round(time.Millisecond), (tCheck - tOpen).Round(time.Millisecond), tVerify.Round(time.Millisecond), tClose.Round(time.Millisecond))
}

// crashFinalCheck reopens the vault and checks the whole chain and every
// acknowledged note, for a run that stops before its last iteration.
func crashFinalCheck(t *testing.T, dir string, dev uuid.UUID, acked map[uuid.UUID]string) {
	t.Helper()
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("final open: %v", err)
	}
	defer v.Close()
	n, err := v.VerifyChain(dev)
	if seq, _ := v.Head(); err != nil || n != seq {
		t.Fatalf("final VerifyChain: %d versions, head %d, %v", n, seq, err)
	}
	if err := readsAcked(v, acked); err != nil {
		t.Fatalf("final check of acknowledged notes: %v", err)
	}
}

// readsAcked checks that every note in acked (id to text) reads back with
// its text.
func readsAcked(v *Vault, acked map[uuid.UUID]string) error {
	return v.View(func(tx *Tx) error {
		for id, text := range acked {
			var got Note
			if err := tx.Get(id, &got); err != nil {
				return fmt.Errorf("note %s: %w", id, err)
			}
			if got.Text != text {
				return fmt.Errorf("note %s reads %q, want %q", id, got.Text, text)
			}
		}
		return nil
	})
}

// crashWriter starts a writer on dir, kills it with SIGKILL delay after it
// prints mark (OPENING or READY), and returns what it announced and
// acknowledged.
func crashWriter(t *testing.T, dir string, hearing uuid.UUID, seed uint64, mark string, delay time.Duration) crashRun {
	t.Helper()
	cmd := helperCommand("TestCrashWriterHelper", crashHelperEnv+"=writer",
		"COURTWATCH_CRASH_DIR="+dir, "COURTWATCH_CRASH_HEARING="+hearing.String(),
		fmt.Sprintf("COURTWATCH_CRASH_WSEED=%d", seed))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go crashLines(out, lines)

	run := crashRun{acked: map[int]bool{}}
	killAt := time.NewTimer(time.Hour)
	watchdog := time.NewTimer(30 * time.Second)
	defer watchdog.Stop()
	killed := false
	for !killed {
		select {
		case line, ok := <-lines:
			if !ok {
				killed = true // the writer ended by itself; Wait says why
				break
			}
			if line == mark {
				killAt.Reset(delay)
			}
			if line == "READY" {
				run.ready = true
				run.readyAfter = time.Since(started)
			}
			crashParse(&run, line)
		case <-killAt.C:
			cmd.Process.Kill() // SIGKILL on Unix
			killed = true
		case <-watchdog.C:
			cmd.Process.Kill()
			t.Fatalf("writer never became ready:\n%s", stderr.String())
		}
	}
	// The lines written before the kill are still in the pipe.
	for line := range lines {
		crashParse(&run, line)
	}
	run.waitErr = cmd.Wait()
	run.stderr = stderr.String()
	return run
}

func crashLines(r io.Reader, lines chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines <- sc.Text()
	}
	close(lines)
}

// crashParse reads "NOTE <batch> <id> <word> <quoted text>" and
// "ACK <batch>".
func crashParse(run *crashRun, line string) {
	f := strings.SplitN(line, " ", 5)
	switch {
	case f[0] == "NOTE" && len(f) == 5:
		b, err1 := strconv.Atoi(f[1])
		id, err2 := uuid.Parse(f[2])
		text, err3 := strconv.Unquote(f[4])
		if err1 == nil && err2 == nil && err3 == nil {
			run.notes = append(run.notes, crashNote{id: id, text: text, word: f[3], batch: b})
		}
	case f[0] == "ACK" && len(f) == 2:
		if b, err := strconv.Atoi(f[1]); err == nil {
			run.acked[b] = true
		}
	}
}

// crashWords makes note text from a small vocabulary, Latin and Khmer.
var crashWords = []string{"judge", "prosecutor", "defendant", "lawyer", "witness", "adjourned",
	"absent", "present", "evidence", "លោក", "កឹមសុខា", "តុលាការ", "មេធាវី", "ចៅក្រម"}
