package storage

// The writer process of the crash tests and the tests of leftovers a
// kill can leave behind.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestCrashWriterHelper is the writer process of the crash tests. It loops
// until killed, saving notes one at a time with Put or in Update batches of
// one to five, and prints each note before the save and "ACK" after it.
func TestCrashWriterHelper(t *testing.T) {
	mode := os.Getenv(crashHelperEnv)
	switch mode {
	case "writer":
	case "probe":
		crashProbe()
		return
	default:
		t.Skip("helper process for TestCrash*")
	}
	dir := os.Getenv("COURTWATCH_CRASH_DIR")
	hearing := uuid.MustParse(os.Getenv("COURTWATCH_CRASH_HEARING"))
	seed, _ := strconv.ParseUint(os.Getenv("COURTWATCH_CRASH_WSEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 2))
	fmt.Println("OPENING")
	v, err := Open(dir, testPass)
	if err != nil {
		fmt.Fprintf(os.Stderr, "writer: open: %v\n", err)
		os.Exit(2)
	}
	fmt.Println("READY")
	for batch := 0; ; batch++ {
		k := 1 + rng.IntN(5)
		single := rng.IntN(3) == 0
		if single {
			k = 1
		}
		notes := make([]*Note, k)
		var sb strings.Builder
		for i := range notes {
			id, err := uuid.NewV7()
			if err != nil {
				panic(err)
			}
			var w [8]byte
			for j := range w {
				w[j] = byte(rng.Uint32())
			}
			word := "uq" + hex.EncodeToString(w[:])
			var text strings.Builder
			for range 3 + rng.IntN(12) {
				text.WriteString(crashWords[rng.IntN(len(crashWords))])
				text.WriteByte(' ')
			}
			text.WriteString(word)
			notes[i] = &Note{Meta: Meta{ID: id}, HearingID: hearing,
				Time: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(batch) * time.Second), Text: text.String()}
			fmt.Fprintf(&sb, "NOTE %d %s %s %s\n", batch, id, word, strconv.Quote(notes[i].Text))
		}
		os.Stdout.WriteString(sb.String())
		if single {
			err = v.Put(notes[0])
		} else {
			err = v.Update(func(tx *Tx) error {
				for _, n := range notes {
					if err := tx.Put(n); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "writer: save: %v\n", err)
			os.Exit(3)
		}
		fmt.Printf("ACK %d\n", batch)
	}
}

// crashProbe tries to open the vault while another process holds it.
func crashProbe() {
	v, err := Open(os.Getenv("COURTWATCH_CRASH_DIR"), testPass)
	switch {
	case err == nil:
		v.Close()
		fmt.Println("PROBE opened")
	case errors.Is(err, ErrVaultInUse):
		fmt.Println("PROBE in-use " + strconv.Quote(err.Error()))
	default:
		fmt.Println("PROBE error " + strconv.Quote(err.Error()))
	}
}

func crashRunProbe(t *testing.T, dir string) string {
	t.Helper()
	cmd := helperCommand("TestCrashWriterHelper", crashHelperEnv+"=probe", "COURTWATCH_CRASH_DIR="+dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "PROBE ") {
			return strings.TrimPrefix(l, "PROBE ")
		}
	}
	t.Fatalf("probe printed no result:\n%s", out)
	return ""
}

// A second process opening a vault that a writer holds gets ErrVaultInUse,
// and does not disturb the writer; once the writer is gone, it can open.
func TestCrashSecondProcessGetsVaultInUse(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	v.Close()

	cmd := helperCommand("TestCrashWriterHelper", crashHelperEnv+"=writer",
		"COURTWATCH_CRASH_DIR="+dir, "COURTWATCH_CRASH_HEARING="+h.ID.String(), "COURTWATCH_CRASH_WSEED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 1<<16)
	go crashLines(out, lines)
	run := crashRun{acked: map[int]bool{}}
	waitFor := func(ok func() bool) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for !ok() {
			select {
			case line, open := <-lines:
				if !open {
					t.Fatalf("writer ended: %s", stderr.String())
				}
				if line == "READY" {
					run.ready = true
				}
				crashParse(&run, line)
			case <-deadline:
				t.Fatalf("writer made no progress:\n%s", stderr.String())
			}
		}
	}
	waitFor(func() bool { return len(run.acked) >= 3 })

	got := crashRunProbe(t, dir)
	if !strings.HasPrefix(got, "in-use ") {
		t.Fatalf("second process opening a vault in use: %s, want ErrVaultInUse", got)
	}
	if !strings.Contains(got, "in use") {
		t.Errorf("the in-use error does not say so: %s", got)
	}
	// The writer carries on after the refused opener.
	before := len(run.acked)
	waitFor(func() bool { return len(run.acked) >= before+3 })

	cmd.Process.Kill()
	for line := range lines {
		crashParse(&run, line)
	}
	cmd.Wait()
	if got := crashRunProbe(t, dir); got != "opened" {
		t.Fatalf("after the writer died, a new process: %s, want it to open the vault", got)
	}
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, n := range run.notes {
		if run.acked[n.batch] {
			wantNoteReads(t, v, n.id, n.text)
		}
	}
}

// Badger creates a new value log (*.vlog) and write-ahead log (*.mem) file
// each time it opens, and writes their headers just after. A kill in
// between (TestCrashDurability's kills during Open hit it now and then)
// leaves an empty file, and the next Open must still succeed.
func TestCrashEmptyLogFileAfterKill(t *testing.T) {
	for _, ext := range []string{".vlog", ".mem"} {
		t.Run(ext, func(t *testing.T) {
			v, dir := newTestVault(t)
			_, h := seedHearing(t, v)
			n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "saved before the crash"}
			mustPut(t, v, n)
			v.Close()
			// The file the next Open would create: one past the highest
			// number in use (after a clean Close there is no .mem file).
			fid := 0
			files, _ := filepath.Glob(filepath.Join(dir, dbDir, "*"+ext))
			for _, f := range files {
				var n int
				fmt.Sscanf(filepath.Base(f), "%d", &n)
				fid = max(fid, n)
			}
			name := fmt.Sprintf("%05d%s", fid+1, ext)
			if ext == ".vlog" {
				name = fmt.Sprintf("%06d%s", fid+1, ext)
			}
			if err := os.WriteFile(filepath.Join(dir, dbDir, name), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			v, err := Open(dir, testPass)
			if err != nil {
				t.Fatalf("open with an empty %s left by a kill: %v", name, err)
			}
			defer v.Close()
			wantNoteReads(t, v, n.ID, n.Text)
		})
	}
}
