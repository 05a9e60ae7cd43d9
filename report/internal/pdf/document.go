// Package pdf writes PDF documents with correctly shaped text in several
// scripts, Khmer included, in pure Go.
//
// Text is shaped with github.com/go-text/typesetting (a port of HarfBuzz)
// and drawn by glyph id with Identity-H CID fonts, each glyph at its shaped
// position, so that Khmer subscripts, vowel signs and stacked marks sit
// where HarfBuzz puts them. Fonts are embedded as TrueType subsets. Every
// run of text is wrapped in a marked-content span with /ActualText, and
// each font has a ToUnicode map, so that copying, searching and pdftotext
// give back the original characters.
//
// A run uses one font: text is split into runs by the first font in a
// list that has each character (Noto Sans has no Khmer; Noto Sans Khmer no
// Latin letters).
package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
)

// Document is a PDF being made. It is not safe for concurrent use.
type Document struct {
	shaper        *shaper
	regular, bold []*fontUse
	fonts         []*fontUse // in resource order
	shapes        map[shapeKey]*shaped
	lines         map[linesKey][]*Line
	pages         []*Page

	Title, Subject string
	Created        time.Time
	// Files are embedded in the PDF as attachments (PDF 1.7 §7.11.4), so
	// that a reader's attachment pane shows them and a program can read
	// them back without parsing the pages.
	Files []File
}

// File is a file embedded in a document.
type File struct {
	Name, MediaType string
	Data            []byte
}

// New starts a document that sets text in the regular or bold fonts, each
// list in order of preference.
func New(regular, bold []*Font) *Document {
	d := &Document{shaper: shapers.Get().(*shaper), shapes: map[shapeKey]*shaped{}, lines: map[linesKey][]*Line{}}
	uses := map[*Font]*fontUse{}
	use := func(fs []*Font) []*fontUse {
		var out []*fontUse
		for _, f := range fs {
			u, ok := uses[f]
			if !ok {
				u = &fontUse{Font: f, face: d.shaper.face(f), widths: map[uint16]float64{}, text: map[uint16]string{}}
				uses[f] = u
			}
			out = append(out, u)
		}
		return out
	}
	d.regular, d.bold = use(regular), use(bold)
	return d
}

// use gives f a resource name when a page first draws with it.
func (d *Document) use(f *fontUse) {
	if f.res == "" {
		d.fonts = append(d.fonts, f)
		f.res = fmt.Sprintf("F%d", len(d.fonts))
	}
}

// Pages returns the pages so far.
func (d *Document) Pages() []*Page { return d.pages }

// shaper is a HarfBuzz shaper with a face of each font it has seen.
// Setting a font up for shaping is slow (HarfBuzz builds lookup
// accelerators), so documents reuse shapers, one document at a time.
type shaper struct {
	shaping.HarfbuzzShaper
	faces map[*Font]*font.Face
}

var shapers = sync.Pool{New: func() any { return &shaper{faces: map[*Font]*font.Face{}} }}

func (s *shaper) face(f *Font) *font.Face {
	fc, ok := s.faces[f]
	if !ok {
		fc = font.NewFace(f.parsed)
		s.faces[f] = fc
	}
	return fc
}

// pdfWriter numbers objects and records their offsets.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets []int                // by object number - 1
	zw      map[int]*zlib.Writer // by compression level, reused: each holds a MiB
	z       bytes.Buffer
}

func (w *pdfWriter) alloc() int {
	w.offsets = append(w.offsets, 0)
	return len(w.offsets)
}

func (w *pdfWriter) obj(n int, format string, a ...any) {
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n", n)
	fmt.Fprintf(&w.buf, format, a...)
	w.buf.WriteString("\nendobj\n")
}

func (w *pdfWriter) stream(n int, dict string, data []byte, level int) {
	w.z.Reset()
	zw, ok := w.zw[level]
	if ok {
		zw.Reset(&w.z)
	} else {
		zw, _ = zlib.NewWriterLevel(&w.z, level)
		w.zw[level] = zw
	}
	zw.Write(data)
	zw.Close()
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<<%s /Filter /FlateDecode /Length %d>>\nstream\n", n, dict, w.z.Len())
	w.buf.Write(w.z.Bytes())
	w.buf.WriteString("\nendstream\nendobj\n")
}

// Write writes the document as PDF 1.7. Text can no longer be added.
func (d *Document) Write(out io.Writer) error {
	if d.shaper != nil {
		shapers.Put(d.shaper)
		d.shaper = nil
	}
	w := &pdfWriter{zw: map[int]*zlib.Writer{}}
	w.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	catalog, pages, info, resources := w.alloc(), w.alloc(), w.alloc(), w.alloc()

	var fontRefs []string
	for _, f := range d.fonts {
		ref, err := d.writeFont(w, f)
		if err != nil {
			return err
		}
		fontRefs = append(fontRefs, fmt.Sprintf("/%s %d 0 R", f.res, ref))
	}
	w.obj(resources, "<</Font <<%s>> /ProcSet [/PDF /Text]>>", strings.Join(fontRefs, " "))

	var kids []string
	for _, p := range d.pages {
		content, page := w.alloc(), w.alloc()
		w.stream(content, "", p.buf.Bytes(), zlib.BestSpeed)
		w.obj(page, "<</Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %d 0 R /Contents %d 0 R>>",
			pages, fmtNum(p.W), fmtNum(p.H), resources, content)
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	w.obj(pages, "<</Type /Pages /Kids [%s] /Count %d>>", strings.Join(kids, " "), len(kids))
	var names []string
	for _, f := range d.Files {
		data, spec := w.alloc(), w.alloc()
		w.stream(data, fmt.Sprintf("/Type /EmbeddedFile /Subtype /%s /Params <</Size %d>>", pdfName(f.MediaType), len(f.Data)), f.Data, zlib.BestSpeed)
		w.obj(spec, "<</Type /Filespec /F %s /UF %s /AFRelationship /Data /EF <</F %d 0 R /UF %d 0 R>>>>", pdfString(f.Name), utf16Hex(f.Name), data, data)
		names = append(names, fmt.Sprintf("%s %d 0 R", pdfString(f.Name), spec))
	}
	if len(names) > 0 {
		w.obj(catalog, "<</Type /Catalog /Pages %d 0 R /Names <</EmbeddedFiles <</Names [%s]>>>>>>", pages, strings.Join(names, " "))
	} else {
		w.obj(catalog, "<</Type /Catalog /Pages %d 0 R>>", pages)
	}
	created := d.Created.UTC().Format("20060102150405Z")
	w.obj(info, "<</Title %s /Subject %s /Creator (Courtwatch) /Producer (Courtwatch report/internal/pdf) /CreationDate (D:%s)>>",
		utf16Hex(d.Title), utf16Hex(d.Subject), created)

	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets)+1)
	for _, off := range w.offsets {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
	}
	id := sha256.Sum256(w.buf.Bytes())
	fmt.Fprintf(&w.buf, "trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%x> <%x>]>>\nstartxref\n%d\n%%%%EOF\n",
		len(w.offsets)+1, catalog, info, id[:16], id[:16], xref)
	_, err := out.Write(w.buf.Bytes())
	return err
}

// writeFont writes a Type 0 font with an embedded TrueType subset and
// returns its object number.
func (d *Document) writeFont(w *pdfWriter, f *fontUse) (int, error) {
	used := map[uint16]bool{}
	var gids []int
	for g := range f.widths {
		used[g] = true
		gids = append(gids, int(g))
	}
	sort.Ints(gids)
	sub, err := subsetTrueType(f.data, used, false)
	if err != nil {
		return 0, fmt.Errorf("font %s: %w", f.Name, err)
	}
	// The subset's name starts with a tag made from the glyphs it holds.
	h := sha256.Sum256(fmt.Append(nil, gids))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + h[i]%26
	}
	name := string(tag) + "+" + f.Name

	type0, cid, desc, file, toUni := w.alloc(), w.alloc(), w.alloc(), w.alloc(), w.alloc()
	w.stream(file, fmt.Sprintf(" /Length1 %d", len(sub)), sub, zlib.DefaultCompression)
	w.obj(desc, "<</Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%s %s %s %s] /ItalicAngle 0 /Ascent %s /Descent %s /CapHeight %s /StemV 80 /FontFile2 %d 0 R>>",
		name, fmtNum(f.bbox[0]), fmtNum(f.bbox[1]), fmtNum(f.bbox[2]), fmtNum(f.bbox[3]),
		fmtNum(f.ascent), fmtNum(-f.descent), fmtNum(f.ascent*0.7), file)
	var ws strings.Builder
	for _, g := range gids {
		fmt.Fprintf(&ws, "%d [%s] ", g, fmtNum(f.widths[uint16(g)]))
	}
	w.obj(cid, "<</Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor %d 0 R /DW 0 /W [%s] /CIDToGIDMap /Identity>>",
		name, desc, ws.String())
	w.stream(toUni, "", toUnicode(f.text), zlib.DefaultCompression)
	w.obj(type0, "<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>",
		name, cid, toUni)
	return type0, nil
}

// toUnicode is a CMap from glyph ids to the text each glyph stands for
// when it is a cluster on its own. Glyphs of multi-glyph clusters (as in
// Khmer) have no entry: the /ActualText spans carry their text.
func toUnicode(text map[uint16]string) []byte {
	var gids []uint16
	for g, t := range text {
		if t != "" {
			gids = append(gids, g)
		}
	}
	slices.Sort(gids)
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(gids) > 0 {
		n := min(100, len(gids))
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, g := range gids[:n] {
			u := utf16Hex(text[g])
			fmt.Fprintf(&b, "<%s> <%s>\n", hex4(g), u[5:len(u)-1])
		}
		b.WriteString("endbfchar\n")
		gids = gids[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

func fmtNum(v float64) string { return strconv.FormatFloat(round3(v), 'f', -1, 64) }

// pdfName writes s as a PDF name, escaping what a name cannot hold.
func pdfName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("#()<>[]{}/%", c) >= 0 {
			fmt.Fprintf(&b, "#%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pdfString writes an ASCII s as a PDF literal string.
func pdfString(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}
