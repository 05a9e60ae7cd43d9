package main

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font/sfnt"
)

// font is one font file the programs embed.
type font struct {
	File, Family, Copyright, Licence, Note string
	Allowed                                bool
}

// modified names the fonts Courtwatch changed, and how. The SIL Open Font
// License asks that a modified font be renamed; these are.
var modified = map[string]string{
	"Courtwatch Khmer": "modified Noto Sans Khmer: ascent and descent raised to 1160/-700 by tools/khmerfont/raise.py, renamed as the OFL asks",
}

// loadFonts reads the family, copyright and licence of every font in dir
// from its name table. A font's licence is the one its name table states,
// which must be OFL-1.1 (OFL.txt in dir carries the text).
func loadFonts(dir string) ([]font, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.[to]tf"))
	if err != nil {
		return nil, err
	}
	var out []font
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, err
		}
		name := func(id sfnt.NameID) string {
			s, _ := f.Name(nil, id)
			return strings.Join(strings.Fields(s), " ")
		}
		fo := font{File: filepath.Base(p), Family: name(sfnt.NameIDFamily), Copyright: name(sfnt.NameIDCopyright)}
		ids, ok := Classify(name(sfnt.NameIDLicense))
		fo.Licence = strings.Join(ids, ", ")
		fo.Allowed = ok && fo.Licence == "OFL-1.1"
		fo.Note = modified[fo.Family]
		if fo.Note == "" {
			fo.Note = "unmodified"
		}
		out = append(out, fo)
	}
	return out, nil
}
