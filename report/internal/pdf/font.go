package pdf

import (
	"bytes"
	"fmt"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
)

// Font is a parsed TrueType font. It is immutable and may be shared by
// documents; each Document shapes with its own face of it.
type Font struct {
	Name   string // PostScript name, e.g. "NotoSans-Regular"
	data   []byte
	parsed *font.Font
	upem   float64
	// ascent and descent of a line, in 1/1000 em; descent is positive.
	ascent, descent float64
	script          language.Script // the script it is for, for shaping
	lang            language.Language
	bbox            [4]float64 // 1/1000 em
}

// ParseFont parses a TrueType font for text in script (e.g. "Latn",
// "Khmr") of language lang (e.g. "en", "km").
func ParseFont(name string, data []byte, script, lang string) (*Font, error) {
	face, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	sc, err := language.ParseScript(script)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	f := &Font{Name: name, data: data, parsed: face.Font, upem: float64(face.Upem()), script: sc, lang: language.NewLanguage(lang)}
	ext, ok := face.FontHExtents()
	if !ok {
		return nil, fmt.Errorf("font %s has no horizontal metrics", name)
	}
	f.ascent, f.descent = f.em(float64(ext.Ascender)), -f.em(float64(ext.Descender))
	tables, err := readTables(data)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	if h := tables["head"]; len(h) >= 44 {
		for i := range 4 {
			f.bbox[i] = f.em(float64(int16(uint16(h[36+2*i])<<8 | uint16(h[37+2*i]))))
		}
	}
	return f, nil
}

// em converts font units to 1/1000 em.
func (f *Font) em(v float64) float64 { return v * 1000 / f.upem }

// has reports whether the font maps r to a glyph.
func (f *Font) has(r rune) bool {
	_, ok := f.parsed.NominalGlyph(r)
	return ok
}

// fontUse is a font as used in one document: its face for shaping, the
// glyphs drawn and what text each stands for.
type fontUse struct {
	*Font
	face   *font.Face
	res    string             // resource name, e.g. "F1"
	widths map[uint16]float64 // glyph -> advance, 1/1000 em
	text   map[uint16]string  // glyph -> the text it stands for alone, for ToUnicode
}

func (f *fontUse) width(gid uint16) float64 {
	w, ok := f.widths[gid]
	if !ok {
		w = round3(f.em(float64(f.face.HorizontalAdvance(font.GID(gid)))))
		f.widths[gid] = w
	}
	return w
}
