package torture

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTorture is the torture run: a short form by default (about two
// minutes on two cores), the long one with COURTWATCH_TORTURE=1 (make
// torture).
func TestTorture(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the programs many times")
	}
	long := os.Getenv("COURTWATCH_TORTURE") == "1"
	kills, importLines, rosterRows := 1, 3_000, 300
	if long {
		kills, importLines, rosterRows = 5, 100_000, 10_000
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("COURTWATCH_TORTURE_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set COURTWATCH_TORTURE_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 9))

	base := t.TempDir()
	bin := Build(t, filepath.Join(base, "bin"))
	st := &Stats{}
	e := NewEnv(t, bin, filepath.Join(base, "world"), st)
	w := newWorld(e, rng)
	w.setUp()

	for round := range kills {
		w.killInit(round)
		w.killPasswd()
		w.killRosterImport(rosterRows)
		w.killNoteImport(importLines)
		w.addNotes(3)
		w.killExport()
		w.killSync()
		w.killPurge()
		w.killHQImport()
	}
	w.finish()
	w.diskFull(long)

	if SyncUnderAttack == nil {
		st.SyncAttack = "not measured: no receiver abuse suite registered (torture.SyncUnderAttack)"
	} else {
		d, err := SyncUnderAttack(context.Background(), bin)
		if err != nil {
			st.SyncAttack = "failed: " + err.Error()
			e.Problem("receiver abuse suite: %v", err)
		} else {
			st.SyncAttack = d.Round(time.Millisecond).String()
		}
	}
	t.Log("\n" + st.Table())
	fmt.Println(st.Table())
	if st.Lost+st.Crashes+st.Dumps+st.Leaks+st.Hangs > 0 {
		t.Errorf("torture found %d lost records, %d crashes, %d runtime dumps, %d hangs, %d plaintext leaks", st.Lost, st.Crashes, st.Dumps, st.Hangs, st.Leaks)
	}
}

// world is the state of one torture run: what was acknowledged.
type world struct {
	e              *Env
	rng            *rand.Rand
	caseID         string
	hearing        string
	versions       int // versions the monitor's chain must hold (acknowledged)
	ackedNotes     int // notes acknowledged on the monitor, all of which HQ must get
	seq            int
	purged         bool
	importDuration time.Duration
}

func newWorld(e *Env, rng *rand.Rand) *world { return &world{e: e, rng: rng} }

var idLine = regexp.MustCompile(`^[0-9a-f-]{36}\n$`)

func (w *world) setUp() {
	e := w.e
	e.HQCmd("init", "--name", "Torture HQ")
	e.StartReceiver()
	prof := filepath.Join(e.Root, "profile.json")
	e.HQCmd("profile", "--url", e.URL, "--out", prof)
	e.Monitor(nil, "init", "--name", "Torture Monitor")
	dev := filepath.Join(e.Root, "device.json")
	e.Monitor(nil, "device", "export", "--out", dev)
	e.HQCmd("enroll", dev)
	e.Monitor(nil, "hq", "add", "--name", "Torture HQ", prof)
	w.caseID = strings.TrimSpace(e.Monitor(nil, "case", "add", "--title", "Mass trial "+Markers[0], "--tz", "Asia/Phnom_Penh"))
	w.hearing = strings.TrimSpace(e.Monitor(nil, "hearing", "add", "--case", w.caseID, "--date", "2024-05-02", "--time", "08:30"))
	e.WaitReceiver()
	w.versions = e.Versions()
	e.ScanPlaintext("set-up")
}

// randomKill is a random moment within about d.
func (w *world) randomKill(d time.Duration) time.Duration {
	return time.Duration(1 + w.rng.Int64N(int64(d)*12/10))
}

// check verifies the monitor's chain against what was acknowledged;
// maybe is a count of versions that an unacknowledged all-or-nothing
// command may have added (all of them or none).
func (w *world) check(what string, acked bool, adds int) {
	e := w.e
	got := e.Versions()
	switch {
	case acked && got == w.versions+adds:
		w.versions = got
	case !acked && (got == w.versions || got == w.versions+adds):
		w.versions = got
	default:
		if got < w.versions {
			e.Stats.Lost += w.versions - got
		}
		e.Problem("after %s (acknowledged: %v): the chain holds %d versions; want %d, or %d if it finished", what, acked, got, w.versions, w.versions+adds)
		w.versions = got
	}
	e.ScanPlaintext(what)
}

// killInit kills `courtwatch init` of a new vault at a random moment; an
// acknowledged init must give a vault that opens, and any run must leave
// a folder the programs explain rather than crash on.
func (w *world) killInit(round int) {
	e := w.e
	dir := filepath.Join(e.Root, fmt.Sprintf("vault-init-%d", round))
	env := []string{"COURTWATCH_VAULT=" + dir}
	r := e.Run(nil, w.randomKill(400*time.Millisecond), env, e.Bin.Monitor, "init")
	after := e.Run(nil, 0, env, e.Bin.Monitor, "list", "cases")
	if r.OK() && !after.OK() {
		e.Stats.Lost++
		e.Problem("init was acknowledged but the vault does not open: %s", after.Stderr)
	}
	e.ScanPlaintext("init")
}

// killPasswd kills `courtwatch passwd`: afterwards the old or the new
// passphrase opens the vault, and the new one if it was acknowledged.
func (w *world) killPasswd() {
	e := w.e
	old := e.Pass
	w.seq++
	next := fmt.Sprintf("torture monitor passphrase %d", w.seq+1)
	r := e.Run(nil, w.randomKill(300*time.Millisecond), []string{"COURTWATCH_NEW_PASSPHRASE=" + next}, e.Bin.Monitor, "passwd")
	try := func(p string) bool {
		return e.Run(nil, 0, []string{"COURTWATCH_PASSPHRASE=" + p}, e.Bin.Monitor, "device").OK()
	}
	switch {
	case try(next):
		e.Pass = next
	case r.OK():
		e.Stats.Lost++
		e.Problem("passwd was acknowledged but the new passphrase does not open the vault")
		if try(old) {
			e.Pass = old
		}
	case try(old):
		e.Pass = old
	default:
		e.Stats.Lost++
		e.Problem("after a killed passwd neither passphrase opens the vault")
	}
	e.ScanPlaintext("passwd")
}

func (w *world) rosterCSV(n int) string {
	var b strings.Builder
	b.WriteString("name,name_local,status,charges\n")
	w.seq++
	for i := range n {
		fmt.Fprintf(&b, "Defendant %s %d %d,%s %d %d,detained,453 Plotting\n", Markers[0], w.seq, i, Markers[1], w.seq, i)
	}
	return b.String()
}

// killRosterImport kills a roster import of n new persons (2n versions).
func (w *world) killRosterImport(n int) {
	e := w.e
	in := w.rosterCSV(n)
	r := e.Run(strings.NewReader(in), w.randomKill(time.Duration(n)*2*time.Millisecond+time.Second), nil, e.Bin.Monitor, "roster", "import", "--case", w.caseID, "-")
	w.check("roster import", r.OK(), 2*n)
}

func (w *world) transcript(n int) string {
	var b strings.Builder
	b.WriteString("08:30 Court is in session " + Markers[0] + "\n")
	w.seq++
	for i := 1; i < n; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "%s ត្រូវបាននាំចូល %d %d\n", Markers[1], w.seq, i)
		} else {
			fmt.Fprintf(&b, "Counsel objects %s %d %d\n", Markers[0], w.seq, i)
		}
	}
	return b.String()
}

// killNoteImport kills a note import of n lines at a random moment of it
// (its length measured by the first, unkilled, run).
func (w *world) killNoteImport(n int) {
	e := w.e
	if w.importDuration == 0 {
		start := time.Now()
		r := e.Run(strings.NewReader(w.transcript(n)), 0, nil, e.Bin.Monitor, "note", "import", "--hearing", w.hearing, "-")
		w.importDuration = time.Since(start)
		if !r.OK() {
			e.Problem("note import of %d lines: %v: %s", n, r.Err, r.Stderr)
		} else {
			w.ackedNotes += n
		}
		w.check("note import", r.OK(), n)
		e.T.Logf("note import of %d lines took %v", n, w.importDuration)
	}
	r := e.Run(strings.NewReader(w.transcript(n)), w.randomKill(w.importDuration), nil, e.Bin.Monitor, "note", "import", "--hearing", w.hearing, "-")
	before := w.versions
	w.check("killed note import", r.OK(), n)
	if w.versions > before || r.OK() {
		w.ackedNotes += n
	}
}

func (w *world) addNotes(n int) {
	for i := range n {
		w.e.Monitor(nil, "note", "add", "--hearing", w.hearing, fmt.Sprintf("Judge enters %s %d", Markers[0], i))
		w.versions++
		w.ackedNotes++
	}
}

// killExport kills `courtwatch export`; the outbox must still open.
func (w *world) killExport() {
	e := w.e
	r := e.Run(nil, w.randomKill(2*time.Second), nil, e.Bin.Monitor, "export")
	_ = r
	e.Monitor(nil, "outbox")
	w.check("export", true, 0)
}

// killSync kills `courtwatch sync` while it seals and uploads.
func (w *world) killSync() {
	e := w.e
	e.Run(nil, w.randomKill(3*time.Second), nil, e.Bin.Monitor, "sync")
	e.Monitor(nil, "outbox")
	w.check("sync", true, 0)
}

// killPurge turns purge on for the case and kills the sync that purges
// what HQ confirmed. The chain keeps every version (a purged version keeps
// its chain fields), so the count does not change.
func (w *world) killPurge() {
	e := w.e
	if !w.purged {
		e.Monitor(nil, "case", "purge", "--case", w.caseID, "on")
		w.purged = true
	}
	e.Run(nil, w.randomKill(3*time.Second), nil, e.Bin.Monitor, "sync")
	w.check("purge", true, 0)
}

// killHQImport kills `courtwatch-hq import`.
func (w *world) killHQImport() {
	e := w.e
	e.Run(nil, w.randomKill(4*time.Second), nil, e.Bin.HQ, "import", "--from", e.Store)
	e.ScanPlaintext("HQ import")
}

// finish syncs and imports to the end: HQ must hold every acknowledged
// note.
func (w *world) finish() {
	e := w.e
	out := e.Monitor(nil, "sync")
	if !strings.Contains(out, "HQ has confirmed every bundle") {
		e.Problem("the last sync did not deliver everything:\n%s", out)
	}
	e.HQCmd("import", "--from", e.Store)
	got := strings.Count(e.HQCmd("list", "notes", "--hearing", w.hearing, "--json"), `"hearing":`)
	if got < w.ackedNotes {
		e.Stats.Lost += w.ackedNotes - got
		e.Problem("HQ holds %d notes of the hearing; %d were acknowledged", got, w.ackedNotes)
	}
	e.T.Logf("HQ holds %d notes; %d were acknowledged; the monitor's chain %d versions", got, w.ackedNotes, w.versions)
	e.ScanPlaintext("the last sync and import")
}

// diskFull fills a small tmpfs holding a second vault to random levels
// and saves, imports, exports, lists, searches and reports on it.
func (w *world) diskFull(long bool) {
	e := w.e
	if os.Geteuid() != 0 {
		e.T.Log("disk-full workflow skipped: mounting a small tmpfs needs root (CI runs as root)")
		return
	}
	mnt := filepath.Join(e.Root, "smalldisk")
	if err := os.MkdirAll(mnt, 0o700); err != nil {
		e.T.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		e.T.Logf("disk-full workflow skipped: cannot mount a tmpfs: %v: %s", err, out)
		return
	}
	defer exec.Command("umount", "-l", mnt).Run()
	env := []string{"COURTWATCH_VAULT=" + filepath.Join(mnt, "vault")}
	run := func(stdin string, args ...string) Result {
		var in *strings.Reader
		if stdin != "" {
			in = strings.NewReader(stdin)
		}
		if in == nil {
			return e.Run(nil, 0, env, e.Bin.Monitor, args...)
		}
		return e.Run(in, 0, env, e.Bin.Monitor, args...)
	}
	if r := run("", "init"); !r.OK() {
		e.Problem("init on the small disk: %v: %s", r.Err, r.Stderr)
		return
	}
	c := strings.TrimSpace(run("", "case", "add", "--title", "Small disk", "--tz", "Asia/Phnom_Penh").Stdout)
	h := strings.TrimSpace(run("", "hearing", "add", "--case", c, "--date", "2024-05-02").Stdout)
	acked := map[string]bool{}
	text := strings.Repeat("x", 8<<10)
	rounds := 2
	if long {
		rounds = 10
	}
	filler := filepath.Join(mnt, "filler")
	for round := range rounds {
		// Fill to a random level: 0 to 4 MB free; full in the first round.
		os.Remove(filler)
		free := uint64(w.rng.IntN(4 << 20))
		if round == 0 {
			free = 0
		}
		fill(filler, mnt, free)
		for i := range 20 {
			word := fmt.Sprintf("full%dx%d", round, i)
			r := run("", "note", "add", "--hearing", h, word+" "+Markers[0]+" "+text)
			switch {
			case r.OK():
				acked[word] = true
			case strings.Contains(r.Stderr, "the disk is full"):
				e.Stats.Refused++
			default:
				e.Problem("note add on a full disk failed without saying the disk is full: %v: %s", r.Err, r.Stderr)
			}
		}
		if r := run(w.transcript(1500), "note", "import", "--hearing", h, "-"); !r.OK() && !strings.Contains(r.Stderr, "the disk is full") {
			e.Problem("note import on a full disk: %v: %s", r.Err, r.Stderr)
		}
		run("", "export", "--to", filepath.Join(e.Root, "usb"))
		list := run("", "list", "notes", "--hearing", h, "--json")
		if !list.OK() {
			e.Problem("list on a full disk: %v: %s", list.Err, list.Stderr)
			continue
		}
		for word := range acked {
			if !strings.Contains(list.Stdout, word+" ") {
				e.Stats.Lost++
				e.Problem("acknowledged note %s is missing on the full disk", word)
			}
		}
		if s := run("", "search", "full0x0"); !s.OK() {
			e.Problem("search on a full disk: %v: %s", s.Err, s.Stderr)
		}
		if r := run("", "report", "hearing", h, "--out", filepath.Join(e.Tmp, "report.html")); !r.OK() {
			e.Problem("report to another disk from a full one: %v: %s", r.Err, r.Stderr)
		}
		os.Remove(filepath.Join(e.Tmp, "report.html")) // a report holds the notes in plaintext by design
		e.ScanPlaintext(fmt.Sprintf("disk full round %d", round))
	}
	e.T.Logf("small disk: %d notes acknowledged, %d saves refused", len(acked), e.Stats.Refused)
	if e.Stats.Refused == 0 {
		e.Problem("the disk-full workflow never filled the disk: no save was refused")
	}
}

// fill writes filler until the disk holding dir has about free bytes left.
func fill(path, dir string, free uint64) {
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		var st unix.Statfs_t
		if unix.Statfs(dir, &st) != nil || uint64(st.Bavail)*uint64(st.Bsize) <= free+uint64(len(buf)) {
			return
		}
		if _, err := f.Write(buf); err != nil {
			return
		}
	}
}
