package report_test

import (
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/internal/testtool"
	"courtwatch/report"

	"github.com/google/uuid"
)

var update = flag.Bool("update", false, "rewrite the golden renderings in testdata/")

// maxDiff is the share of pixels that may differ between a rendering and
// its master: room for another poppler's anti-aliasing, not for a moved
// line or a missing glyph.
const maxDiff = 0.0005

// TestGoldenPDF renders the first page of a hearing report (Khmer names in
// the attendance table) and of a case report (the scorecard chart) with
// pdftoppm and compares them with the masters in testdata/. Run with
// -update to rewrite the masters, then look at them.
func TestGoldenPDF(t *testing.T) {
	testtool.Need(t, "pdftoppm", "poppler-utils")
	for _, tc := range []struct {
		name string
		s    report.Subject
		id   uuid.UUID
	}{
		{"hearing-p1", report.SubjectHearing, demoSum.Hearings[0]},
		{"case-p1", report.SubjectCase, demoSum.Cases[0]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, demoVault, tc.s, tc.id)
			// Ids and hashes differ on every run of the demo; the rest is
			// fixed by its seed.
			doc.Footer = report.Footer{Generated: fixedNow, Saved: fixedNow, Records: 1, Generator: "golden",
				Devices: []string{"golden"}, Latest: strings.Repeat("0123456789abcdef", 4)}
			dir := t.TempDir()
			writePDF(t, doc, filepath.Join(dir, "r.pdf"))
			out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
				filepath.Join(dir, "r.pdf"), filepath.Join(dir, "p")).CombinedOutput()
			if err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			got := filepath.Join(dir, "p.png")
			master := filepath.Join("testdata", tc.name+".png")
			if *update {
				b, err := os.ReadFile(got)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(master, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			share, err := differ(got, master)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenPDF -update to make the masters)", err)
			}
			if share > maxDiff {
				keep := filepath.Join(os.TempDir(), "courtwatch-"+tc.name+".png")
				b, _ := os.ReadFile(got)
				os.WriteFile(keep, b, 0o644)
				t.Errorf("%.2f%% of the pixels differ from %s (at most %.2f%% may); the rendering is in %s",
					100*share, master, 100*maxDiff, keep)
			}
		})
	}
}

// differ returns the share of pixels of two PNGs of the same size whose
// colour differs noticeably.
func differ(a, b string) (float64, error) {
	ia, err := readPNG(a)
	if err != nil {
		return 0, err
	}
	ib, err := readPNG(b)
	if err != nil {
		return 0, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 1, nil
	}
	r := ia.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := ia.At(x, y).RGBA()
			r2, g2, b2, _ := ib.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy()), nil
}

func far(a, b uint32) bool { return a > b+0x3000 || b > a+0x3000 }

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
