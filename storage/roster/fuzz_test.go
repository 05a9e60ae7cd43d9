package roster

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzParse(f *testing.F) {
	sample, err := os.ReadFile("testdata/mass-trial-case1.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		validCSV,
		string(sample),
		"",
		"\ufeff",
		"name\n",
		"name,name_local,aliases,status,status_reason,charges,counsel\nA,ក,x;y,bail,r,453 P;27bis,c\n",
		"name,name_local\nA,\u200b\n\u200b,\n",
		"name,notes,Name\n",
		"status,charges\nbail,453\n",
		"name,status\nA,jailed\n\"B\nC\",at liberty\n",
		"name,charges\nA,Plotting;453\n",
		"name,status\nA\nB,bail,x\n",
		"name\n\"unclosed\nA\n",
		"name\nSok \"T\" Chea\n",
		"name\nKem Sokha\nKEM  SOKHA\n",
		"name\nNguy\xean\n",
		"name\r\n\r\n,\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Parse(strings.NewReader(in))
		if err != nil {
			if rows != nil {
				t.Fatalf("Parse returned %d rows and error %v", len(rows), err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error", err)
			}
			if len(e.Problems) == 0 || len(e.Problems) > maxProblems {
				t.Fatalf("error has %d problems", len(e.Problems))
			}
			last := 0
			for _, p := range e.Problems {
				if p.Reason == "" || p.Line < 0 || (p.Line > 0 && p.Line < last) {
					t.Fatalf("bad problem %+v after line %d", p, last)
				}
				last = max(last, p.Line)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("Parse returned no rows and no error")
		}
		keys := map[string]int{}
		prev := 0
		for _, r := range rows {
			if r.Line <= prev || r.Line < 2 {
				t.Fatalf("row line %d after %d", r.Line, prev)
			}
			prev = r.Line
			if Key(r.Name) == "" && Key(r.NameLocal) == "" {
				t.Fatalf("line %d: row has no name: %+v", r.Line, r)
			}
			for _, n := range []string{r.Name, r.NameLocal} {
				if !utf8.ValidString(n) || !norm.NFC.IsNormalString(n) || strings.TrimSpace(n) != n {
					t.Fatalf("line %d: name %q not valid, NFC and trimmed", r.Line, n)
				}
				if k := Key(n); k != "" {
					if first, dup := keys[k]; dup && first != r.Line {
						t.Fatalf("line %d repeats line %d (%q) without error", r.Line, first, k)
					}
					keys[k] = r.Line
				}
			}
			switch r.Status {
			case "", "detained", "bail", "at_liberty", "in_absentia":
			default:
				t.Fatalf("line %d: invalid status %q", r.Line, r.Status)
			}
			for _, c := range r.Charges {
				if c.Article == "" || c.Article[0] < '0' || c.Article[0] > '9' || strings.ContainsAny(c.Article, " \t\n;") {
					t.Fatalf("line %d: bad charge %+v", r.Line, c)
				}
			}
			for _, a := range r.Aliases {
				if a == "" || strings.Contains(a, ";") {
					t.Fatalf("line %d: bad alias %q", r.Line, a)
				}
			}
		}
	})
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"Kem Sokha", "កឹម  សុខា\u200b", "Ｋｅｍ", "ß\u0345\u0399", "\ufeff ﬁ", "a\xffb", "Ꮧ", "ꮧ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if Key(k) != k {
			t.Fatalf("Key(%q) = %q but Key of that is %q", s, k, Key(k))
		}
		if k != strings.TrimSpace(k) || strings.Contains(k, "  ") || strings.ContainsAny(k, "\u200b\u200c\u200d\ufeff") {
			t.Fatalf("Key(%q) = %q", s, k)
		}
	})
}
