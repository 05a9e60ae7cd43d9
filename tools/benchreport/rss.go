package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// measureCLI writes the peak RSS of the CLI export at 1,000 and 10,000
// notes as benchmark lines into w, and whether go version -m finds bleve
// in a binary as benchreport's line.
func measureCLI(tmp string, w io.Writer) error {
	sizes := []int{1_000, 10_000}
	rss, binary, err := measureRSS(tmp, sizes)
	if err != nil {
		return err
	}
	for _, n := range sizes {
		fmt.Fprintf(w, "BenchmarkCLIExportRSS/notes=%d \t 1 \t %.1f peak-MB\n", n, rss[n])
	}
	bleveFree, err := noBleve(binary)
	if err != nil {
		return err
	}
	msg := bleveMsg
	if bleveFree {
		msg = noBleveMsg
	}
	_, err = fmt.Fprintf(w, "%s%s\n", metaPrefix, msg)
	return err
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
