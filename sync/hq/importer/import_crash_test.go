package importer

import (
	"bufio"
	"bytes"
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/setup"
)

// An import killed with SIGKILL at any moment (while the HQ vault opens,
// between and inside its transactions, while it closes) must leave an HQ
// vault, opened with the server profile as courtwatch-hq does, that opens
// without ErrTampered, whose import state names exactly the bundles whose
// records it holds, and that the next import completes to the same vault
// as one import that was never interrupted, with no bundle imported twice
// or skipped.
//
// The importer is this test binary run again (TestImportCrashHelper). It
// prints a line after each vault transaction of the import; the parent
// kills it after a chosen number of them, or while it opens or closes the
// vault, and checks the vault after each kill.

const crashHelperEnv = "COURTWATCH_IMPORT_CRASH_HELPER" // dir|from|batch

// crashNow is the import time of every bundle, so that two vaults compare.
var crashNow = func() time.Time { return time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) }

// TestImportCrashHelper is the importer process of TestImportKilled.
func TestImportCrashHelper(t *testing.T) {
	arg := os.Getenv(crashHelperEnv)
	if arg == "" {
		t.Skip("run by TestImportKilled")
	}
	parts := strings.Split(arg, "|")
	dir, from := parts[0], parts[1]
	batch, _ := strconv.Atoi(parts[2])
	say := func(format string, a ...any) { fmt.Fprintf(os.Stdout, format+"\n", a...) }
	say("OPENING")
	v, err := setup.OpenVault(dir, hqtest.Pass)
	if err != nil {
		say("ERROR open: %v", err)
		os.Exit(3)
	}
	say("OPEN")
	afterCommit = func(device string, seq uint64, last bool) { say("COMMIT %s %d %t", device, seq, last) }
	rep, err := Import(dir, v, from, ImportOptions{Batch: batch, Now: crashNow})
	if err != nil || rep.Failed() {
		say("ERROR import: %v %s", err, strings.ReplaceAll(problems(rep), "\n", "; "))
		os.Exit(3)
	}
	b, _ := json.Marshal(rep)
	say("DONE %s", b)
	say("CLOSING")
	if err := v.Close(); err != nil {
		say("ERROR close: %v", err)
		os.Exit(3)
	}
	say("CLOSED")
}

// crashBundle is a sealed bundle and the hashes of its versions, in order.
type crashBundle struct {
	device   string
	seq      uint64
	hash     string
	versions []string
	blobs    map[string][]byte // attachment content by sha256
}

// crashKill is when to kill one importer: after mark (OPENING, COMMIT
// number n of this run, CLOSING) and delay; mark "" lets it finish.
type crashKill struct {
	mark  string
	n     int
	delay time.Duration
}

// TestImportKilled runs an import killed several times; with
// COURTWATCH_SOAK=1, a larger one:
//
//	COURTWATCH_SOAK=1 go test -tags ci -run ImportKilled -v ./sync/hq/importer
func TestImportKilled(t *testing.T) {
	// 6,000 notes in 24 bundles, in transactions of 100 versions, so that
	// each bundle takes several.
	devices, bundles, notes, batch := 4, 6, 250, 100
	bigNotes := 0 // the notes of device 1's last bundle, if not notes
	switch {
	case os.Getenv("COURTWATCH_SOAK") == "1":
		// 111,000 notes in 100 bundles, as courtwatch-hq imports them:
		// about 150 MB, so the server profile's 64 MB memtables fill and
		// are flushed, and tables compacted, during the import (about 2
		// minutes). Each bundle is one transaction, but device 1's last:
		// 12,000 notes, too many for one, which Import splits by itself.
		devices, bundles, notes, batch = 10, 10, 1000, 0
		bigNotes = 12000
	case testing.Short():
		devices, bundles, notes = 2, 4, 100
	}
	dir := hqtest.NewHQ(t)
	from := t.TempDir()
	var all []crashBundle
	ids := hqtest.Identity(t, dir)
	for d := range devices {
		m := newMonitor(t, fmt.Sprintf("Monitor %d", d))
		m.enroll(t, dir)
		for i := range bundles {
			n := notes
			if d == 1 && i == bundles-1 && bigNotes > 0 {
				n = bigNotes
			}
			addNotes(t, m, n, fmt.Sprintf("The prosecutor questioned witness%d", d))
			var blobs map[string][]byte
			if d == 0 { // the first device's bundles each hold a photo
				content := make([]byte, 64<<10)
				crand.Read(content)
				a := &storage.Attachment{HearingID: m.hearing, Name: fmt.Sprintf("photo%d.jpg", i), MediaType: "image/jpeg"}
				if err := m.v.AddAttachment(a, bytes.NewReader(content)); err != nil {
					t.Fatal(err)
				}
				blobs = map[string][]byte{a.SHA256: content}
			}
			s := m.seal(t, dir, blobs)
			m.store(t, from, s)
			c, err := bundle.Open(s.data, s.sig, m.signer.Public(), ids...)
			if err != nil {
				t.Fatal(err)
			}
			cb := crashBundle{device: m.id(), seq: s.seq, hash: bundle.Hash(s.data), blobs: blobs}
			for _, raw := range c.Records {
				ver, err := storage.ParseVersion(raw)
				if err != nil {
					t.Fatal(err)
				}
				cb.versions = append(cb.versions, ver.Hash)
			}
			all = append(all, cb)
		}
		m.v.Close()
	}

	// The reference: one import that nothing interrupts, in this process,
	// in as many transactions as the vault takes.
	ref := hqtest.NewHQ(t)
	copyHQKeys(t, dir, ref)
	refV := openHQVault(t, ref)
	txns, bigFirst := 0, 0 // bigFirst: the number of the big bundle's first commit
	afterCommit = func(device string, seq uint64, last bool) {
		txns++
		if b := all[2*bundles-1]; bigNotes > 0 && bigFirst == 0 && device == b.device && seq == b.seq && !last { // device 1's last
			bigFirst = txns
		}
	}
	t.Cleanup(func() { afterCommit = nil })
	rep := mustImport(t, ref, refV, from, ImportOptions{Batch: batch, Now: crashNow})
	afterCommit = nil
	if rep.Failed() {
		t.Fatal(problems(rep))
	}
	want, wantSearch := versionsAndState(t, refV), crashSearch(t, refV, devices)
	t.Logf("%d bundles, %d transactions uninterrupted", len(all), txns)
	if bigNotes > 0 && bigFirst == 0 {
		t.Fatalf("the bundle of %d notes went in one transaction", bigNotes)
	}

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("COURTWATCH_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set COURTWATCH_CRASH_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	jitter := func() time.Duration { return time.Duration(rng.IntN(3000)) * time.Microsecond }
	for _, sc := range []struct {
		name  string
		kills []crashKill
	}{
		// Killed while it opens, early, in the middle and late in the
		// import, after a transaction that is not a bundle's last (one
		// in three is); then it completes.
		{"during", []crashKill{{"OPENING", 0, time.Duration(rng.IntN(40)) * time.Millisecond},
			{"COMMIT", 4, jitter()}, {"COMMIT", txns/3 + 1, jitter()}, {"COMMIT", txns/3 + 2, jitter()}}},
		// Killed in the middle, then while it closes the vault after the
		// rest of the import (the indexer takes in its queue, Badger
		// flushes its memtable, the vault writes its table ledger). A
		// second kill at close would find nothing to do: the run after
		// imports nothing.
		{"closing", []crashKill{{"COMMIT", txns / 2, jitter()}, {"CLOSING", 0, jitter()}}},
		// Killed after the first transaction of the bundle too large for
		// one (soak only): between its transactions, or inside the next.
		{"big", []crashKill{{"COMMIT", bigFirst, jitter()}}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			if sc.name == "big" && bigFirst == 0 {
				t.Skip("no bundle too large for one transaction (COURTWATCH_SOAK=1 makes one)")
			}
			hqDir := hqtest.NewHQ(t)
			copyHQKeys(t, dir, hqDir)
			linked := map[string]bool{}
			for i, k := range sc.kills {
				acked, out := crashImporter(t, hqDir, from, batch, k)
				linked = crashCheck(t, hqDir, all, acked, linked, fmt.Sprintf("kill %d (%s %d + %s)", i+1, k.mark, k.n, k.delay), out)
			}
			// The last run completes: it imports exactly the bundles the
			// killed ones did not record, and skips the others.
			_, out := crashImporter(t, hqDir, from, batch, crashKill{})
			i := slices.IndexFunc(out, func(s string) bool { return strings.HasPrefix(s, "DONE ") })
			var rep ImportReport
			if i < 0 || json.Unmarshal([]byte(strings.TrimPrefix(out[i], "DONE ")), &rep) != nil {
				t.Fatalf("the last import did not report: %q", out)
			}
			imported, replays := 0, 0
			for _, d := range rep.Devices {
				for _, q := range d.Imported {
					if linked[crashKey(d.Device, q)] {
						t.Errorf("bundle %d of device %s, recorded before, was imported again", q, d.Device)
					}
				}
				imported += len(d.Imported)
				replays += d.Replays
			}
			if imported+replays != len(all) || replays != len(linked) {
				t.Errorf("the last import: %d imported and %d replays of %d bundles, %d recorded before", imported, replays, len(all), len(linked))
			}
			crashCheck(t, hqDir, all, nil, linked, "after the last import", out)
			v := openHQVault(t, hqDir)
			if got := versionsAndState(t, v); got != want {
				t.Errorf("the vault differs from one imported without a kill:\n%s\n---\n%s", got, want)
			}
			if got := crashSearch(t, v, devices); got != wantSearch {
				t.Errorf("search differs from the vault imported without a kill:\n%s\n---\n%s", got, wantSearch)
			}
			v.Close()
		})
	}
}

// crashImporter runs the importer until k says to kill it, and returns
// the bundles whose last transaction it reported and what it printed.
func crashImporter(t *testing.T, dir, from string, batch int, k crashKill) (map[string]bool, []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportCrashHelper$", "-test.count=1", "-test.timeout=5m")
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), "GORACE="+gorace, fmt.Sprintf("%s=%s|%s|%d", crashHelperEnv, dir, from, batch))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	var out []string
	commits, killed := 0, false
	kill := func() {
		if !killed {
			killed = true
			time.AfterFunc(k.delay, func() { cmd.Process.Kill() })
		}
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		out = append(out, line)
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "ERROR":
			t.Fatalf("importer: %s\n%s", line, stderr.String())
		case f[0] == "COMMIT" && len(f) == 4:
			if f[3] == "true" {
				seq, _ := strconv.ParseUint(f[2], 10, 64)
				acked[crashKey(f[1], seq)] = true
			}
			if commits++; k.mark == "COMMIT" && commits == k.n {
				kill()
			}
		case f[0] == k.mark:
			kill()
		}
	}
	err = cmd.Wait()
	switch {
	case k.mark == "" && err != nil:
		t.Fatalf("importer: %v\n%s\n%s", err, strings.Join(out, "\n"), stderr.String())
	case k.mark != "" && (err == nil || !strings.Contains(err.Error(), "killed")):
		// It finished before the kill: the kill came too late to test
		// anything.
		t.Fatalf("the importer was not killed (%s %d + %s) but ended with %v after %d transactions", k.mark, k.n, k.delay, err, commits)
	}
	return acked, out
}

func crashKey(device string, seq uint64) string { return fmt.Sprintf("%s/%d", device, seq) }

// crashCheck opens the HQ vault after a kill and checks it: it opens; a
// bundle the import state records has all its versions, and is one that
// was recorded before or whose last transaction the importer reported, or
// may have committed; any other bundle has a prefix of its versions (its
// transactions committed in order); the vault holds no other versions;
// the device's sequence agrees with the recorded bundles. It returns the
// recorded bundles.
func crashCheck(t *testing.T, dir string, all []crashBundle, acked, before map[string]bool, when string, out []string) map[string]bool {
	t.Helper()
	v, err := setup.OpenVault(dir, hqtest.Pass)
	if err != nil {
		t.Fatalf("%s: the HQ vault does not open: %v\nimporter printed:\n%s", when, err, tail(out))
	}
	defer v.Close()
	have := map[string]bool{}
	if err := v.Since(0, func(ver *storage.Version) error { have[ver.Hash] = true; return nil }); err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	linked := map[string]bool{}
	known := 0
	var partial []string
	err = v.View(func(tx *storage.Tx) error {
		seqs := map[string]bundle.Sequence{}
		for _, b := range all {
			key := crashKey(b.device, b.seq)
			l, err := loadLink(tx, b.device, b.seq)
			if err != nil {
				return err
			}
			n := 0
			for n < len(b.versions) && have[b.versions[n]] {
				n++
			}
			for _, h := range b.versions[n:] {
				if have[h] {
					t.Errorf("%s: bundle %s has version %s but not all before it", when, key, h)
				}
			}
			known += n
			// The content of its attachments is stored with the
			// transaction that records the bundle.
			for sha, want := range b.blobs {
				got, err := v.AttachmentContent(sha)
				if (l != nil) != (err == nil) || (err == nil && !bytes.Equal(got, want)) {
					t.Errorf("%s: bundle %s (recorded: %t): attachment %s: %d bytes, %v", when, key, l != nil, sha, len(got), err)
				}
			}
			switch {
			case l != nil:
				linked[key] = true
				if l.Hash != b.hash || n != len(b.versions) {
					t.Errorf("%s: bundle %s is recorded (hash %s) with %d of its %d versions", when, key, l.Hash, n, len(b.versions))
				}
			case acked[key] || before[key]:
				t.Errorf("%s: bundle %s, recorded before the kill, is not recorded", when, key)
			case n > 0:
				partial = append(partial, fmt.Sprintf("%s (%d of %d)", key, n, len(b.versions)))
			}
			if _, ok := seqs[b.device]; !ok {
				if seqs[b.device], err = loadSequence(tx, b.device); err != nil {
					return err
				}
			}
		}
		for dev, s := range seqs {
			for q := uint64(1); q <= s.Last; q++ {
				if !linked[crashKey(dev, q)] {
					t.Errorf("%s: device %s's sequence is at bundle %d, but bundle %d is not recorded", when, dev, s.Last, q)
				}
			}
			for q := range s.Seen {
				if !linked[crashKey(dev, q)] {
					t.Errorf("%s: device %s's sequence has seen bundle %d, which is not recorded", when, dev, q)
				}
			}
			for _, b := range all {
				if b.device == dev && b.seq > s.Last && linked[crashKey(dev, b.seq)] && s.Seen[b.seq] == "" {
					t.Errorf("%s: bundle %d of device %s is recorded, but its sequence (at %d) does not count it", when, b.seq, dev, s.Last)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: read the import state: %v", when, err)
	}
	if known != len(have) {
		t.Errorf("%s: the vault holds %d versions, %d of them from the bundles", when, len(have), known)
	}
	t.Logf("%s: %d bundles recorded, %d versions, partly merged: %v", when, len(linked), len(have), partial)
	return linked
}

// crashSearch is what searches for the notes' words find, in order.
func crashSearch(t *testing.T, v *storage.Vault, devices int) string {
	t.Helper()
	var b strings.Builder
	for d := range devices {
		for _, q := range []string{fmt.Sprintf("witness%d", d), fmt.Sprintf("witness%d observation 17", d)} {
			hits, err := v.Search(q, 100_000)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(hits))
			for i, h := range hits {
				ids[i] = h.ID.String()
			}
			slices.Sort(ids)
			fmt.Fprintf(&b, "%s: %d hits %x\n", q, len(hits), bundle.Hash([]byte(strings.Join(ids, ","))))
		}
	}
	return b.String()
}

// tail is the last lines of what a process printed.
func tail(out []string) string {
	return strings.Join(out[max(0, len(out)-5):], "\n")
}
