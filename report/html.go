package report

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"io"
	"regexp"
	"strings"
	"time"

	"courtwatch/assets/fonts"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"lines":    htmlLines,
	"percents": percents,
	"chart":    func(ch *Chart) *chartGeom { return layoutChart(ch, 760) },
}).Parse(htmlSource))

// WriteHTML writes the report as one self-contained HTML file: the fonts
// and the chart are inside it, so it reads the same in any browser, on
// screen and printed, with no network.
//
// The page is rendered twice: first without fonts, to learn which text it
// shows, then with Noto Sans cut down to the glyphs that text needs (tens
// of kilobytes instead of half a megabyte per weight). Noto Sans Khmer is
// embedded whole, so that a browser shaping Khmer its own way still finds
// every glyph.
func (d *Doc) WriteHTML(w io.Writer) error {
	var page bytes.Buffer
	if err := htmlTemplate.Execute(&page, htmlView{Doc: d}); err != nil {
		return err
	}
	css, err := fontFaces(htmlWords(page.String()))
	if err != nil {
		return err
	}
	return htmlTemplate.Execute(w, htmlView{Doc: d, Fonts: css})
}

type htmlView struct {
	*Doc
	Fonts template.CSS
}

// When is a timeline's date in the report's language.
func (v htmlView) When(t time.Time) string { return newTr(v.Lang).dayTime(t) }

var (
	styleElement = regexp.MustCompile(`(?s)<style>.*?</style>`)
	textNode     = regexp.MustCompile(`>([^<]+)<`)
)

// htmlWords returns the distinct words of a page's text. Latin ligatures
// and kerning do not reach across spaces, so words are enough to find the
// glyphs.
//
// Ids and hashes (runs of hex digits and hyphens), thousands of them in
// the list of records, need no word of their own: one word holding every
// hex digit finds their glyphs, and spares shaping each.
func htmlWords(page string) []string {
	seen := map[string]bool{}
	out := []string{hexDigits}
	for _, m := range textNode.FindAllStringSubmatch(styleElement.ReplaceAllString(page, "><"), -1) {
		for _, w := range strings.Fields(html.UnescapeString(m[1])) {
			if len(w) >= 12 && strings.Trim(w, hexDigits) == "" {
				continue
			}
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

const hexDigits = "0123456789abcdef-"

// fontFaces is the CSS that embeds the fonts as base64. Khmer text falls
// back from Noto Sans to Noto Sans Khmer.
func fontFaces(words []string) (template.CSS, error) {
	fs, err := pdfFonts()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	face := func(family string, weight int, ttf []byte, ranges string) {
		fmt.Fprintf(&b, "@font-face { font-family: %q; font-weight: %d; font-style: normal; %ssrc: url(data:font/ttf;base64,%s) format(\"truetype\"); }\n",
			family, weight, ranges, base64.StdEncoding.EncodeToString(ttf))
	}
	for i, weight := range []int{400, 700} {
		latin, err := fs[i][0].WebSubset(words)
		if err != nil {
			return "", err
		}
		face("Courtwatch Sans", weight, latin, "")
	}
	const khmer = "unicode-range: U+1780-17FF, U+19E0-19FF, U+200B-200D, U+25CC; "
	face("Courtwatch Khmer", 400, fonts.KhmerRegular, khmer)
	face("Courtwatch Khmer", 700, fonts.KhmerBold, khmer)
	return template.CSS(b.String()), nil
}

// htmlLines escapes s and turns its line breaks into <br>.
func htmlLines(s string) template.HTML {
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		parts[i] = template.HTMLEscapeString(p)
	}
	return template.HTML(strings.Join(parts, "<br>"))
}

func percents(ws []float64) []string {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fmt.Sprintf("%.2f", 100*w/sum)
	}
	return out
}
