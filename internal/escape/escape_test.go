package escape

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sok Dara", "Sok Dara"},
		{"សុខ ដារា (Sok Dara)", "សុខ ដារា (Sok Dara)"},
		{"ក\u200bខ\u200d", "ក\u200bខ\u200d"}, // Khmer zero-width space and joiner stay
		{"Dara\nkey    RWQfake\nstate  enrolled", `Dara\nkey    RWQfake\nstate  enrolled`},
		{"Dara\x1b[8m", `Dara\x1b[8m`},
		{"a\r\tb\x00\x7f", `a\r\tb\x00\x7f`},
		{"c1 \u009b31m csi", `c1 \x9b31m csi`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"\u2066x\u2069 \u200f \u061c", `\u2066x\u2069 \u200f \u061c`},
		{"line\u2028sep", `line\u2028sep`},
		{"bad \xff utf8", `bad \xff utf8`},
		{`back\slash`, `back\slash`},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if Has(tt.in) != (tt.in != tt.want) {
			t.Errorf("Has(%q) = %v", tt.in, Has(tt.in))
		}
	}
}

// FuzzString: whatever comes in, what String gives is valid UTF-8 with no
// control, bidi or line-separator character left.
func FuzzString(f *testing.F) {
	for _, s := range []string{"Sok Dara\n\x1b[2J", "\u202e\xff", "សុខ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := String(s)
		if !utf8.ValidString(got) {
			t.Fatalf("String(%q) = %q: not UTF-8", s, got)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return unsafeRune(r) || unicode.IsControl(r) }); i >= 0 {
			t.Fatalf("String(%q) = %q: unescaped %U", s, got, []rune(got[i:])[0])
		}
		if String(got) != got {
			t.Fatalf("String(%q) = %q is not stable", s, got)
		}
	})
}
