package torture

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binaries are the built programs.
type Binaries struct {
	Monitor string // cmd/courtwatch
	HQ      string // cmd/courtwatch-hq
}

// SyncUnderAttack, when set, runs the receiver abuse suite (idle
// keep-alive connections, slowloris, a flood of bad uploads) against a
// receiver of its own, timing a legitimate sync during each attack, and
// returns the longest. The receiver abuse suite in sync/hq/receiver sets it (for
// example from a file torture/abuse.go: func init() { SyncUnderAttack = … });
// while it is nil the table says the row was not measured.
var SyncUnderAttack func(ctx context.Context, bin Binaries) (longest time.Duration, err error)

// Stats is what a torture run found.
type Stats struct {
	Runs       int // commands run, killed or not
	Kills      int
	Lost       int // acknowledged records missing afterwards
	Crashes    int // runs that ended by a signal we did not send, or a panic
	Hangs      int // runs that did not end within hangAfter
	Dumps      int // runs whose output held a Go runtime dump
	Leaks      int // files holding a test string in plaintext
	Refused    int // saves refused because the disk was full
	SyncAttack string
	Problems   []string
}

// Table prints the result table.
func (s *Stats) Table() string {
	var b strings.Builder
	row := func(name, val string) { fmt.Fprintf(&b, "  %-50s %s\n", name, val) }
	b.WriteString("torture results\n")
	row("runs (commands run)", strconv.Itoa(s.Runs))
	row("of them killed with SIGKILL at a random moment", strconv.Itoa(s.Kills))
	row("saves refused on a full disk", strconv.Itoa(s.Refused))
	row("acknowledged records lost (must be 0)", strconv.Itoa(s.Lost))
	row("crashes (must be 0)", strconv.Itoa(s.Crashes))
	row("Go runtime dumps (must be 0)", strconv.Itoa(s.Dumps))
	row("hangs (must be 0)", strconv.Itoa(s.Hangs))
	row("files with a test string in plaintext (must be 0)", strconv.Itoa(s.Leaks))
	row("longest legitimate sync under attack", s.SyncAttack)
	return b.String()
}

// Markers are the test strings that must never reach the disk in
// plaintext. Every note and name the torture writes holds one.
var Markers = []string{"tortureplaintextmark", "ស្លាកសម្ងាត់"}

// Env is one scratch world: a vault, an HQ, a receiver, temp, config and
// log folders.
type Env struct {
	T      testing.TB
	Bin    Binaries
	Root   string // scanned for plaintext (the programs live elsewhere)
	Vault  string
	HQ     string
	Store  string
	Tmp    string
	Config string
	Logs   string
	Pass   string // the monitor's current passphrase
	Stats  *Stats
	URL    string

	serve *exec.Cmd
	log   *os.File
}

const hqPass = "torture hq passphrase"

// hangAfter is how long a command may run before it counts as hung.
const hangAfter = 10 * time.Minute

// Build compiles the two programs into dir.
func Build(t testing.TB, dir string) Binaries {
	t.Helper()
	b := Binaries{Monitor: filepath.Join(dir, "courtwatch"), HQ: filepath.Join(dir, "courtwatch-hq")}
	for out, pkg := range map[string]string{b.Monitor: "courtwatch/cmd/courtwatch", b.HQ: "courtwatch/cmd/courtwatch-hq"} {
		cmd := exec.Command("go", "build", "-tags", "ci", "-o", out, pkg)
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, o)
		}
	}
	return b
}

// NewEnv makes the folders under root.
func NewEnv(t testing.TB, bin Binaries, root string, st *Stats) *Env {
	e := &Env{T: t, Bin: bin, Root: root, Stats: st, Pass: "torture monitor passphrase 1",
		Vault: filepath.Join(root, "vault"), HQ: filepath.Join(root, "hq"), Store: filepath.Join(root, "store"),
		Tmp: filepath.Join(root, "tmp"), Config: filepath.Join(root, "config"), Logs: filepath.Join(root, "logs")}
	for _, d := range []string{e.Tmp, e.Config, e.Logs, e.Store} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// The commands' standard error is what a terminal would show, not a
	// log the programs keep: it is kept outside the scanned folder.
	f, err := os.Create(filepath.Join(filepath.Dir(root), "commands.log"))
	if err != nil {
		t.Fatal(err)
	}
	e.log = f
	t.Cleanup(func() { f.Close() })
	return e
}

func (e *Env) environ(hq bool, extra []string) []string {
	pass := e.Pass
	if hq {
		pass = hqPass
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + e.Config, "XDG_CONFIG_HOME=" + e.Config, "XDG_CACHE_HOME=" + e.Config,
		"TMPDIR=" + e.Tmp, "TZ=Asia/Phnom_Penh", "COURTWATCH_TEST_KDF=1", "COURTWATCH_VAULT=" + e.Vault,
		"COURTWATCH_HQ_DIR=" + e.HQ, "COURTWATCH_PASSPHRASE=" + pass,
	}
	return append(env, extra...)
}

// Result is one run of a program.
type Result struct {
	Stdout, Stderr string
	Err            error
	Killed         bool // we killed it
}

// OK reports whether the run exited 0.
func (r Result) OK() bool { return r.Err == nil && !r.Killed }

var dumpPattern = regexp.MustCompile(`(?m)^goroutine \d+ \[|^fatal error:|^panic:|\[signal SIG|^runtime\.|^SIGBUS|^SIGSEGV`)

// Run runs a program to its end (kill: after that long, 0: never) and
// records crashes and dumps.
func (e *Env) Run(stdin io.Reader, kill time.Duration, extraEnv []string, prog string, args ...string) Result {
	hq := prog == e.Bin.HQ
	cmd := exec.Command(prog, args...)
	cmd.Env = e.environ(hq, extraEnv)
	cmd.Dir = e.Root
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	e.Stats.Runs++
	if err := cmd.Start(); err != nil {
		e.T.Fatalf("start %s: %v", prog, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var r Result
	if kill > 0 {
		select {
		case r.Err = <-done:
		case <-time.After(kill):
			cmd.Process.Signal(syscall.SIGKILL)
			r.Err = <-done
			r.Killed = true
			e.Stats.Kills++
		}
	} else {
		select {
		case r.Err = <-done:
		case <-time.After(hangAfter):
			cmd.Process.Signal(syscall.SIGKILL)
			r.Err = <-done
			r.Killed = true
			e.Stats.Hangs++
			e.Problem("%s %s made no end in %v", filepath.Base(prog), strings.Join(args, " "), hangAfter)
		}
	}
	r.Stdout, r.Stderr = out.String(), errb.String()
	fmt.Fprintf(e.log, "$ %s %s (killed: %v, err: %v)\n%s", filepath.Base(prog), strings.Join(args, " "), r.Killed, r.Err, r.Stderr)
	if dumpPattern.MatchString(r.Stderr) || dumpPattern.MatchString(r.Stdout) {
		e.Stats.Dumps++
		e.Problem("%s %s printed a Go runtime dump:\n%s", filepath.Base(prog), strings.Join(args, " "), tail(r.Stderr, 1500))
	}
	if ee, ok := r.Err.(*exec.ExitError); ok && !r.Killed {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && (ws.Signaled() || ws.ExitStatus() == 2 && strings.Contains(r.Stderr, "panic")) {
			e.Stats.Crashes++
			e.Problem("%s %s crashed: %v", filepath.Base(prog), strings.Join(args, " "), r.Err)
		}
	}
	return r
}

// Monitor runs courtwatch to its end and fails the test if it fails.
func (e *Env) Monitor(stdin io.Reader, args ...string) string {
	e.T.Helper()
	r := e.Run(stdin, 0, nil, e.Bin.Monitor, args...)
	if !r.OK() {
		e.T.Fatalf("courtwatch %s: %v\n%s", strings.Join(args, " "), r.Err, r.Stderr)
	}
	return r.Stdout
}

// HQCmd runs courtwatch-hq to its end and fails the test if it fails.
func (e *Env) HQCmd(args ...string) string {
	e.T.Helper()
	r := e.Run(nil, 0, nil, e.Bin.HQ, args...)
	if !r.OK() {
		e.T.Fatalf("courtwatch-hq %s: %v\n%s", strings.Join(args, " "), r.Err, r.Stderr)
	}
	return r.Stdout
}

// Problem records something that must not happen.
func (e *Env) Problem(format string, args ...any) {
	e.T.Helper()
	msg := fmt.Sprintf(format, args...)
	e.Stats.Problems = append(e.Stats.Problems, msg)
	e.T.Error(msg)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Versions returns how many versions the monitor's chain holds, from
// `courtwatch verify`, which also checks the chain.
func (e *Env) Versions() int {
	e.T.Helper()
	out := e.Monitor(nil, "verify")
	var n int
	if _, err := fmt.Sscanf(out, "chain ok: %d versions", &n); err != nil {
		e.T.Fatalf("verify said %q", out)
	}
	return n
}

// StartReceiver runs `courtwatch-hq serve` on a free loopback port.
func (e *Env) StartReceiver() {
	e.T.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.T.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	e.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	logf, err := os.Create(filepath.Join(e.Logs, "serve.log"))
	if err != nil {
		e.T.Fatal(err)
	}
	cmd := exec.Command(e.Bin.HQ, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--store", e.Store, "--plain-http")
	cmd.Env = e.environ(true, nil)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		e.T.Fatal(err)
	}
	e.serve = cmd
	e.T.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	})
}

// WaitReceiver waits until the receiver answers.
func (e *Env) WaitReceiver() {
	e.T.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(e.URL + "/")
		if err == nil {
			resp.Body.Close()
			return
		}
	}
	e.T.Fatalf("no receiver answers at %s", e.URL)
}

// ScanPlaintext looks for the markers in every file under the scratch
// folder: vault, HQ, store, temp, config and logs.
func (e *Env) ScanPlaintext(after string) {
	e.T.Helper()
	var pats [][]byte
	for _, m := range Markers {
		pats = append(pats, []byte(m))
	}
	files := 0
	filepath.WalkDir(e.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, pat := range pats {
			if bytes.Contains(b, pat) {
				e.Stats.Leaks++
				e.Problem("after %s: %s holds the test string %q in plaintext", after, p, pat)
			}
		}
		return nil
	})
	if files == 0 {
		e.Problem("after %s: the plaintext scan found no files under %s", after, e.Root)
	}
}
