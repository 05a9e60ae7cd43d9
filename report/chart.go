package report

import (
	"fmt"
	"unicode/utf8"
)

// chartGeom is a Chart laid out as rectangles and text in abstract units
// (SVG pixels or PDF points), y growing downwards. The HTML and the PDF
// renderers draw the same geometry.
type chartGeom struct {
	Title                     string
	Width, Height             float64
	Top, Bottom, AxisY        float64
	Legend                    []chartText
	Grid                      []chartText // X is the line's position
	Rows                      []chartRowGeom
	LabelSize, TextSize       float64
	LabelWidth, BarAreaWidth  float64
	barHeight, barGap, rowGap float64
}

type chartText struct {
	X, Y, TextX, TextY float64
	Color, Text        string
}

type chartRowGeom struct {
	Label          string
	LabelX, LabelY float64
	Bars           []chartBar
}

type chartBar struct {
	X, Y, W, H   float64
	TextX, TextY float64
	Color        string
	Text, Title  string
}

var seriesColors = []string{"#4a6fa5", "#c8553d", "#6a994e", "#8d6a9f"}

// layoutChart lays ch out in a box width units wide.
func layoutChart(ch *Chart, width float64) *chartGeom {
	g := &chartGeom{Title: ch.Title, Width: width, LabelSize: 12, TextSize: 11, LabelWidth: 200,
		barHeight: 9, barGap: 2, rowGap: 9}
	g.BarAreaWidth = width - g.LabelWidth - 70
	x0 := g.LabelWidth + 10
	x := x0
	for i, s := range ch.Series {
		c := seriesColors[i%len(seriesColors)]
		text := ch.t.T("%s with a concern", s)
		g.Legend = append(g.Legend, chartText{X: x, Y: 2, TextX: x + 17, TextY: 12.5, Color: c, Text: text})
		x += 17 + float64(utf8.RuneCountInString(text))*6.2 + 24
	}
	g.AxisY, g.Top = 36, 42
	y := g.Top + 6
	for _, row := range ch.Rows {
		n := float64(len(row.Values))
		h := n*g.barHeight + (n-1)*g.barGap
		r := chartRowGeom{Label: row.Label, LabelX: g.LabelWidth, LabelY: y + h/2 + 4}
		for i, v := range row.Values {
			total := ch.Total(row, i)
			w := 0.0
			if total > 0 {
				w = float64(v) / float64(total) * g.BarAreaWidth
			}
			by := y + float64(i)*(g.barHeight+g.barGap)
			text := scoreText(ch, row, i, v)
			title := ch.t.T("%s: %d of %d %s with a concern", row.Label, v, total, ch.Series[i])
			if total == 0 {
				title = row.Label + ", " + ch.Series[i] + ": " + text
			}
			r.Bars = append(r.Bars, chartBar{X: x0, Y: by, W: w, H: g.barHeight, TextX: x0 + w + 4, TextY: by + g.barHeight - 0.5,
				Color: seriesColors[i%len(seriesColors)], Text: text, Title: title})
		}
		g.Rows = append(g.Rows, r)
		y += h + g.rowGap
	}
	g.Bottom = y - g.rowGap + 4
	for i := 0; i <= 4; i++ {
		g.Grid = append(g.Grid, chartText{X: x0 + float64(i)/4*g.BarAreaWidth, Text: fmt.Sprintf("%d%%", i*25)})
	}
	g.Height = g.Bottom + 4
	return g
}
