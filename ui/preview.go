package ui

import (
	"fmt"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/report"
)

// The export preview shows a report's Doc as a list of rows: headings and
// paragraphs are rows of one cell; fields, table rows and the timeline are
// rows of several cells (colsLayout); the chart is a row of bars per group.
// A case report has thousands of cells, and measuring wrapped text is slow
// (Fyne shapes every string), so the rows are a widget.List: only the rows
// on screen are built and measured, and each is measured once per width.
// Until then a row's height is estimated from its text's length.

// docRow is one row of the preview.
type docRow struct {
	widths []float64
	segs   []*widget.TextSegment // one per column
	sep    bool                  // a rule under a table's header
	bars   []docBar              // a chart row: segs[0] is the label
}

// docBar is one bar of a chart row: n of total.
type docBar struct {
	n, total int
	series   string
}

// docRows flattens d into rows, in reading order.
func docRows(d *report.Doc) []docRow {
	var b docBuilder
	b.text(docSeg(d.Kind, mutedStyle()))
	b.text(docSeg(d.Title, widget.RichTextStyleHeading))
	b.text(docSeg(d.Subtitle, widget.RichTextStyleParagraph))
	for _, bl := range d.Blocks {
		b.block(bl)
	}
	b.rows = append(b.rows, docRow{widths: []float64{1}, sep: true})
	for _, l := range d.Footer.Lines() {
		b.text(docSeg(l, mutedStyle()))
	}
	return b.rows
}

// docBuilder accumulates the rows of a preview.
type docBuilder struct{ rows []docRow }

// text adds a paragraph of one cell.
func (b *docBuilder) text(s *widget.TextSegment) { b.cols([]float64{1}, s) }

// cols adds a row of texts, one per column.
func (b *docBuilder) cols(widths []float64, segs ...*widget.TextSegment) {
	b.rows = append(b.rows, docRow{widths: widths, segs: segs})
}

func (b *docBuilder) block(bl report.Block) {
	switch {
	case bl.Heading != nil:
		style := widget.RichTextStyleSubHeading
		if bl.Heading.Level >= 3 {
			style = widget.RichTextStyleStrong
		}
		b.text(docSeg(bl.Heading.Text, style))
	case bl.Para != nil:
		style := widget.RichTextStyleParagraph
		if bl.Para.Style == report.MarkMuted {
			style = mutedStyle()
		}
		b.text(docSeg(bl.Para.Text, style))
	case bl.Fields != nil:
		for _, f := range bl.Fields {
			b.cols([]float64{1, 4}, docSeg(f.Label, widget.RichTextStyleStrong), docSeg(f.Value, widget.RichTextStyleParagraph))
		}
	case bl.Table != nil:
		b.table(bl.Table)
	case bl.Chart != nil:
		b.chart(bl.Chart)
	case bl.Timeline != nil:
		b.timeline(bl.Timeline)
	}
}

func (b *docBuilder) table(t *report.Table) {
	widths := t.Widths
	if len(widths) != len(t.Columns) {
		widths = make([]float64, len(t.Columns))
		for i := range widths {
			widths[i] = 1
		}
	}
	head := make([]*widget.TextSegment, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = docSeg(c, widget.RichTextStyleStrong)
	}
	b.cols(widths, head...)
	b.rows = append(b.rows, docRow{widths: []float64{1}, sep: true})
	for _, r := range t.Rows {
		cells := make([]*widget.TextSegment, len(t.Columns))
		for i := range cells {
			var c report.Cell
			if i < len(r) {
				c = r[i]
			}
			cells[i] = docSeg(c.Text, markStyle(c.Mark))
		}
		b.cols(widths, cells...)
	}
}

// chart shows each group as a label and one bar per series, "n / total".
func (b *docBuilder) chart(c *report.Chart) {
	if c.Title != "" {
		b.text(docSeg(c.Title, widget.RichTextStyleStrong))
	}
	widths := []float64{3}
	for range c.Series {
		widths = append(widths, 2)
	}
	for _, r := range c.Rows {
		row := docRow{widths: widths, segs: []*widget.TextSegment{docSeg(r.Label, widget.RichTextStyleParagraph)}}
		for i, series := range c.Series {
			bar := docBar{series: series}
			if i < len(r.Values) {
				bar.n = r.Values[i]
			}
			bar.total = c.Total(r, i)
			row.bars = append(row.bars, bar)
		}
		b.rows = append(b.rows, row)
	}
}

func (b *docBuilder) timeline(es []report.Event) {
	for _, e := range es {
		when := ""
		if !e.When.IsZero() {
			when = e.When.Format("2 Jan 2006")
		}
		title := widget.RichTextStyleStrong
		if e.Mark == report.MarkConcern {
			title = markStyle(report.MarkConcern)
		}
		b.cols([]float64{1, 2, 4}, docSeg(when, widget.RichTextStyleParagraph), docSeg(e.Title, title),
			docSeg(e.Detail, widget.RichTextStyleParagraph))
	}
}

func docSeg(text string, style widget.RichTextStyle) *widget.TextSegment {
	return &widget.TextSegment{Text: text, Style: style}
}

func mutedStyle() widget.RichTextStyle {
	s := widget.RichTextStyleParagraph
	s.ColorName = theme.ColorNamePlaceHolder
	s.SizeName = theme.SizeNameCaptionText
	return s
}

// markStyle is how a table cell with this mark is drawn.
func markStyle(mark string) widget.RichTextStyle {
	s := widget.RichTextStyleParagraph
	switch mark {
	case report.MarkConcern:
		s.ColorName = theme.ColorNameError
		s.TextStyle.Bold = true
	case report.MarkStrong:
		s.TextStyle.Bold = true
	case report.MarkMuted:
		s.ColorName = theme.ColorNamePlaceHolder
	}
	return s
}

// docList shows rows in a widget.List, building and measuring a row when
// it first comes on screen.
type docList struct {
	rows  []docRow
	list  *keyList
	width float32                     // the width cells and heights were made for
	cells map[int][]fyne.CanvasObject // built rows, by index
	set   map[int]float32             // heights given to the list
	line  float32                     // height of one line of text
	char  float32                     // average width of a character
}

// newDocList shows rows; width is a guess of the list's width, for the
// estimated heights.
func newDocList(rows []docRow, width float32) *docList {
	l := &docList{rows: rows}
	one := widget.NewRichText(docSeg("Ag", widget.RichTextStyleParagraph))
	l.line = one.MinSize().Height
	sample := "the quick brown fox jumps over the lazy dog 0123456789"
	l.char = fyne.MeasureText(sample, theme.TextSize(), fyne.TextStyle{}).Width / float32(len(sample))
	l.list = newKeyList(
		func() int { return len(l.rows) },
		func() fyne.CanvasObject { return container.New(&colsLayout{height: l.line}) },
		l.update,
	)
	l.list.HideSeparators = true
	l.list.OnSelected = func(widget.ListItemID) { l.list.UnselectAll() }
	l.estimate(width)
	return l
}

// setRows shows other rows, from the top.
func (l *docList) setRows(rows []docRow, width float32) {
	l.rows, l.width, l.cells = rows, 0, map[int][]fyne.CanvasObject{}
	l.estimate(width)
	l.list.Refresh()
	l.list.ScrollToTop()
}

// update puts row id into o, building and measuring it the first time.
func (l *docList) update(id widget.ListItemID, o fyne.CanvasObject) {
	w := l.list.Size().Width - theme.Padding()
	if w <= 0 {
		return
	}
	if w != l.width { // first shown, or resized: measure again
		l.width, l.cells = w, map[int][]fyne.CanvasObject{}
	}
	cells, ok := l.cells[id]
	if !ok {
		cells = l.build(l.rows[id])
		l.cells[id] = cells
	}
	h := l.measure(l.rows[id], cells)
	c := o.(*fyne.Container)
	c.Layout = &colsLayout{widths: l.rows[id].widths, height: h}
	c.Objects = cells
	c.Refresh()
	if l.set[id] != h {
		l.set[id] = h
		l.list.SetItemHeight(id, h)
	}
}

// estimate gives every row a height from its text's length at this
// width, so that the scroll bar is about right before rows are measured.
// It is called before the list is shown, when setting a height is cheap.
func (l *docList) estimate(width float32) {
	l.set = make(map[int]float32, len(l.rows))
	pad := theme.InnerPadding() * 2
	for i, r := range l.rows {
		h := l.line
		if r.sep {
			h = theme.Padding()
		}
		ws := colWidths(r.widths, width)
		for j, s := range r.segs {
			if j >= len(ws) {
				break
			}
			lines := 0
			for _, para := range strings.Split(s.Text, "\n") {
				lines += max(1, int(math.Ceil(float64(float32(len([]rune(para)))*l.char/max(ws[j]-pad, 1)))))
			}
			h = max(h, float32(lines)*(l.line-pad)+pad)
		}
		l.set[i] = h
		l.list.SetItemHeight(i, h)
	}
}

// build makes the widgets of a row.
func (l *docList) build(r docRow) []fyne.CanvasObject {
	if r.sep {
		return []fyne.CanvasObject{widget.NewSeparator()}
	}
	var cells []fyne.CanvasObject
	for _, s := range r.segs {
		t := widget.NewRichText(s)
		t.Wrapping = fyne.TextWrapWord
		cells = append(cells, t)
	}
	for _, b := range r.bars {
		bar := widget.NewProgressBar()
		bar.Max = float64(max(b.total, 1))
		bar.Value = float64(b.n)
		bar.TextFormatter = func() string { return fmt.Sprintf("%d / %d %s", b.n, b.total, b.series) }
		cells = append(cells, bar)
	}
	return cells
}

// measure sizes cells to their columns at the list's width and returns
// the row's height: that of its tallest cell.
func (l *docList) measure(r docRow, cells []fyne.CanvasObject) float32 {
	if r.sep {
		return theme.Padding()
	}
	ws := colWidths(r.widths, l.width)
	var h float32
	for i, c := range cells {
		if i < len(ws) && c.Size().Width != ws[i] {
			c.Resize(fyne.NewSize(ws[i], c.Size().Height))
		}
		h = max(h, c.MinSize().Height)
	}
	return h
}

// colsLayout lays out one row of cells side by side, each as wide as its
// share of widths, all as tall as the row.
type colsLayout struct {
	widths []float64
	height float32
}

func colWidths(widths []float64, total float32) []float32 {
	var sum float64
	for _, w := range widths {
		sum += w
	}
	out := make([]float32, len(widths))
	for i, w := range widths {
		out[i] = float32(w / sum * float64(total))
	}
	return out
}

func (l *colsLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, l.height) }

func (l *colsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := colWidths(l.widths, size.Width)
	var x float32
	for i, o := range objs {
		if i >= len(ws) {
			o.Hide()
			continue
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(ws[i], size.Height))
		x += ws[i]
	}
}

// previewNote says that the preview is what the export holds.
func previewNote() string {
	return lang.L("This is what the report holds. Choose a format and save it where you choose; nothing is written anywhere else.")
}
