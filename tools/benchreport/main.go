// Command benchreport runs Courtwatch's benchmark suite and writes one
// table of every figure, each at two or more sizes, next to its baseline
// from the same run, the ratio and the goal (see issue 13). make bench
// runs it:
//
//	go run ./tools/benchreport -out bench/results.md [-raw bench/raw.txt]
//
// It runs the BenchmarkSuite* benchmarks (and the one-note sync ones) of
// storage, sync/outbox and sync/hq with go test, parses their output,
// measures the peak RSS of the real CLI exporting 1,000 and 10,000 notes,
// and checks with go version -m that the bleve baseline is in no binary.
// The S3 receiver figures need versitygw: $COURTWATCH_VERSITYGW (make
// bench sets it).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// A run is one go test invocation.
type runSpec struct {
	pkg, bench, benchtime string
}

var runs = []runSpec{
	{"./storage", "^BenchmarkSuiteNoteSave$", "1000x"},
	{"./storage", "^BenchmarkSuite(Open|Search)$", "30x"},
	{"./sync/outbox", "^BenchmarkSuiteExport$", "3x"},
	{"./sync/outbox", "^BenchmarkOneNoteSync(Bytes)?$", "30x"},
	{"./sync/hq/importer", "^BenchmarkSuiteImport$", "3x"},
	{"./sync/hq/importer", "^BenchmarkSuiteReceiver$", "150x"},
}

// results maps a benchmark name (without the -GOMAXPROCS suffix) to its
// values by unit.
type results map[string]map[string]float64

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$`)

func parse(out string, into results) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		vals := map[string]float64{}
		f := strings.Fields(m[4])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				vals[f[i+1]] = v
			}
		}
		into[m[1]] = vals
	}
}

func run() error {
	out := flag.String("out", "bench/results.md", "the table to write")
	rawOut := flag.String("raw", "bench/raw.txt", "the go test output, for benchstat")
	only := flag.String("only", "", "run only the go test runs whose package or pattern contains this (for trying)")
	measure := flag.Bool("rss", true, "measure the peak RSS of the CLI export (else take it from -reuse)")
	reuse := flag.String("reuse", "", "also read benchmark lines from this earlier go test output (results of runs left out with -only)")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "courtwatch-benchreport-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "COURTWATCH_BENCH_VAULT="+filepath.Join(tmp, "vault100k"))
	res := results{}
	var raw bytes.Buffer
	if *reuse != "" {
		b, err := os.ReadFile(*reuse)
		if err != nil {
			return err
		}
		parse(string(b), res)
		raw.Write(b)
	}
	start := time.Now()
	for _, r := range runs {
		if *only != "" && !strings.Contains(r.pkg+r.bench, *only) {
			continue
		}
		args := []string{"test", "-tags", "ci", "-run", "^$", "-bench", r.bench, "-benchtime", r.benchtime, "-timeout", "60m", r.pkg}
		fmt.Fprintf(os.Stderr, "benchreport: go %s\n", strings.Join(args, " "))
		cmd := exec.Command("go", args...)
		cmd.Env = env
		var b bytes.Buffer
		cmd.Stdout = io.MultiWriter(&b, os.Stderr)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
		raw.Write(b.Bytes())
		parse(b.String(), res)
	}
	// The peak RSS goes into the raw output as benchmark lines, so that
	// -reuse reads it back.
	bleveFree := false
	if *measure {
		rss, binary, err := measureRSS(tmp, []int{1_000, 10_000})
		if err != nil {
			return err
		}
		for n, mb := range rss {
			line := fmt.Sprintf("BenchmarkCLIExportRSS/notes=%d \t 1 \t %.1f peak-MB\n", n, mb)
			raw.WriteString(line)
			parse(line, res)
		}
		if bleveFree, err = noBleve(binary); err != nil {
			return err
		}
		if bleveFree {
			raw.WriteString("benchreport: go version -m: no blevesearch module in the binaries\n")
		}
	}
	bleveFree = bleveFree || bytes.Contains(raw.Bytes(), []byte("benchreport: go version -m: no blevesearch module in the binaries"))
	rss := map[int]float64{}
	for _, n := range []int{1_000, 10_000} {
		if v, ok := res.get(fmt.Sprintf("BenchmarkCLIExportRSS/notes=%d", n), "peak-MB"); ok {
			rss[n] = v
		}
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if *rawOut != "" {
		if err := os.WriteFile(*rawOut, raw.Bytes(), 0o644); err != nil {
			return err
		}
	}
	took := time.Since(start).Round(time.Second).String()
	if *reuse != "" {
		took = "parts, reusing the go test output of earlier runs (" + *reuse + ", kept in " + *rawOut + ")"
	}
	md := report(res, rss, bleveFree, took)
	fmt.Fprint(os.Stderr, md)
	return os.WriteFile(*out, []byte(md), 0o644)
}

// measureRSS builds the CLIs and, for each n, makes a vault with n notes
// (real KDF), installs an HQ profile and measures the peak RSS of
// `courtwatch export`. It returns MB by n and the built courtwatch.
func measureRSS(tmp string, sizes []int) (map[int]float64, string, error) {
	bin := filepath.Join(tmp, "bin")
	for _, c := range []string{"courtwatch", "courtwatch-hq"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, c), "./cmd/"+c)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, "", fmt.Errorf("build %s: %w", c, err)
		}
	}
	out := map[int]float64{}
	for _, n := range sizes {
		dir := filepath.Join(tmp, fmt.Sprintf("rss-%d", n))
		env := append(os.Environ(), "COURTWATCH_PASSPHRASE=benchmark passphrase",
			"COURTWATCH_VAULT="+filepath.Join(dir, "vault"), "COURTWATCH_HQ_DIR="+filepath.Join(dir, "hq"), "TZ=UTC")
		cli := func(stdin string, name string, args ...string) (string, *os.ProcessState, error) {
			cmd := exec.Command(filepath.Join(bin, name), args...)
			cmd.Env = env
			cmd.Stdin = strings.NewReader(stdin)
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			err := cmd.Run()
			if err != nil {
				err = fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, e.String())
			}
			return strings.TrimSpace(o.String()), cmd.ProcessState, err
		}
		steps := []struct {
			name string
			args []string
		}{
			{"courtwatch-hq", []string{"init", "--name", "Bench"}},
			{"courtwatch-hq", []string{"profile", "--url", "http://127.0.0.1:9", "--out", filepath.Join(dir, "profile.json")}},
			{"courtwatch", []string{"init", "--name", "Bench"}},
			{"courtwatch", []string{"hq", "add", filepath.Join(dir, "profile.json")}},
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, "", err
		}
		for _, s := range steps {
			if _, _, err := cli("", s.name, s.args...); err != nil {
				return nil, "", err
			}
		}
		caseID, _, err := cli("", "courtwatch", "case", "add", "--title", "Bench", "--number", "1/2024", "--tz", "Asia/Phnom_Penh")
		if err != nil {
			return nil, "", err
		}
		hearing, _, err := cli("", "courtwatch", "hearing", "add", "--case", lastField(caseID), "--date", "2024-05-02", "--time", "00:00")
		if err != nil {
			return nil, "", err
		}
		t := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
		for i := 0; i < n; i += 1000 { // note import takes about 1,700 lines at once
			var notes strings.Builder
			for j := i; j < min(i+1000, n); j++ {
				fmt.Fprintf(&notes, "%s Defendant %d is brought in; counsel objects to exhibit %d, the judge overrules\n", t.Format("15:04:05"), j, j)
				t = t.Add(time.Second)
			}
			if _, _, err := cli(notes.String(), "courtwatch", "note", "import", "--hearing", lastField(hearing), "-"); err != nil {
				return nil, "", err
			}
		}
		_, ps, err := cli("", "courtwatch", "export")
		if err != nil {
			return nil, "", err
		}
		ru, ok := ps.SysUsage().(*syscall.Rusage)
		if !ok || runtime.GOOS != "linux" {
			return nil, "", errors.New("peak RSS is measured on Linux only")
		}
		out[n] = float64(ru.Maxrss) * 1024 / 1e6 // Linux reports KiB
		fmt.Fprintf(os.Stderr, "benchreport: courtwatch export of %d notes: peak RSS %.1f MB\n", n, out[n])
	}
	return out, filepath.Join(bin, "courtwatch"), nil
}

func lastField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// noBleve reports whether go version -m lists no bleve module in the
// built binaries.
func noBleve(binary string) (bool, error) {
	for _, b := range []string{binary, filepath.Join(filepath.Dir(binary), "courtwatch-hq")} {
		out, err := exec.Command("go", "version", "-m", b).Output()
		if err != nil {
			return false, fmt.Errorf("go version -m %s: %w", b, err)
		}
		if bytes.Contains(out, []byte("blevesearch")) {
			return false, nil
		}
	}
	return true, nil
}
