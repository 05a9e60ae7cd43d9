package pdf

import (
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// spare are character ranges whose glyphs a web subset keeps even when
// the texts do not use them: Latin-1, Latin Extended-A, punctuation, €.
var spare = [][2]rune{{0x20, 0x17f}, {0x2010, 0x2027}, {0x2030, 0x203a}, {0x20ac, 0x20ac}}

// WebSubset returns f's font file for embedding in a web page that shows
// texts: the outlines of every glyph that HarfBuzz sets the texts with
// (ligatures included) and of the spare ranges are kept, those of all
// other glyphs emptied. All tables stay, so browsers map and shape as with
// the whole font.
func (f *Font) WebSubset(texts []string) ([]byte, error) {
	used := map[uint16]bool{}
	nominal := func(r rune) {
		if g, ok := f.parsed.NominalGlyph(r); ok {
			used[uint16(g)] = true
		}
	}
	for _, rg := range spare {
		for r := rg[0]; r <= rg[1]; r++ {
			nominal(r)
		}
	}
	sh := shapers.Get().(*shaper)
	defer shapers.Put(sh)
	face := sh.face(f)
	seen := map[string]bool{}
	for _, t := range texts {
		if seen[t] {
			continue
		}
		seen[t] = true
		rs := []rune(t)
		for _, r := range rs {
			nominal(r)
		}
		out := sh.Shape(shaping.Input{Text: rs, RunEnd: len(rs), Direction: di.DirectionLTR, Face: face,
			Size: fixed.I(int(f.upem)), Script: f.script, Language: f.lang})
		for _, g := range out.Glyphs {
			used[uint16(g.GlyphID)] = true
		}
	}
	return subsetTrueType(f.data, used, true)
}
