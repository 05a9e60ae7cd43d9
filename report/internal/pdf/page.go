package pdf

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Color is an RGB colour, each part from 0 to 1.
type Color struct{ R, G, B float64 }

// Page is one page. Coordinates are in points from the top left corner.
type Page struct {
	W, H float64
	doc  *Document
	buf  bytes.Buffer // content stream
}

// AddPage starts a new page w by h points.
func (d *Document) AddPage(w, h float64) *Page {
	p := &Page{W: w, H: h, doc: d}
	d.pages = append(d.pages, p)
	return p
}

func (p *Page) num(v float64) {
	p.buf.Write(strconv.AppendFloat(p.buf.AvailableBuffer(), round3(v), 'f', -1, 64))
	p.buf.WriteByte(' ')
}

func (p *Page) fill(c Color) {
	p.num(c.R)
	p.num(c.G)
	p.num(c.B)
	p.buf.WriteString("rg\n")
}

// Rect fills a rectangle whose top left corner is at x, y.
func (p *Page) Rect(x, y, w, h float64, c Color) {
	p.fill(c)
	p.num(x)
	p.num(p.H - y - h)
	p.num(w)
	p.num(h)
	p.buf.WriteString("re f\n")
}

// Stroke draws a straight line.
func (p *Page) Stroke(x1, y1, x2, y2, width float64, c Color) {
	p.num(c.R)
	p.num(c.G)
	p.num(c.B)
	p.buf.WriteString("RG ")
	p.num(width)
	p.buf.WriteString("w ")
	p.num(x1)
	p.num(p.H - y1)
	p.buf.WriteString("m ")
	p.num(x2)
	p.num(p.H - y2)
	p.buf.WriteString("l S\n")
}

// Disc fills a circle of radius r around x, y.
func (p *Page) Disc(x, y, r float64, c Color) {
	const k = 0.5523 // Bézier control distance for a quarter circle
	y = p.H - y
	p.fill(c)
	pts := [][6]float64{
		{x + r, y + k*r, x + k*r, y + r, x, y + r},
		{x - k*r, y + r, x - r, y + k*r, x - r, y},
		{x - r, y - k*r, x - k*r, y - r, x, y - r},
		{x + k*r, y - r, x + r, y - k*r, x + r, y},
	}
	p.num(x + r)
	p.num(y)
	p.buf.WriteString("m ")
	for _, c := range pts {
		for _, v := range c {
			p.num(v)
		}
		p.buf.WriteString("c ")
	}
	p.buf.WriteString("f\n")
}

// Text draws a line with its left end at x and its baseline at y. Each
// run is drawn by glyph id, every glyph at its shaped position (marks
// included, raised or lowered with text rise). The whole line is one
// marked-content span whose /ActualText is the line's text, so that text
// extraction and search give back the original characters in their
// logical order. One span per line, not per run: where a Khmer run ends in
// a mark drawn back over its base (a subscript consonant with a vowel
// sign), the run's last glyph ends short of where the next run starts, and
// extractors such as pdftotext read that gap as a space.
func (p *Page) Text(l *Line, x, y float64, c Color) {
	if len(l.Runs) == 0 {
		return
	}
	p.fill(c)
	var text strings.Builder
	for _, r := range l.Runs {
		text.WriteString(r.text)
	}
	p.buf.WriteString("/Span <</ActualText ")
	p.buf.WriteString(utf16Hex(text.String()))
	p.buf.WriteString(">> BDC\n")
	for _, r := range l.Runs {
		f := r.font
		p.doc.use(f)
		p.buf.WriteString("BT /")
		p.buf.WriteString(f.res)
		p.buf.WriteByte(' ')
		p.num(l.size)
		p.buf.WriteString("Tf 1 0 0 1 ")
		p.num(x + r.x*l.size/1000)
		p.num(p.H - y)
		p.buf.WriteString("Tm [")
		cur, pen, rise := 0.0, 0.0, 0.0
		var runes []rune // r.text, made when a glyph's text is first needed
		for _, g := range r.glyphs {
			if g.yOff != rise {
				p.buf.WriteString("] TJ ")
				p.num(g.yOff * l.size / 1000)
				p.buf.WriteString("Ts [")
				rise = g.yOff
			}
			if d := pen + g.xOff - cur; d > 0.0005 || d < -0.0005 {
				p.num(-d)
				cur += d
			}
			p.buf.WriteByte('<')
			p.buf.WriteString(hex4(g.id))
			p.buf.WriteByte('>')
			cur += f.width(g.id)
			pen += g.adv
			if _, ok := f.text[g.id]; !ok && g.nGlyphsInCluster == 1 {
				if runes == nil {
					runes = []rune(r.text)
				}
				if i := g.cluster - r.start; i >= 0 && i+g.nRunes <= len(runes) {
					f.text[g.id] = string(runes[i : i+g.nRunes])
				}
			}
		}
		p.buf.WriteString("] TJ ")
		if rise != 0 {
			p.buf.WriteString("0 Ts ")
		}
		p.buf.WriteString("ET\n")
	}
	p.buf.WriteString("EMC\n")
}

func hex4(v uint16) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

// utf16Hex encodes s as a PDF text string: UTF-16BE with a byte order
// mark, in hex.
func utf16Hex(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteString(hex4(u))
	}
	b.WriteByte('>')
	return b.String()
}
