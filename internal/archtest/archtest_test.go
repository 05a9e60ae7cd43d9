package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A rule forbids the packages that from matches (but not except) to
// depend, directly or through others, on a package that one of not
// matches; with direct, only their own imports count. A pattern is an
// import path, or one ending in "/..." for it and every package below it.
type rule struct {
	from   []string
	except []string
	not    []string
	direct bool
	why    string
}

var rules = []rule{
	{
		from: []string{"courtwatch/storage/...", "courtwatch/sync/...", "courtwatch/report/..."},
		not:  []string{"fyne.io/..."},
		why:  "Fyne lives in ui/ only: storage, sync and report are tested and reused without a display",
	},
	{
		// The receiver needs sync/bundle/verify (the signature check) and
		// sync/wire (device file, receipt, HTTP API), which hold no age
		// code; sync/bundle (Open, Seal) and sync/wire/hqprofile (age
		// recipients) do.
		from: []string{"courtwatch/sync/hq", "courtwatch/sync/hq/receiver/..."},
		not: []string{
			"courtwatch/sync/hq/setup",    // reads age.key
			"courtwatch/sync/hq/importer", // reads age.key, opens bundles
			"courtwatch/storage",          // the vault
			"filippo.io/age/...",          // any age code at all
		},
		why: "the receiver holds no decryption key: it may not reach age code, HQ's age identity or the vault (see sync/hq)",
	},
	{
		// An age identity is parsed only where filippo.io/age is imported.
		// sync/bundle (Seal, and Open with identities its caller gives) and
		// sync/wire/hqprofile (recipients) never read one; setup and
		// importer read age.key. The receiver reaches none of them (the
		// rule above).
		from: []string{"courtwatch/..."},
		except: []string{"courtwatch/sync/bundle", "courtwatch/sync/wire/hqprofile", "courtwatch/sync/hq/setup", "courtwatch/sync/hq/importer",
			"courtwatch/sync/hq/internal/hqtest"}, // tests only (the rule below): reads the test HQ's age.key
		not:    []string{"filippo.io/age/..."},
		direct: true,
		why:    "only sync/bundle, sync/wire/hqprofile, sync/hq/setup and sync/hq/importer use age keys; a package that needs HQ's identity belongs with the importer, never with the receiver",
	},
	{
		// hqtest holds the helpers of HQ's tests (test passphrases, a fast
		// KDF, keys read from disk); go list sees only the imports of
		// non-test files, so any package here that imports it is one that
		// ships.
		from:   []string{"courtwatch/..."},
		except: []string{"courtwatch/sync/hq/internal/hqtest"},
		not:    []string{"courtwatch/sync/hq/internal/hqtest"},
		direct: true,
		why:    "sync/hq/internal/hqtest is for tests only; import it from _test.go files",
	},
}

// pkg is what go list says of a package.
type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
	Error      *struct{ Err string }
}

// TestImportRules checks the rules on the packages of the module and
// everything they import, as built for Linux, Windows and macOS.
func TestImportRules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed to read the package graph: %v", err)
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		t.Run(goos, func(t *testing.T) {
			pkgs := goList(t, goos)
			for _, r := range rules {
				for _, from := range r.from {
					if !slices.ContainsFunc(pkgs, func(p pkg) bool { return match(from, p.ImportPath) }) {
						t.Errorf("rule for %s: go list found no such package; fix the rule", from)
					}
				}
			}
			for _, v := range violations(pkgs, rules) {
				t.Error(v)
			}
		})
	}
}

// TestViolations: the checker finds a forbidden import however deep, and
// names the chain of imports that leads to it.
func TestViolations(t *testing.T) {
	pkgs := []pkg{
		{ImportPath: "courtwatch/sync/hq/receiver", Imports: []string{"courtwatch/sync/hq", "net/http", "courtwatch/sync/wire"}},
		{ImportPath: "courtwatch/sync/hq", Imports: []string{"courtwatch/sync/hq/keys"}},
		{ImportPath: "courtwatch/sync/hq/keys", Imports: []string{"courtwatch/sync/hq/setup", "filippo.io/age"}},
		{ImportPath: "courtwatch/sync/hq/setup", Imports: []string{"filippo.io/age", "courtwatch/storage"}},
		{ImportPath: "courtwatch/sync/wire", Imports: []string{"filippo.io/age"}},
		{ImportPath: "filippo.io/age"},
		{ImportPath: "net/http"},
		{ImportPath: "courtwatch/storage", Imports: []string{"courtwatch/storage/safefile"}},
		{ImportPath: "courtwatch/storage/safefile"},
		{ImportPath: "courtwatch/report", Imports: []string{"courtwatch/report/internal/pdf"}},
		{ImportPath: "courtwatch/report/internal/pdf", Imports: []string{"fyne.io/fyne/v2"}},
		{ImportPath: "fyne.io/fyne/v2"},
		{ImportPath: "courtwatch/ui", Imports: []string{"fyne.io/fyne/v2", "courtwatch/storage"}},
		{ImportPath: "courtwatch/cmd/courtwatch-hq", Imports: []string{"courtwatch/sync/hq/internal/hqtest"}},
		{ImportPath: "courtwatch/sync/hq/internal/hqtest", Imports: []string{"filippo.io/age"}},
	}
	got := violations(pkgs, rules)
	want := []string{
		"courtwatch/cmd/courtwatch-hq imports courtwatch/sync/hq/internal/hqtest (courtwatch/cmd/courtwatch-hq -> courtwatch/sync/hq/internal/hqtest)",
		"courtwatch/report imports fyne.io/fyne/v2 (courtwatch/report -> courtwatch/report/internal/pdf -> fyne.io/fyne/v2)",
		"courtwatch/report/internal/pdf imports fyne.io/fyne/v2 (courtwatch/report/internal/pdf -> fyne.io/fyne/v2)",
		"courtwatch/sync/hq imports courtwatch/sync/hq/setup (courtwatch/sync/hq -> courtwatch/sync/hq/keys -> courtwatch/sync/hq/setup)",
		"courtwatch/sync/hq imports filippo.io/age (courtwatch/sync/hq -> courtwatch/sync/hq/keys -> filippo.io/age)",
		"courtwatch/sync/hq/keys imports filippo.io/age (courtwatch/sync/hq/keys -> filippo.io/age)",
		"courtwatch/sync/hq/receiver imports courtwatch/sync/hq/setup (courtwatch/sync/hq/receiver -> courtwatch/sync/hq -> courtwatch/sync/hq/keys -> courtwatch/sync/hq/setup)",
		"courtwatch/sync/hq/receiver imports filippo.io/age (courtwatch/sync/hq/receiver -> courtwatch/sync/wire -> filippo.io/age)",
		"courtwatch/sync/wire imports filippo.io/age (courtwatch/sync/wire -> filippo.io/age)",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("violation %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
}

// goList lists the module's packages and all they import, for goos.
func goList(t *testing.T, goos string) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-json=ImportPath,Dir,GoFiles,Imports,Error", "courtwatch/...")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list for %s: %v\n%s", goos, err, stderr.Bytes())
	}
	var pkgs []pkg
	for d := json.NewDecoder(bytes.NewReader(out)); ; {
		var p pkg
		if err := d.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list for %s: %v", goos, err)
		}
		if p.Error != nil && strings.HasPrefix(p.ImportPath, "courtwatch") {
			t.Errorf("go list for %s: %s: %s", goos, p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
		if strings.HasPrefix(p.ImportPath, "courtwatch") {
			consult(p)
		}
	}
	return pkgs
}

// consult reads the folder and Go files of p. go test caches a passing
// result until a file or folder the test itself read changes; what go
// list reads in its own process does not count. Without this, a new
// import in the module would meet the cached pass of the tree before it.
func consult(p pkg) {
	if p.Dir == "" {
		return
	}
	_, _ = os.ReadDir(p.Dir)
	for _, f := range p.GoFiles {
		_, _ = os.Stat(filepath.Join(p.Dir, f))
	}
}

// violations checks rules on the graph of pkgs. Each violation names the
// package, the forbidden one, a shortest chain of imports between them,
// and why the rule exists.
func violations(pkgs []pkg, rules []rule) []string {
	imports := map[string][]string{}
	for _, p := range pkgs {
		imports[p.ImportPath] = p.Imports
	}
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !matchAny(r.from, p.ImportPath) || matchAny(r.except, p.ImportPath) {
				continue
			}
			graph := imports
			if r.direct {
				graph = map[string][]string{p.ImportPath: p.Imports}
			}
			for _, chain := range forbidden(p.ImportPath, graph, r.not) {
				out = append(out, fmt.Sprintf("%s imports %s (%s): %s",
					p.ImportPath, chain[len(chain)-1], strings.Join(chain, " -> "), r.why))
			}
		}
	}
	slices.Sort(out)
	return out
}

// forbidden walks the imports of from breadth first and returns, for each
// package that a pattern in not matches, the shortest chain to it.
func forbidden(from string, imports map[string][]string, not []string) [][]string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	var found [][]string
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p != from && matchAny(not, p) {
			var chain []string
			for q := p; q != ""; q = prev[q] {
				chain = append([]string{q}, chain...)
			}
			found = append(found, chain)
			continue
		}
		for _, q := range imports[p] {
			if _, seen := prev[q]; !seen {
				prev[q] = p
				queue = append(queue, q)
			}
		}
	}
	return found
}

// matchAny reports whether path matches one of patterns.
func matchAny(patterns []string, path string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return match(p, path) })
}

// match reports whether path matches pattern: the same path, or, for a
// pattern ending in "/...", that path or one below it.
func match(pattern, path string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == p || strings.HasPrefix(path, p+"/")
	}
	return path == pattern
}
