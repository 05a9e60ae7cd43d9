package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// reportStrings returns every text the report package writes through its
// translator: the string arguments (literals and constants) of T, N, s,
// cols and heading calls in its non-test Go files, with where each is.
func reportStrings(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	consts := map[string]string{}
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		for _, d := range af.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	out := map[string]string{}
	for _, af := range parsed {
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			var args []ast.Expr
			switch sel.Sel.Name {
			case "T", "s":
				args = call.Args[:1]
			case "N":
				args = call.Args[2:3]
			case "cols":
				args = call.Args
			case "heading":
				args = call.Args[1:2]
			default:
				return true
			}
			for _, a := range args {
				var s string
				switch a := a.(type) {
				case *ast.BasicLit:
					if a.Kind != token.STRING {
						continue
					}
					s, _ = strconv.Unquote(a.Value)
				case *ast.Ident:
					var ok bool
					if s, ok = consts[a.Name]; !ok {
						continue
					}
				default:
					continue
				}
				out[s] = fset.Position(a.Pos()).String()
			}
			return true
		})
	}
	return out
}

// TestKhmerTranslationsComplete fails for any text a report writes that
// has no Khmer translation: every literal or constant the report code
// passes to its translator, every label of a stored value, and the names
// of the kinds of removed records. It also fails for a Khmer translation
// that drops or adds a formatting verb, and for a translation no report
// uses.
func TestKhmerTranslationsComplete(t *testing.T) {
	used := reportStrings(t)
	if len(used) < 100 {
		t.Fatalf("found only %d report strings: the scan is broken", len(used))
	}
	for _, m := range []map[string]string{statusLabels, presenceLabels, answerLabels, presenceCodes} {
		for k, v := range m {
			used[v] = "label of " + k
		}
	}
	for _, k := range purgedKinds {
		used[k.many] = "purgedKinds"
	}
	used[otherSection.Title] = "otherSection"
	used["device"], used["devices"] = "Footer.Lines", "Footer.Lines"
	used["note"] = "sources.go: kind of an edited entry"
	var missing []string
	for en, where := range used {
		if strings.IndexFunc(verbs.ReplaceAllString(en, ""), func(r rune) bool { return r >= 'A' && r <= 'z' }) < 0 {
			continue
		}
		km, ok := khmer[en]
		if !ok {
			missing = append(missing, where+": "+strconv.Quote(en))
			continue
		}
		if got, want := verbs.FindAllString(km, -1), verbs.FindAllString(en, -1); !slices.Equal(got, want) {
			t.Errorf("the Khmer of %q has the verbs %v, want %v", en, got, want)
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no Khmer translation for %s", m)
	}
	for en := range khmer {
		if _, ok := used[en]; !ok {
			t.Errorf("the Khmer table translates %q, which no report writes", en)
		}
	}
	if os.Getenv("REPORT_LIST_STRINGS") != "" {
		for en := range used {
			t.Logf("%q", en)
		}
	}
}
