// Package escape makes text from outside (device and profile files,
// bundles, CSV files, notes, names, a server's answers) safe to print on a
// terminal: both programs pass every such string through String before
// it reaches standard output or standard error, in every format except
// --json, where JSON's own escaping applies.
//
// A terminal obeys control characters in what it prints. Printed raw, a
// device file's monitor name could hold a newline and a fake "key" line,
// an ANSI escape that hides the real key, or a right-to-left override
// that shows a key's characters in another order. String shows each such
// character as a visible escape instead, so what is printed is what the
// text holds, one line for one value.
package escape

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// String returns s with every character that would steer the terminal
// written as a visible escape, Go style:
//
//   - \n, \r and \t as themselves (backslash, letter);
//   - other C0 controls, DEL and C1 controls (U+0080–U+009F) as \xNN;
//   - bidirectional formatting characters (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069) and the line and paragraph
//     separators U+2028 and U+2029 as \uNNNN;
//   - a byte that is not UTF-8 as \xNN.
//
// Everything else, Khmer and its zero-width spaces and joiners included,
// is kept as it is. String returns s itself when nothing needs escaping.
func String(s string) string {
	i := strings.IndexFunc(s, unsafeRune)
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

// Has reports whether s holds a character that String would escape. Names
// in device and profile files are refused when it does.
func Has(s string) bool { return String(s) != s }

// unsafeRune reports whether String escapes r.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
