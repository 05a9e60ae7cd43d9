package report

import (
	"strconv"

	"courtwatch/report/internal/pdf"
)

// table draws a table row by row, repeating the header row on every page
// it continues on. A row never splits across pages.
func (l *pdfLayout) table(t *Table) {
	l.cellSize = tableSize
	if t.Small {
		l.cellSize = smallTableSize
	}
	defer func() { l.cellSize = tableSize }()
	ws := columnWidths(t.Widths, len(t.Columns))
	head := headerRow(t)
	headH := l.rowHeight(head, ws)
	if len(t.Rows) > 0 {
		l.room(headH + l.rowHeight(t.Rows[0], ws))
	}
	l.row(head, ws, headH, true)
	for _, r := range t.Rows {
		h := l.rowHeight(r, ws)
		if l.y+h > pageH-marginBelow {
			l.newPage()
			l.row(head, ws, headH, true)
		}
		l.row(r, ws, h, false)
	}
	l.y += 8
}

func headerRow(t *Table) []Cell {
	head := make([]Cell, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = Cell{Text: c, Mark: MarkStrong}
	}
	return head
}

func columnWidths(rel []float64, n int) []float64 {
	ws := make([]float64, n)
	sum := 0.0
	for i := range ws {
		ws[i] = 1
		if i < len(rel) {
			ws[i] = rel[i]
		}
		sum += ws[i]
	}
	for i := range ws {
		ws[i] *= contentW / sum
	}
	return ws
}

func (l *pdfLayout) cellStyle(c Cell) (pdf.Style, pdf.Color) {
	size := l.cellSize
	if size == 0 {
		size = tableSize
	}
	switch c.Mark {
	case MarkConcern:
		return pdf.Style{Size: size, Bold: true}, concern
	case MarkMuted:
		return pdf.Style{Size: size}, muted
	case MarkStrong:
		return pdf.Style{Size: size, Bold: true}, ink
	}
	return pdf.Style{Size: size}, ink
}

func (l *pdfLayout) rowHeight(r []Cell, ws []float64) float64 {
	h := 0.0
	for i, c := range r {
		st, _ := l.cellStyle(c)
		h = max(h, l.lines(c.Text, st, 0, 0, ws[i]-2*cellPadX, ink, false))
	}
	return h + 2*cellPadY
}

func (l *pdfLayout) row(r []Cell, ws []float64, h float64, header bool) {
	x := marginX
	if header {
		l.page.Rect(marginX, l.y, contentW, h, headFill)
	}
	for i, c := range r {
		if c.Mark == MarkConcern {
			l.page.Rect(x, l.y, ws[i], h, concernBg)
		}
		st, col := l.cellStyle(c)
		l.lines(c.Text, st, x+cellPadX, l.y+cellPadY, ws[i]-2*cellPadX, col, true)
		l.page.Stroke(x, l.y, x, l.y+h, 0.4, rule)
		x += ws[i]
	}
	l.page.Stroke(x, l.y, x, l.y+h, 0.4, rule)
	l.page.Stroke(marginX, l.y, x, l.y, 0.4, rule)
	l.page.Stroke(marginX, l.y+h, x, l.y+h, 0.4, rule)
	l.y += h
}

// chart draws the scorecard from the same geometry as the HTML's SVG,
// scaled to the page.
func (l *pdfLayout) chart(ch *Chart) {
	const designW = 760.0
	g := layoutChart(ch, designW)
	s := contentW / designW
	l.room(g.Height*s + 20)
	x0, y0 := marginX, l.y
	text := func(t string, size float64, x, baseline float64, c pdf.Color, anchor string) {
		ln := l.d.Lines(t, pdf.Style{Size: size * s}, 0)[0]
		switch anchor {
		case "end":
			x -= ln.Width
		case "middle":
			x -= ln.Width / 2
		}
		l.page.Text(ln, x, baseline, c)
	}
	for _, it := range g.Legend {
		l.page.Rect(x0+it.X*s, y0+it.Y*s, 12*s, 12*s, hexColor(it.Color))
		text(it.Text, g.LabelSize, x0+it.TextX*s, y0+it.TextY*s, ink, "")
	}
	for _, gl := range g.Grid {
		l.page.Stroke(x0+gl.X*s, y0+g.Top*s, x0+gl.X*s, y0+g.Bottom*s, 0.5, rule)
		text(gl.Text, g.TextSize, x0+gl.X*s, y0+g.AxisY*s, muted, "middle")
	}
	for _, r := range g.Rows {
		text(r.Label, g.LabelSize, x0+r.LabelX*s, y0+r.LabelY*s, ink, "end")
		for _, b := range r.Bars {
			if b.W > 0 {
				l.page.Rect(x0+b.X*s, y0+b.Y*s, b.W*s, b.H*s, hexColor(b.Color))
			}
			text(b.Text, g.TextSize, x0+b.TextX*s, y0+b.TextY*s, ink, "")
		}
	}
	l.y += g.Height*s + 10
}

func hexColor(h string) pdf.Color {
	v, _ := strconv.ParseUint(h[1:], 16, 32)
	return pdf.Color{R: float64(v>>16&255) / 255, G: float64(v>>8&255) / 255, B: float64(v&255) / 255}
}

// timeline draws events down a vertical line, one dot each.
func (l *pdfLayout) timeline(es []Event) {
	const indent = 18
	x := marginX + indent
	w := contentW - indent
	for _, e := range es {
		date := newTr(l.doc.Lang).dayTime(e.When)
		h := l.lines(date, pdf.Style{Size: 7.5}, 0, 0, w, muted, false) +
			l.lines(e.Title, pdf.Style{Size: bodySize, Bold: true}, 0, 0, w, ink, false)
		if e.Detail != "" {
			h += l.lines(e.Detail, pdf.Style{Size: 8.5}, 0, 0, w, ink, false)
		}
		l.room(h + 6)
		dot := pdf.Color{R: 0.29, G: 0.435, B: 0.647}
		if e.Mark == MarkConcern {
			dot = concern
		}
		l.page.Stroke(marginX+5, l.y, marginX+5, l.y+h+6, 1.5, rule)
		l.page.Disc(marginX+5, l.y+6, 3.5, dot)
		y := l.y
		y += l.lines(date, pdf.Style{Size: 7.5}, x, y, w, muted, true)
		y += l.lines(e.Title, pdf.Style{Size: bodySize, Bold: true}, x, y, w, ink, true)
		if e.Detail != "" {
			l.lines(e.Detail, pdf.Style{Size: 8.5}, x, y, w, ink, true)
		}
		l.y += h + 6
	}
	l.y += 6
}
