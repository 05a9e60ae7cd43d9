package pdf

import (
	"math"
	"strings"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/segmenter"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// Style is how text is set.
type Style struct {
	Size float64 // points
	Bold bool
}

// Line is one shaped line of text, ready to draw.
type Line struct {
	Runs            []Run
	Width           float64 // points
	Ascent, Descent float64 // points above and below the baseline, ink included
	size            float64
}

// Run is a part of a line set in one font.
type Run struct {
	font   *fontUse
	glyphs []glyph
	text   string  // the text the glyphs stand for
	start  int     // index of text's first rune in the paragraph
	x      float64 // start, 1/1000 em from the line's start
}

// glyph is a positioned glyph; all values in 1/1000 em.
type glyph struct {
	id               uint16
	adv, xOff, yOff  float64
	top, bottom      float64 // ink extents, with the offset
	cluster, nRunes  int
	nGlyphsInCluster int
}

// shaped is a paragraph shaped once; lines are cut from it for any width
// and size. All measures are in 1/1000 em.
type shaped struct {
	runes  []rune
	runs   []shapedRun
	adv    []float64 // per rune: advance of the cluster it starts, else 0
	breaks []int     // rune indexes where a line may start
	starts []bool    // rune index starts a glyph cluster
	// fallback sets the height of an empty line.
	fallback *fontUse
}

type shapedRun struct {
	start, end int
	font       *fontUse
	glyphs     []glyph
}

// isJoiner reports whether r stays in the font run it is in: spaces and
// invisible format characters such as the zero-width space between Khmer
// words.
func isJoiner(r rune) bool { return unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Cf, r) }

// fontRuns splits text into runs that one font each can draw: for every
// character the first font that has it, keeping spaces and format
// characters in the run they are in.
func fontRuns(text []rune, fonts []*fontUse) []shapedRun {
	var runs []shapedRun
	for i, r := range text {
		var f *fontUse
		if len(runs) > 0 && isJoiner(r) {
			f = runs[len(runs)-1].font
		} else {
			f = fonts[0]
			for _, c := range fonts {
				if c.has(r) {
					f = c
					break
				}
			}
		}
		if len(runs) > 0 && runs[len(runs)-1].font == f {
			runs[len(runs)-1].end = i + 1
			continue
		}
		runs = append(runs, shapedRun{start: i, end: i + 1, font: f})
	}
	return runs
}

func (d *Document) shape(text string, bold bool) *shaped {
	key := shapeKey{text, bold}
	if s, ok := d.shapes[key]; ok {
		return s
	}
	fonts := d.regular
	if bold {
		fonts = d.bold
	}
	s := &shaped{runes: []rune(text), fallback: fonts[0]}
	n := len(s.runes)
	s.adv, s.starts = make([]float64, n+1), make([]bool, n+1)
	s.runs = fontRuns(s.runes, fonts)
	for i := range s.runs {
		r := &s.runs[i]
		f := r.font
		out := d.shaper.Shape(shaping.Input{Text: s.runes, RunStart: r.start, RunEnd: r.end, Direction: di.DirectionLTR,
			Face: f.face, Size: fixed.I(int(f.upem)), Script: f.script, Language: f.lang})
		r.glyphs = make([]glyph, len(out.Glyphs))
		for j, g := range out.Glyphs {
			y := f.em(i26(g.YOffset))
			r.glyphs[j] = glyph{id: uint16(g.GlyphID), adv: f.em(i26(g.XAdvance)), xOff: f.em(i26(g.XOffset)), yOff: y,
				top: y + f.em(i26(g.YBearing)), bottom: y + f.em(i26(g.YBearing+g.Height)),
				cluster: g.ClusterIndex, nRunes: g.RuneCount, nGlyphsInCluster: g.GlyphCount}
			s.adv[g.ClusterIndex] += r.glyphs[j].adv
			s.starts[g.ClusterIndex] = true
		}
		s.starts[r.start] = true
	}
	s.starts[n] = true
	var seg segmenter.Segmenter
	seg.Init(s.runes)
	it := seg.LineIterator()
	for it.Next() {
		if l := it.Line(); l.Offset > 0 {
			s.breaks = append(s.breaks, l.Offset)
		}
	}
	s.breaks = append(s.breaks, n)
	d.shapes[key] = s
	return s
}

type shapeKey struct {
	text string
	bold bool
}

func i26(v fixed.Int26_6) float64 { return float64(v) / 64 }

// width of runes [a, b) without trailing spaces, 1/1000 em.
func (s *shaped) width(a, b int) float64 {
	b = s.trim(a, b)
	w := 0.0
	for i := a; i < b; i++ {
		w += s.adv[i]
	}
	return w
}

// trim drops trailing spaces from [a, b).
func (s *shaped) trim(a, b int) int {
	for b > a && unicode.IsSpace(s.runes[b-1]) {
		b--
	}
	return b
}

// Lines shapes text and breaks it into lines at most width points wide;
// width <= 0 means one line per paragraph. Line breaks in text start new
// lines. Lines break where Unicode allows (UAX #14: at spaces, and at
// zero-width spaces in Khmer), and inside a word only between glyph
// clusters, so a Khmer syllable is never split.
func (d *Document) Lines(text string, st Style, width float64) []*Line {
	key := linesKey{text, st, width}
	if ls, ok := d.lines[key]; ok {
		return ls
	}
	var out []*Line
	for _, para := range strings.Split(text, "\n") {
		s := d.shape(para, st.Bold)
		limit := math.Inf(1)
		if width > 0 {
			limit = width * 1000 / st.Size
		}
		for pos := 0; pos < len(s.runes) || pos == 0; {
			end := s.fit(pos, limit)
			out = append(out, s.line(pos, s.trim(pos, end), st.Size))
			if end == 0 {
				break
			}
			pos = end
		}
	}
	d.lines[key] = out
	return out
}

type linesKey struct {
	text  string
	st    Style
	width float64
}

// fit returns where the line starting at pos ends: at the last break
// opportunity that fits, else after the last glyph cluster that fits, and
// after at least one cluster.
func (s *shaped) fit(pos int, limit float64) int {
	end := -1
	for _, b := range s.breaks {
		if b <= pos {
			continue
		}
		if s.width(pos, b) > limit {
			break
		}
		end = b
	}
	if end > 0 {
		return end
	}
	// The first word alone is too wide: break it between glyph clusters.
	end = pos
	w := 0.0
	for i := pos; i < len(s.runes); i++ {
		w += s.adv[i]
		if !s.starts[i+1] {
			continue
		}
		if w > limit && end > pos {
			return end
		}
		end = i + 1
	}
	return len(s.runes)
}

// line cuts runes [a, b) out of s as a line at size points.
func (s *shaped) line(a, b int, size float64) *Line {
	l := &Line{size: size}
	x := 0.0
	for _, r := range s.runs {
		if r.end <= a || r.start >= b {
			continue
		}
		from := max(a, r.start)
		run := Run{font: r.font, x: x, start: from, text: string(s.runes[from:min(b, r.end)])}
		for _, g := range r.glyphs {
			if g.cluster < a || g.cluster >= b {
				continue
			}
			run.glyphs = append(run.glyphs, g)
			x += g.adv
			l.Ascent = max(l.Ascent, g.top)
			l.Descent = max(l.Descent, -g.bottom)
		}
		l.Ascent = max(l.Ascent, r.font.ascent)
		l.Descent = max(l.Descent, r.font.descent)
		if len(run.glyphs) > 0 {
			l.Runs = append(l.Runs, run)
		}
	}
	if len(l.Runs) == 0 {
		l.Ascent, l.Descent = s.fallback.ascent, s.fallback.descent
	}
	l.Width, l.Ascent, l.Descent = x*size/1000, l.Ascent*size/1000, l.Descent*size/1000
	return l
}

// Height is the line's height in points.
func (l *Line) Height() float64 { return l.Ascent + l.Descent }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
