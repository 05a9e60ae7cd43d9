package roster

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

const knownList = "the known columns are name, name_local, aliases, status, status_reason, charges, counsel"

// parseErr parses in, checks that it failed with an *Error and no rows, and
// returns its problems.
func parseErr(t *testing.T, r io.Reader) *Error {
	t.Helper()
	rows, err := Parse(r)
	if err == nil {
		t.Fatalf("Parse succeeded with %d rows, want an error", len(rows))
	}
	if rows != nil {
		t.Errorf("Parse returned %d rows with an error, want nil", len(rows))
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not an *Error", err, err)
	}
	return e
}

// checkProblems compares line and column exactly and checks that each reason
// contains the wanted text.
func checkProblems(t *testing.T, got, want []RowError) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.Reason, w.Reason) {
			t.Errorf("problem %d:\n got  line %d column %q reason %q\n want line %d column %q reason containing %q",
				i, g.Line, g.Column, g.Reason, w.Line, w.Column, w.Reason)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []RowError
	}{
		{"empty file", "", []RowError{{0, "", "roster is empty: the first line must be a header such as name,name_local,status,charges"}}},
		{"only BOM and blank lines", "\ufeff\r\n\r\n", []RowError{{0, "", "roster is empty"}}},
		{"header only", "name,status\r\n", []RowError{{0, "", "roster has no rows"}}},
		{"header and empty rows", "name,status\n\n,\n", []RowError{{0, "", "roster has no rows"}}},
		{"unknown columns", "Name,Notes,status,case,notes\nA,x,bail,1,y\n",
			[]RowError{{1, "", `unknown column(s) "Notes", "case"; rename or remove them`}}},
		{"unknown column lists known ones", "name,cell\nA,3\n", []RowError{{1, "", knownList}}},
		{"no header", "Kem Sokha,កឹម សុខា\n", []RowError{
			{1, "", `unknown column(s) "Kem Sokha", "កឹម សុខា"`},
			{1, "", "neither a name nor a name_local column"}}},
		{"duplicate column", "name,STATUS,Name, status\nA,bail,B,bail\n", []RowError{
			{1, "name", `column "name" appears more than once (columns 1 and 3); keep only one`},
			{1, "status", `column "status" appears more than once (columns 2 and 4)`}}},
		{"missing name columns", "status,charges\ndetained,453\n", []RowError{{1, "", "the header has neither a name nor a name_local column"}}},
		{"empty header column", "name,,status,\nA,,bail,\n", []RowError{{1, "", "header column(s) 2, 4 have no name; remove the extra comma(s)"}}},
		{"both names empty", "name,name_local,status\nA,,\n,,detained\n,\u200b,\n", []RowError{
			{3, "name", "the row has no name; fill in the name (Latin script) or name_local"},
			{4, "name", "the row has no name"}}},
		{"no name, name_local only", "name_local,status\n,bail\n", []RowError{{2, "name_local", "the row has no name"}}},
		{"bad status", "name,status\nA,detained\nB,Detained\nC,bail\nD,at liberty\nE,in_absentia\nF,jailed\n", []RowError{
			{7, "status", `"jailed" is not one of detained, bail, at_liberty, in_absentia`}}},
		{"bad status variants", "name,status\nA,at-liberty\nB,absentia\n", []RowError{
			{2, "status", `"at-liberty" is not one of`}, {3, "status", `"absentia" is not one of`}}},
		{"charge without article", "name,charges\nA,\"453 Plotting;Incitement; ;494;Art. 453 Plotting\"\n", []RowError{
			{2, "charges", `"Incitement" has no article number; write each charge as`},
			{2, "charges", `"Art. 453 Plotting" has no article number`}}},
		{"khmer digits are not article numbers", "name,charges\nA,៤៥៣ Plotting\n", []RowError{{2, "charges", `"៤៥៣ Plotting" has no article number`}}},
		{"wrong field count", "name,status\nA\nB,bail,x\nC,bail\n,\n", []RowError{
			{2, "", "row has 1 values but the header has 2 columns; check for missing or extra commas"},
			{3, "", "row has 3 values but the header has 2 columns"}}},
		{"invalid UTF-8 in a field", "name,counsel\nA,ok\nB,\"x\ny\xff\"\nC,\xfe\n", []RowError{
			{3, "counsel", "text is not valid UTF-8 (at line 4); save the file with UTF-8 encoding"},
			{5, "counsel", "text is not valid UTF-8; save"}}},
		{"invalid UTF-8 in a name", "name,status\nKem Sokh\xe1,jailed\n", []RowError{
			{2, "name", "not valid UTF-8"}, {2, "status", `"jailed" is not one of`}}},
		{"invalid UTF-8 in header", "name,st\xe1tus\nA,bail\n", []RowError{{1, "", "not valid UTF-8"}}},
		{"Latin-1 file", "name\nNguy\xean\n", []RowError{{2, "name", "not valid UTF-8"}}},
		{"duplicate person", "name,name_local\r\nKem Sokha,កឹម សុខា\r\nSam Rainsy,\r\n\"KEM\r\n  SOKHA\",\r\nX,កឹម  សុខា\u200b\r\n\"Sam\u00a0rainsy \",\r\n", []RowError{
			{4, "name", `repeats line 2: "KEM\n  SOKHA" is the same name once case, spacing and invisible characters are ignored; merge the two rows`},
			{6, "name_local", "repeats line 2"},
			{7, "name", "repeats line 3"}}},
		{"bare quote", "name,status\nSok \"Tiger\" Chea,bail\nB,jailed\n", []RowError{
			{2, "", `a double quote (") appears inside a value that does not start with one; put the whole value in double quotes`},
			{3, "status", `"jailed" is not one of`}}},
		{"bad quote after quoted value", "name,status\n\"Sok\" Chea,bail\n", []RowError{{2, "", "a quoted value is not closed correctly; a value that starts with"}}},
		{"unclosed quote", "name,status\nA,bail\n\"B,bail\nC,bail\n", []RowError{{3, "", "a quoted value is not closed correctly (problem found at line 4)"}}},
		{"bad header quote", "name,\"status\n", []RowError{{1, "", "not closed correctly"}}},
		{"many problems, in file order", "name,status,charges\r\n" + // 1
			"A,\"in\r\nabsent\",Plotting\r\n" + // 2-3
			"\"A\",bail\r\n" + // 4
			"\"B\r\n\r\n\",jailed,453\r\n" + // 5-7
			"\r\n" + // 8
			"a ,,\"494;\r\n;x\"\r\n" + // 9-10
			",detained,\r\n", // 11
			[]RowError{
				{2, "status", `"in\nabsent" is not one of`},
				{2, "charges", `"Plotting" has no article number`},
				{4, "", "row has 2 values"},
				{5, "status", `"jailed" is not one of`},
				{9, "charges", `"x" has no article`},
				{9, "name", "repeats line 2"},
				{11, "name", "the row has no name"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseErr(t, strings.NewReader(tc.in))
			checkProblems(t, e.Problems, tc.want)
		})
	}
}

func TestParseLimits(t *testing.T) {
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString("name,status\n")
		for i := range n {
			fmt.Fprintf(&b, "Person %d,detained\n", i)
		}
		return b.String()
	}
	t.Run("10000 rows", func(t *testing.T) {
		got, err := Parse(strings.NewReader(rows(MaxRows)))
		if err != nil || len(got) != MaxRows || got[MaxRows-1].Line != MaxRows+1 {
			t.Fatalf("got %d rows, err %v", len(got), err)
		}
	})
	t.Run("10001 rows", func(t *testing.T) {
		e := parseErr(t, strings.NewReader(rows(MaxRows+1)))
		checkProblems(t, e.Problems, []RowError{{MaxRows + 2, "", "roster has more than 10000 rows; split it into several files"}})
	})
	t.Run("field of 1 MiB", func(t *testing.T) {
		in := "name,counsel\nA,\"" + strings.Repeat(`""`, MaxFieldBytes) + "\"\n"
		got, err := Parse(strings.NewReader(in))
		if err != nil || len(got) != 1 || len(got[0].Counsel) != MaxFieldBytes {
			t.Fatalf("got %d rows, err %v", len(got), err)
		}
	})
	t.Run("field over 1 MiB", func(t *testing.T) {
		in := "name,counsel\nA,ok\nB," + strings.Repeat("x", MaxFieldBytes+1) + "\n"
		e := parseErr(t, strings.NewReader(in))
		checkProblems(t, e.Problems, []RowError{{3, "counsel", "value is 1.0 MiB but may be at most 1 MiB"}})
	})
	t.Run("unclosed quote in a huge file", func(t *testing.T) {
		cr := &countReader{r: strings.NewReader("name\nA\n\"B\n" + strings.Repeat("C\n", 16<<20))}
		e := parseErr(t, cr)
		checkProblems(t, e.Problems, []RowError{{3, "", "larger than 14 MiB, but a value may be at most 1 MiB; check for a missing closing double quote"}})
		if cr.n > maxRecordBytes+64<<10 {
			t.Errorf("read %d bytes, want at most about %d", cr.n, maxRecordBytes)
		}
	})
	t.Run("read error", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("name\nA\n"), errReader{})
		e := parseErr(t, r)
		checkProblems(t, e.Problems, []RowError{{0, "", "could not read the roster: disk on fire"}})
	})
}

func TestParseProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,status\n")
	for i := range 150 {
		fmt.Fprintf(&b, "P%d,jailed\n", i)
	}
	e := parseErr(t, strings.NewReader(b.String()))
	if len(e.Problems) != 100 || e.Problems[99].Line != 101 {
		t.Fatalf("got %d problems, last %v", len(e.Problems), e.Problems[len(e.Problems)-1])
	}
	want := `line 2, column status: "jailed" is not one of detained, bail, at_liberty, in_absentia`
	if got := e.Error(); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "(and 99 more; checking stopped after 100 problems)") {
		t.Errorf("Error() = %q", got)
	}
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	return n, err
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
