// Command benchreport runs Courtwatch's benchmark suite and writes one
// table of every figure, each at two or more sizes where the benchmark
// has them, next to its baseline from the same run, the ratio and the
// goal (see issue 13). make bench runs it:
//
//	go run ./tools/benchreport -out bench/results.md [-raw bench/raw.txt]
//
// It runs the BenchmarkSuite* benchmarks and the one-note sync ones of
// storage, sync/outbox and sync/hq/importer with go test, parses their
// output, measures the peak RSS of the real CLI exporting 1,000 and
// 10,000 notes, and checks with go version -m that the bleve baseline is
// in no binary. The S3 receiver figures need versitygw:
// $COURTWATCH_VERSITYGW (make bench sets it).
//
// The raw output, with benchreport's own lines (start, end, load average,
// commit, failed runs), goes into <raw>.partial as it comes, and to <raw>
// at the end: a run cut short can be finished later, -only running what
// is missing and -reuse reading the earlier output back.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// A runSpec is one go test invocation.
type runSpec struct {
	pkg, bench, benchtime string
}

var runs = []runSpec{
	{"./storage", "^BenchmarkSuiteNoteSave$", "1000x"},
	// One process, the search after the opens, as in the run of
	// 2026-12-03: run alone, right after the 100k vault was built, its
	// prefix search was 5× slower than in that run while bleve's was not
	// (Badger compacting the new vault, likely; not proven). A p95 wants
	// more than the 30 searches that run had.
	{"./storage", "^BenchmarkSuite(Open|Search)$", "200x"},
	{"./sync/outbox", "^BenchmarkSuiteExport$", "3x"},
	{"./sync/outbox", "^BenchmarkOneNoteSync(WireServed)?$", "30x"},
	{"./sync/hq/importer", "^BenchmarkSuiteImport$", "3x"},
	{"./sync/hq/importer", "^BenchmarkSuiteImportDevices$/^versions=(10k|100k)$", "1x"},
	{"./sync/hq/importer", "^BenchmarkSuiteReceiver$", "150x"},
	// Last, since it is the longest: a run short of time can stop it and
	// still have every other row.
	{"./sync/hq/importer", "^BenchmarkSuiteImportDevices$/^versions=1M$", "1x"},
}

func run() error {
	out := flag.String("out", "bench/results.md", "the table to write")
	rawOut := flag.String("raw", "bench/raw.txt", "the go test output, for benchstat (<raw>.partial while running)")
	only := flag.String("only", "", "run only the go test runs whose package or pattern contains this (to finish a run cut short, with -reuse)")
	measure := flag.Bool("rss", true, "measure the peak RSS of the CLI export (else take it from -reuse)")
	reuse := flag.String("reuse", "", "also read benchmark lines from this earlier raw output (results of runs left out with -only)")
	from := flag.String("from", "", "run nothing: write the table from this earlier raw output")
	flag.Parse()
	if *from != "" {
		b, err := os.ReadFile(*from)
		if err != nil {
			return err
		}
		return writeReport(string(b), *out, fmt.Sprintf("The table was written afterwards from the raw output (`benchreport -from %s`).", *from))
	}
	tmp, err := os.MkdirTemp("", "courtwatch-benchreport-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "COURTWATCH_BENCH_VAULT="+filepath.Join(tmp, "vault100k"))
	// Everything goes into raw and, as it comes, into the raw file: a run
	// cut short keeps what it measured.
	var raw bytes.Buffer
	w := io.Writer(&raw)
	if *rawOut != "" {
		if err := os.MkdirAll(filepath.Dir(*rawOut), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(*rawOut+".partial", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(&raw, f)
	}
	if *reuse != "" {
		b, err := os.ReadFile(*reuse)
		if err != nil {
			return err
		}
		w.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			w.Write([]byte("\n")) // a run cut short mid-line
		}
	}
	// note adds benchreport's own line to the raw output.
	note := func(format string, a ...any) error {
		_, err := fmt.Fprintf(w, metaPrefix+format+"\n", a...)
		return err
	}
	if err := note("start %s load %s commit %s code %s", time.Now().UTC().Format(time.RFC3339), loadAvg(), gitCommit(), lastCodeCommit("HEAD")); err != nil {
		return err
	}
	// The peak RSS first (a few minutes; load disturbs it little). It goes
	// into the raw output as benchmark lines, so that -reuse reads it back.
	failed := 0
	if *measure {
		if err := measureCLI(tmp, w); err != nil {
			failed++
			if err := note("failed peak RSS measure: %v", err); err != nil {
				return err
			}
		}
	}
	for _, r := range runs {
		if *only != "" && !strings.Contains(r.pkg+r.bench, *only) {
			continue
		}
		args := []string{"test", "-tags", "ci", "-run", "^$", "-bench", r.bench, "-benchtime", r.benchtime, "-timeout", "60m", r.pkg}
		fmt.Fprintf(os.Stderr, "benchreport: %s go %s\n", time.Now().UTC().Format("15:04:05"), strings.Join(args, " "))
		cmd := exec.Command("go", args...)
		cmd.Env = env
		cmd.Stdout = io.MultiWriter(w, os.Stderr)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			// The other runs still go: their rows are worth having.
			failed++
			if err := note("failed go %s: %v", strings.Join(args, " "), err); err != nil {
				return err
			}
		}
	}
	if err := note("end %s load %s", time.Now().UTC().Format(time.RFC3339), loadAvg()); err != nil {
		return err
	}
	if *rawOut != "" {
		if err := os.WriteFile(*rawOut, raw.Bytes(), 0o644); err != nil {
			return err
		}
		os.Remove(*rawOut + ".partial")
	}
	if err := writeReport(raw.String(), *out, ""); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d go test runs failed (see %s); their rows say not run", failed, *rawOut)
	}
	return nil
}

// writeReport writes the table made from the raw output to out, with
// note (if any) after the header's first paragraph.
func writeReport(raw, out, note string) error {
	var data runData
	parse(raw, &data)
	// The code measured, from the commit where git knows it (a run
	// before the Makefile was left out of it recorded a later commit).
	for i, s := range data.sessions {
		if c := lastCodeCommit(strings.TrimSuffix(s.commit, "+")); c != "?" && s.commit != "?" {
			data.sessions[i].code = c
		}
	}
	md := report(data, machine())
	if note != "" {
		md = strings.Replace(md, ".\n\n", ". "+note+"\n\n", 1)
	}
	fmt.Fprint(os.Stderr, md)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, []byte(md), 0o644)
}

// loadAvg is the 1, 5 and 15 minute load average, or "?" off Linux.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "? ? ?"
}

// gitCommit is the short commit of the tree measured, with "+" when it has
// uncommitted changes.
func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "?"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "+"
	}
	return c
}

// lastCodeCommit is the last commit up to rev that changed anything but
// tests, the bench folder, the Makefile and this tool: the code the
// figures measure.
func lastCodeCommit(rev string) string {
	out, err := exec.Command("git", "log", "-1", "--format=%h", rev, "--", ".", ":!*_test.go", ":!tools/benchreport", ":!bench", ":!Makefile").Output()
	if c := strings.TrimSpace(string(out)); err == nil && c != "" {
		return c
	}
	return "?"
}

// machine describes the computer: CPU model, CPUs, memory.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.1f GB of memory", float64(kb)/1024/1024)
		}
	}
	if model != "" {
		model = " (" + model + ")"
	}
	return fmt.Sprintf("%d CPUs%s%s", numCPU(), model, mem)
}
