package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"courtwatch/assets/fonts"
	"courtwatch/report/internal/pdf"
)

// Page geometry in points: A4 portrait.
const (
	pageW, pageH           = 595.28, 841.89
	marginX                = 46.0
	marginTop, marginBelow = 48.0, 58.0
	contentW               = pageW - 2*marginX
	bodySize, tableSize    = 9.0, 7.6
	smallTableSize         = 5.6
	cellPadX, cellPadY     = 3.0, 2.2
)

var (
	ink       = pdf.Color{R: 0.11, G: 0.14, B: 0.19}
	muted     = pdf.Color{R: 0.36, G: 0.39, B: 0.45}
	rule      = pdf.Color{R: 0.79, G: 0.81, B: 0.84}
	headFill  = pdf.Color{R: 0.93, G: 0.945, B: 0.96}
	concern   = pdf.Color{R: 0.70, G: 0.15, B: 0.12}
	concernBg = pdf.Color{R: 0.984, G: 0.914, B: 0.906}
)

// pdfFonts parses the embedded fonts once; documents share them.
var pdfFonts = sync.OnceValues(func() ([2][]*pdf.Font, error) {
	var out [2][]*pdf.Font
	for i, set := range [2][2][]byte{{fonts.SansRegular, fonts.KhmerRegular}, {fonts.SansBold, fonts.KhmerBold}} {
		weight := [2]string{"Regular", "Bold"}[i]
		latin, err := pdf.ParseFont("NotoSans-"+weight, set[0], "Latn", "en")
		if err != nil {
			return out, err
		}
		khmer, err := pdf.ParseFont("NotoSansKhmer-"+weight, set[1], "Khmr", "km")
		if err != nil {
			return out, err
		}
		out[i] = []*pdf.Font{latin, khmer}
	}
	return out, nil
})

// WritePDF writes the report as an A4 PDF with the fonts embedded. Its
// text is real text: Khmer is shaped as HarfBuzz shapes it, and copying
// or pdftotext gives back the original characters.
func (d *Doc) WritePDF(w io.Writer) error {
	fs, err := pdfFonts()
	if err != nil {
		return fmt.Errorf("report fonts: %w", err)
	}
	l := &pdfLayout{d: pdf.New(fs[0], fs[1]), doc: d}
	l.d.Title, l.d.Subject, l.d.Created = d.Kind+": "+d.Title, d.Subtitle, d.Footer.Generated
	m, err := json.Marshal(d.Manifest())
	if err != nil {
		return err
	}
	l.d.Files = []pdf.File{{Name: ManifestFile, MediaType: "application/json", Data: m}}
	l.newPage()
	l.paragraph(strings.ToUpper(d.Kind), pdf.Style{Size: 8, Bold: true}, muted, 2)
	l.paragraph(d.Title, pdf.Style{Size: 17, Bold: true}, ink, 2)
	l.paragraph(d.Subtitle, pdf.Style{Size: 10.5}, muted, 10)
	blocks := d.AllBlocks()
	for i, b := range blocks {
		switch {
		case b.Heading != nil:
			l.heading(b.Heading, l.leadHeight(blocks[i+1:]))
		case b.Para != nil:
			st, c := paraStyle(b.Para)
			l.paragraph(b.Para.Text, st, c, 5)
		case b.Fields != nil:
			l.fields(b.Fields)
		case b.Table != nil:
			l.table(b.Table)
		case b.Chart != nil:
			l.chart(b.Chart)
		case b.Timeline != nil:
			l.timeline(b.Timeline)
		}
	}
	l.provenance()
	l.pageFooters()
	return l.d.Write(w)
}

// pdfLayout flows a Doc's blocks down the pages.
type pdfLayout struct {
	d        *pdf.Document
	doc      *Doc
	page     *pdf.Page
	y        float64 // top of the free space on the page
	cellSize float64 // type size of the table being set
}

func (l *pdfLayout) newPage() {
	l.page = l.d.AddPage(pageW, pageH)
	l.y = marginTop
}

// room starts a new page unless h points fit below y.
func (l *pdfLayout) room(h float64) {
	if l.y+h > pageH-marginBelow && l.y > marginTop {
		l.newPage()
	}
}

// lines draws text wrapped to width w at x from y down, and returns the
// height used. draw false only measures.
func (l *pdfLayout) lines(text string, st pdf.Style, x, y, w float64, c pdf.Color, draw bool) float64 {
	h := 0.0
	for _, ln := range l.d.Lines(text, st, w) {
		if draw {
			l.page.Text(ln, x, y+h+ln.Ascent, c)
		}
		h += ln.Height()
	}
	return h
}

func (l *pdfLayout) paragraph(text string, st pdf.Style, c pdf.Color, after float64) {
	for _, ln := range l.d.Lines(text, st, contentW) {
		l.room(ln.Height())
		l.page.Text(ln, marginX, l.y+ln.Ascent, c)
		l.y += ln.Height()
	}
	l.y += after
}

func paraStyle(p *Para) (pdf.Style, pdf.Color) {
	if p.Style == MarkMuted {
		return pdf.Style{Size: 8}, muted
	}
	return pdf.Style{Size: bodySize}, ink
}

func headingStyle(h *Heading) pdf.Style {
	size := map[int]float64{1: 16, 2: 13, 3: 10.5}[h.Level]
	if size == 0 {
		size = 10.5
	}
	return pdf.Style{Size: size, Bold: true}
}

// leadHeight is how much of what follows a heading must fit on the page
// with it: the paragraphs and headings up to the next other block, and
// that block's first row, field or event (a chart whole).
func (l *pdfLayout) leadHeight(next []Block) float64 {
	h := 0.0
	for _, b := range next {
		switch {
		case b.Heading != nil:
			st := headingStyle(b.Heading)
			h += st.Size*0.6 + l.lines(b.Heading.Text, st, 0, 0, contentW, ink, false) + 7
			continue
		case b.Para != nil:
			st, _ := paraStyle(b.Para)
			h += l.lines(b.Para.Text, st, 0, 0, contentW, ink, false) + 5
			continue
		case b.Table != nil:
			ws := columnWidths(b.Table.Widths, len(b.Table.Columns))
			h += l.rowHeight(headerRow(b.Table), ws) + l.rowHeight(b.Table.Rows[0], ws)
		case b.Chart != nil:
			h += layoutChart(b.Chart, 760).Height * contentW / 760
		default:
			h += 30
		}
		break
	}
	return min(h, 400)
}

func (l *pdfLayout) heading(h *Heading, lead float64) {
	st := headingStyle(h)
	l.y += st.Size * 0.6
	l.room(l.lines(h.Text, st, 0, 0, contentW, ink, false) + lead)
	l.y += l.lines(h.Text, st, marginX, l.y, contentW, ink, true)
	if h.Level <= 2 {
		l.page.Stroke(marginX, l.y+1.5, marginX+contentW, l.y+1.5, 1.2, ink)
		l.y += 4
	}
	l.y += 3
}

func (l *pdfLayout) fields(fs []Field) {
	const labelW = 108
	for _, f := range fs {
		st := pdf.Style{Size: bodySize}
		h := max(l.lines(f.Value, st, 0, 0, contentW-labelW, ink, false), l.lines(f.Label, pdf.Style{Size: bodySize, Bold: true}, 0, 0, labelW-6, ink, false))
		l.room(h)
		l.lines(f.Label, pdf.Style{Size: bodySize, Bold: true}, marginX, l.y, labelW-6, ink, true)
		l.lines(f.Value, st, marginX+labelW, l.y, contentW-labelW, ink, true)
		l.y += h + 1.5
	}
	l.y += 6
}

func (l *pdfLayout) provenance() {
	l.heading(&Heading{Level: 3, Text: newTr(l.doc.Lang).T("Provenance")}, 40)
	for _, s := range l.doc.Footer.Lines() {
		l.paragraph(s, pdf.Style{Size: 7.5}, muted, 1)
	}
}

// pageFooters writes a footer line on every page, now that the number
// of pages is known.
func (l *pdfLayout) pageFooters() {
	pages := l.d.Pages()
	f := l.doc.Footer
	hash := f.Latest
	if len(hash) > 16 {
		hash = hash[:16] + "…"
	}
	t := newTr(l.doc.Lang)
	for i, p := range pages {
		left := t.T("Courtwatch %s · generated %s · latest record %s", strings.ToLower(l.doc.Kind),
			f.Generated.Format("2006-01-02 15:04 MST"), hash)
		st := pdf.Style{Size: 7}
		y := pageH - marginBelow + 22
		p.Stroke(marginX, y-9, marginX+contentW, y-9, 0.5, rule)
		for _, ln := range l.d.Lines(left, st, contentW-70) {
			p.Text(ln, marginX, y, muted)
			break
		}
		right := l.d.Lines(t.T("page %d of %d", i+1, len(pages)), st, 0)[0]
		p.Text(right, marginX+contentW-right.Width, y, muted)
	}
}
