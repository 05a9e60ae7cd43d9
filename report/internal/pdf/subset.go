package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// subsetTrueType returns a copy of a TrueType font that keeps the outlines
// of the glyphs in used (and the components of composite glyphs) and
// empties all others. Glyph ids do not change, so a PDF can address the
// glyphs by their original ids (CIDToGIDMap /Identity). With allTables
// every other table is kept as it is, so that a browser can still map
// characters and shape; otherwise only the tables a PDF viewer needs are
// kept (the character map among them, which some viewers insist on) and
// the layout tables go, as shaping is already done.
func subsetTrueType(font []byte, used map[uint16]bool, allTables bool) ([]byte, error) {
	tables, err := readTables(font)
	if err != nil {
		return nil, err
	}
	for _, tag := range []string{"head", "hhea", "hmtx", "maxp", "loca", "glyf"} {
		if tables[tag] == nil {
			return nil, fmt.Errorf("subset font: no %s table (only TrueType outlines are supported)", tag)
		}
	}
	head := append([]byte(nil), tables["head"]...)
	if len(head) < 54 || len(tables["maxp"]) < 6 {
		return nil, errors.New("subset font: short head or maxp table")
	}
	numGlyphs := int(binary.BigEndian.Uint16(tables["maxp"][4:]))
	longLoca := binary.BigEndian.Uint16(head[50:]) == 1
	loca, glyf := tables["loca"], tables["glyf"]
	offset := func(i int) (int, bool) {
		if longLoca {
			if 4*i+4 > len(loca) {
				return 0, false
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), true
		}
		if 2*i+2 > len(loca) {
			return 0, false
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), true
	}
	glyph := func(gid int) []byte {
		a, ok1 := offset(gid)
		b, ok2 := offset(gid + 1)
		if !ok1 || !ok2 || a > b || b > len(glyf) {
			return nil
		}
		return glyf[a:b]
	}

	// Close over composite glyphs' components.
	keep := map[int]bool{}
	todo := []int{0} // .notdef
	for g := range used {
		todo = append(todo, int(g))
	}
	for len(todo) > 0 {
		g := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if g >= numGlyphs || keep[g] {
			continue
		}
		keep[g] = true
		for _, c := range components(glyph(g)) {
			if !keep[c] {
				todo = append(todo, c)
			}
		}
	}

	newLoca := make([]byte, 4*(numGlyphs+1))
	var newGlyf []byte
	for g := 0; g < numGlyphs; g++ {
		binary.BigEndian.PutUint32(newLoca[4*g:], uint32(len(newGlyf)))
		if keep[g] {
			newGlyf = append(newGlyf, glyph(g)...)
			for len(newGlyf)%4 != 0 {
				newGlyf = append(newGlyf, 0)
			}
		}
	}
	binary.BigEndian.PutUint32(newLoca[4*numGlyphs:], uint32(len(newGlyf)))
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	out := map[string][]byte{}
	if allTables {
		for tag, t := range tables {
			if tag != "DSIG" { // a signature would no longer match
				out[tag] = t
			}
		}
	} else {
		for _, tag := range []string{"cmap", "hhea", "hmtx", "maxp", "cvt ", "fpgm", "prep", "OS/2"} {
			if t := tables[tag]; t != nil {
				out[tag] = t
			}
		}
	}
	out["head"], out["loca"], out["glyf"] = head, newLoca, newGlyf
	if p := tables["post"]; len(p) >= 32 { // keep the header, drop the glyph names
		post := append([]byte(nil), p[:32]...)
		binary.BigEndian.PutUint32(post, 0x00030000)
		out["post"] = post
	}
	font, headAt := writeTables(out)
	binary.BigEndian.PutUint32(font[headAt+8:], 0xB1B0AFBA-checksum(font))
	return font, nil
}

// readTables returns the tables of an sfnt font by tag.
func readTables(font []byte) (map[string][]byte, error) {
	if len(font) < 12 {
		return nil, errors.New("font too short")
	}
	if v := binary.BigEndian.Uint32(font); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("font is not TrueType (version %#x)", v)
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return nil, errors.New("font table directory is truncated")
	}
	tables := map[string][]byte{}
	for i := range n {
		rec := font[12+16*i:]
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(length) > uint64(len(font)) {
			return nil, fmt.Errorf("font table %q is out of bounds", rec[:4])
		}
		tables[string(rec[:4])] = font[off : off+length]
	}
	return tables, nil
}

// writeTables assembles an sfnt font and returns it with the offset of
// its head table.
func writeTables(tables map[string][]byte) ([]byte, int) {
	var tags []string
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	hdr := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(hdr, 0x00010000)
	binary.BigEndian.PutUint16(hdr[4:], uint16(n))
	binary.BigEndian.PutUint16(hdr[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(hdr[8:], uint16(es))
	binary.BigEndian.PutUint16(hdr[10:], uint16(16*n-16<<es))
	font := hdr
	headAt := 0
	for i, t := range tags {
		data := tables[t]
		rec := font[12+16*i:]
		copy(rec, t)
		binary.BigEndian.PutUint32(rec[4:], checksum(data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(font)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data)))
		if t == "head" {
			headAt = len(font)
		}
		font = append(font, data...)
		for len(font)%4 != 0 {
			font = append(font, 0)
		}
	}
	return font, headAt
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// components returns the glyph ids a composite glyph is built from.
func components(g []byte) []int {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	const (
		argsAreWords   = 0x0001
		haveScale      = 0x0008
		moreComponents = 0x0020
		haveXYScale    = 0x0040
		haveTwoByTwo   = 0x0080
	)
	var out []int
	p := 10
	for p+4 <= len(g) {
		flags := binary.BigEndian.Uint16(g[p:])
		out = append(out, int(binary.BigEndian.Uint16(g[p+2:])))
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	return out
}
