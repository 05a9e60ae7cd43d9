package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"courtwatch/assets/fonts"
	"courtwatch/internal/testtool"

	"github.com/go-text/typesetting/font"
)

func testDoc(t testing.TB) *Document {
	t.Helper()
	load := func(name string, data []byte, script, lang string) *Font {
		f, err := ParseFont(name, data, script, lang)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	return New(
		[]*Font{load("NotoSans-Regular", fonts.SansRegular, "Latn", "en"), load("NotoSansKhmer-Regular", fonts.KhmerRegular, "Khmr", "km")},
		[]*Font{load("NotoSans-Bold", fonts.SansBold, "Latn", "en"), load("NotoSansKhmer-Bold", fonts.KhmerBold, "Khmr", "km")})
}

// The glyphs and positions are those of HarfBuzz 8 (hb-shape
// --no-glyph-names NotoSansKhmer-Regular.ttf): glyph=cluster+advance and
// x,y offsets, in font units (1000 per em).
func TestShapeLikeHarfBuzz(t *testing.T) {
	const want = "25=0+636@0,0|87=0+0@-23,-29|52=2+635@0,0|3=3+260@0,0|59=4+928@0,0|91=4+0@-6,-26|214=6+923@0,0|" +
		"3=8+260@0,0|59=9+928@0,0|52=10+635@0,0|3=11+260@0,0|54=12+288@0,0|29=13+635@0,0|203=13+302@0,0|91=13+0@1,-260|85=13+0@-4,30|"
	d := testDoc(t)
	s := d.shape("កឹម សុខា សម រង្ស៊ី", false)
	var b strings.Builder
	for _, r := range s.runs {
		for _, g := range r.glyphs {
			fmt.Fprintf(&b, "%d=%d+%.0f@%.0f,%.0f|", g.id, g.cluster, g.adv, g.xOff, g.yOff)
		}
	}
	if b.String() != want {
		t.Errorf("shaped\n%s\nwant\n%s", b.String(), want)
	}
}

// Lines break at spaces and zero-width spaces, and inside a long word only
// between clusters: never after a coeng (subscript sign) or before a
// vowel sign or mark.
func TestLinesKeepClusters(t *testing.T) {
	d := testDoc(t)
	for _, text := range []string{
		"ក្រុមគ្រួសារជនជាប់ចោទមិនត្រូវបានអនុញ្ញាតឲ្យចូលបន្ទប់សវនាការទេ",
		"ក្រុមគ្រួសារ\u200bជនជាប់ចោទ\u200bមិន\u200bត្រូវ\u200bបាន\u200bអនុញ្ញាត",
		"Sam Rainsy (សម រង្ស៊ី) and Kem Sokha (កឹម សុខា) and 0123456789abcdef0123456789abcdef0123456789abcdef",
	} {
		for _, width := range []float64{25, 60, 140} {
			lines := d.Lines(text, Style{Size: 10}, width)
			var got []string
			for i, l := range lines {
				var line string
				for _, r := range l.Runs {
					line += r.text
				}
				rs := []rune(line)
				if len(rs) == 0 {
					t.Fatalf("%q at %v: empty line %d", text, width, i)
				}
				if i > 0 && (unicode.In(rs[0], unicode.Mn, unicode.Mc) || strings.HasSuffix(got[i-1], "\u17d2")) {
					t.Errorf("%q at %v: line %d starts inside a cluster: %q", text, width, i, line)
				}
				if i < len(lines)-1 && l.Width > width && len(l.Runs) > 1 {
					t.Errorf("%q at %v: line %q is %.1f wide", text, width, line, l.Width)
				}
				got = append(got, line)
			}
			joined := strings.Join(got, "")
			if strip(joined) != strip(text) {
				t.Errorf("%q at %v: lines %q lose text", text, width, got)
			}
		}
	}
}

func strip(s string) string { return strings.NewReplacer(" ", "", "\u200b", "").Replace(s) }

// pdftotext gives back the text exactly, Khmer in logical order.
func TestExtractText(t *testing.T) {
	testtool.Need(t, "pdftotext", "poppler-utils")
	texts := []string{"Kem Sokha (កឹម សុខា)", "Sam Rainsy (សម រង្ស៊ី)", "មូរ សុខហួរ កម្ពុជា ស្រីមុំ ពិសិដ្ឋ ប្រាក់ វណ្ណៈ", "office – “quoted” €5"}
	d := testDoc(t)
	p := d.AddPage(595, 842)
	y := 60.0
	for i, s := range texts {
		for _, l := range d.Lines(s, Style{Size: 12, Bold: i%2 == 1}, 0) {
			y += l.Ascent
			p.Text(l, 50, y, Color{})
			y += l.Descent + 4
		}
	}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range texts {
		if !strings.Contains(string(out), s) {
			t.Errorf("pdftotext lacks %q; it gave\n%s", s, out)
		}
	}
}

// A subset keeps the outlines of the glyphs used and of their components,
// and still parses.
func TestSubset(t *testing.T) {
	f, err := font.ParseTTF(bytes.NewReader(fonts.SansRegular))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.NominalGlyph('A')
	aacute, _ := f.NominalGlyph('Á') // may be composite
	b, _ := f.NominalGlyph('B')
	sub, err := subsetTrueType(fonts.SansRegular, map[uint16]bool{uint16(a): true, uint16(aacute): true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sub) > len(fonts.SansRegular)/4 {
		t.Errorf("subset is %d bytes of %d", len(sub), len(fonts.SansRegular))
	}
	sf, err := font.ParseTTF(bytes.NewReader(sub))
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	for _, g := range []font.GID{a, aacute} {
		if out := sf.GlyphData(g).(font.GlyphOutline); len(out.Segments) == 0 {
			t.Errorf("glyph %d lost its outline", g)
		}
	}
	if out := sf.GlyphData(b).(font.GlyphOutline); len(out.Segments) != 0 {
		t.Errorf("unused glyph B kept its outline")
	}

	d := testDoc(t)
	web, err := d.regular[0].Font.WebSubset([]string{"office"})
	if err != nil {
		t.Fatal(err)
	}
	wf, err := font.ParseTTF(bytes.NewReader(web))
	if err != nil {
		t.Fatalf("web subset does not parse: %v", err)
	}
	if g, ok := wf.NominalGlyph('A'); !ok || g != a {
		t.Errorf("web subset lost its character map")
	}
	if out := wf.GlyphData(1969).(font.GlyphOutline); len(out.Segments) == 0 { // the ffi ligature of "office"
		t.Errorf("web subset lost the ffi ligature")
	}
}
