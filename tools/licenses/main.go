package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// programs are the binaries whose modules are listed.
var programs = []string{"./cmd/courtwatch", "./cmd/courtwatch-hq"}

// platforms are those the programs are built for.
var platforms = []string{"linux", "windows", "darwin"}

const (
	outFile  = "THIRD_PARTY.md"
	fontsDir = "assets/fonts"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "licenses:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("licenses", flag.ContinueOnError)
	check := fl.Bool("check", false, "check that "+outFile+" is up to date and every licence allows distribution; write nothing")
	texts := fl.String("texts", "", "also write every licence text in full to this `file`")
	if err := fl.Parse(args); err != nil {
		return err
	}
	mods, err := loadModules()
	if err != nil {
		return err
	}
	fonts, err := loadFonts(fontsDir)
	if err != nil {
		return err
	}
	inv := &inventory{modules: mods, fonts: fonts}
	if err := inv.readLicences(); err != nil {
		return err
	}
	var md bytes.Buffer
	inv.writeMarkdown(&md)
	problems := inv.problems()

	if *check {
		old, err := os.ReadFile(outFile)
		if err != nil || !bytes.Equal(old, md.Bytes()) {
			problems = append(problems, outFile+" is out of date: run go run ./tools/licenses and commit the result")
		}
	} else if err := os.WriteFile(outFile, md.Bytes(), 0o644); err != nil {
		return err
	}
	if *texts != "" {
		var b bytes.Buffer
		inv.writeTexts(&b)
		if err := os.WriteFile(*texts, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	if *check {
		fmt.Fprintf(stdout, "licenses: %d modules and %d fonts, every licence allows distribution with Apache-2.0; %s is up to date\n", len(mods), len(fonts), outFile)
	}
	return nil
}

// module is one Go module linked into the programs.
type module struct {
	Path, Version, Dir string
	platforms          []string
	pkgDirs            map[string]bool // folders of the packages built
	files              []licenceFile
}

type licenceFile struct {
	Rel     string // path inside the module, slash-separated
	Text    string
	IDs     []string
	Allowed bool
}

type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *struct {
		Path, Version, Dir string
		Main               bool
	}
}

// loadModules asks the go command for the packages of the programs on
// every platform, and groups them by module. The standard library is one
// pseudo-module, "Go standard library", read from GOROOT.
func loadModules() ([]*module, error) {
	byPath := map[string]*module{}
	for _, goos := range platforms {
		cmd := exec.Command("go", append([]string{"list", "-deps", "-json"}, programs...)...)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list for %s: %v\n%s", goos, err, stderr.String())
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for {
			var p listedPackage
			if err := dec.Decode(&p); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("go list for %s: %v", goos, err)
			}
			var path, version, dir string
			switch {
			case p.Standard:
				path, dir = "Go standard library", goroot()
			case p.Module == nil || p.Module.Main:
				continue // Courtwatch itself: LICENSE
			default:
				path, version, dir = p.Module.Path, p.Module.Version, p.Module.Dir
			}
			m := byPath[path]
			if m == nil {
				m = &module{Path: path, Version: version, Dir: dir, pkgDirs: map[string]bool{}}
				byPath[path] = m
			}
			if !p.Standard {
				m.pkgDirs[p.Dir] = true
			}
			if !slices.Contains(m.platforms, goos) {
				m.platforms = append(m.platforms, goos)
			}
		}
	}
	var mods []*module
	for _, m := range byPath {
		mods = append(mods, m)
	}
	slices.SortFunc(mods, func(a, b *module) int {
		if a.Path == "Go standard library" {
			return -1
		} else if b.Path == "Go standard library" {
			return 1
		}
		return strings.Compare(a.Path, b.Path)
	})
	return mods, nil
}

func goroot() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|unlicense|ofl)([-_.].*)?$`)

// skipDirs are never searched for licence files: they hold no code of the
// programs.
var skipDirs = map[string]bool{"testdata": true, ".github": true, "_examples": true, "examples": true, "vendor": true}

type inventory struct {
	modules []*module
	fonts   []font
}

// readLicences reads the licence files of every module: those at the
// module's root, in the folders of the packages built, and in folders
// without Go files below those (C sources, fonts). For the standard
// library, only GOROOT/LICENSE.
func (inv *inventory) readLicences() error {
	for _, m := range inv.modules {
		if m.Dir == "" {
			return fmt.Errorf("module %s %s is not in the module cache: run go mod download", m.Path, m.Version)
		}
		if m.Path == "Go standard library" {
			if err := m.addFile("LICENSE"); err != nil {
				return err
			}
			continue
		}
		err := filepath.WalkDir(m.Dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != m.Dir && (skipDirs[d.Name()] || !m.covers(path)) {
					return filepath.SkipDir
				}
				return nil
			}
			if licenceName.MatchString(d.Name()) {
				rel, _ := filepath.Rel(m.Dir, path)
				return m.addFile(filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("module %s: %v", m.Path, err)
		}
		if len(m.files) == 0 {
			m.files = append(m.files, licenceFile{Rel: "(none found)", IDs: []string{"unknown"}})
		}
	}
	return nil
}

// covers reports whether licence files in dir apply to the programs: dir
// is a folder of a package built, or holds no Go files and its parent is
// covered (or is the module root).
func (m *module) covers(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if m.pkgDirs[d] || d == m.Dir {
			return true
		}
		if hasGoFiles(d) || !strings.HasPrefix(d, m.Dir) {
			return false
		}
	}
}

func hasGoFiles(dir string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			return true
		}
	}
	return false
}

func (m *module) addFile(rel string) error {
	b, err := os.ReadFile(filepath.Join(m.Dir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	ids, ok := Classify(string(b))
	m.files = append(m.files, licenceFile{Rel: rel, Text: string(b), IDs: ids, Allowed: ok})
	return nil
}

// ids is the module's licences, over all its files, each once.
func (m *module) ids() []string {
	var out []string
	for _, f := range m.files {
		for _, id := range f.IDs {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

func (inv *inventory) problems() []string {
	var out []string
	for _, m := range inv.modules {
		for _, f := range m.files {
			if !f.Allowed {
				out = append(out, fmt.Sprintf("%s %s: %s is %s, which does not allow distribution with Apache-2.0 (or is not known to); remove the dependency, or have a person read the licence and extend tools/licenses/classify.go",
					m.Path, m.Version, f.Rel, strings.Join(f.IDs, " and ")))
			}
		}
	}
	for _, f := range inv.fonts {
		if !f.Allowed {
			out = append(out, fmt.Sprintf("%s/%s: its licence (%s) is not the SIL Open Font License 1.1; only OFL fonts are bundled", fontsDir, f.File, f.Licence))
		}
	}
	return out
}

func (inv *inventory) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "# Third-party software in Courtwatch\n\n")
	fmt.Fprintf(w, "Generated by `go run ./tools/licenses` (checked by `make audit`); do not edit by hand.\n\n")
	fmt.Fprintf(w, "Courtwatch itself is licensed under the Apache License 2.0 (LICENSE). The programs `courtwatch` and `courtwatch-hq` are built from the Go modules below, on Linux, Windows and macOS; each keeps its own licence, whose full text is in the module's source and in THIRD_PARTY_LICENSES.txt of every release archive.\n\n")
	fmt.Fprintf(w, "## Go modules\n\n| Module | Version | Licence | Licence files | Platforms |\n|---|---|---|---|---|\n")
	for _, m := range inv.modules {
		var files []string
		for _, f := range m.files {
			files = append(files, "`"+f.Rel+"`")
		}
		plat := "all"
		if len(m.platforms) < len(platforms) {
			plat = strings.Join(m.platforms, ", ")
		}
		version := m.Version
		if version == "" {
			version = "(the Go toolchain's)"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", m.Path, version, strings.Join(m.ids(), ", "), strings.Join(files, " "), plat)
	}
	fmt.Fprintf(w, "\n## Fonts\n\nEmbedded from `%s`; the licence text is `%s/OFL.txt`.\n\n| File | Family | Licence | Copyright | Note |\n|---|---|---|---|---|\n", fontsDir, fontsDir)
	for _, f := range inv.fonts {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", f.File, f.Family, f.Licence, f.Copyright, f.Note)
	}
}

// writeTexts writes every licence text in full, for a release archive.
func (inv *inventory) writeTexts(w io.Writer) {
	fmt.Fprintf(w, "Licences of the third-party software in Courtwatch (see THIRD_PARTY.md)\n")
	for _, m := range inv.modules {
		for _, f := range m.files {
			fmt.Fprintf(w, "\n%s\n%s %s: %s (%s)\n%s\n\n%s\n", strings.Repeat("=", 78), m.Path, m.Version, f.Rel, strings.Join(f.IDs, ", "), strings.Repeat("=", 78), strings.TrimSpace(f.Text))
		}
	}
	if ofl, err := os.ReadFile(filepath.Join(fontsDir, "OFL.txt")); err == nil {
		fmt.Fprintf(w, "\n%s\nFonts (%s): OFL.txt\n%s\n\n%s\n", strings.Repeat("=", 78), fontsDir, strings.Repeat("=", 78), strings.TrimSpace(string(ofl)))
	}
}
