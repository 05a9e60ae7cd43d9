package roster

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// validCSV has a BOM, CRLF line endings, a shuffled upper-case header with
// spaces around names, quoted fields with commas, an embedded CRLF and
// doubled quotes, a blank line, a line of empty values and a decomposed
// (non-NFC) name, and no final line break.
const validCSV = "\ufeff" +
	" Status ,NAME,Charges,Name_Local,ALIASES,status_reason,COUNSEL\r\n" + // 1
	"detained,Kem Sokha,453 Plotting;494 Incitement,កឹម សុខា,\"Sokha; Kem S.\",,\"Lim Vannak, Ouk Sreyneang\"\r\n" + // 2
	"\r\n" + // 3
	"IN ABSENTIA,Sam Rainsy,\"453 Plotting;494\",សម រង្ស៊ី,,\"abroad,\r\nrefused entry\",\r\n" + // 4-5
	"at liberty,\"Sok \"\"Tiger\"\" Chea\", 494-495  Incitement to discriminate ; 27bis;,,Tiger,,\r\n" + // 6
	" , ,,, ,,\r\n" + // 7: all empty, skipped
	",Nguye\u0302n Va\u0306n An,,,,,\r\n" + // 8
	"Bail,,453(1),  មូរ សុខហួរ ,,\"health\n\",\r\n" + // 9-10
	"in_absentia,Hem Vuthy,,,,,\"\"" // 11

var validRows = []Row{
	{Line: 2, Name: "Kem Sokha", NameLocal: "កឹម សុខា", Aliases: []string{"Sokha", "Kem S."}, Status: "detained",
		Charges: []Charge{{"453", "Plotting"}, {"494", "Incitement"}}, Counsel: "Lim Vannak, Ouk Sreyneang"},
	{Line: 4, Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី", Status: "in_absentia", StatusReason: "abroad,\nrefused entry",
		Charges: []Charge{{"453", "Plotting"}, {"494", ""}}},
	{Line: 6, Name: `Sok "Tiger" Chea`, Aliases: []string{"Tiger"}, Status: "at_liberty",
		Charges: []Charge{{"494-495", "Incitement to discriminate"}, {"27bis", ""}}},
	{Line: 8, Name: "Nguy\u00ean V\u0103n An"},
	{Line: 9, NameLocal: "មូរ សុខហួរ", Status: "bail", StatusReason: "health", Charges: []Charge{{"453(1)", ""}}},
	{Line: 11, Name: "Hem Vuthy", Status: "in_absentia"},
}

func TestParseValid(t *testing.T) {
	for _, tc := range []struct {
		name, in string
	}{
		{"bom+crlf", validCSV},
		{"lf", strings.ReplaceAll(strings.TrimPrefix(validCSV, "\ufeff"), "\r\n", "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, validRows) {
				t.Errorf("got\n%#v\nwant\n%#v", got, validRows)
			}
		})
	}
}

func TestParseHeaderVariants(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Row
	}{
		{"name only", "name\nKem Sokha\n", []Row{{Line: 2, Name: "Kem Sokha"}}},
		{"name_local only", "NAME_LOCAL\nកឹម សុខា\n", []Row{{Line: 2, NameLocal: "កឹម សុខា"}}},
		{"blank lines before header", "\n\nname,status\nA,bail\n", []Row{{Line: 4, Name: "A", Status: "bail"}}},
		{"reason without in_absentia", "name,status,status_reason\nA,bail,medical\nB,,unknown\n",
			[]Row{{Line: 2, Name: "A", Status: "bail", StatusReason: "medical"}, {Line: 3, Name: "B", StatusReason: "unknown"}}},
		{"in_absentia without reason", "name,status\nA,In Absentia\n", []Row{{Line: 2, Name: "A", Status: "in_absentia"}}},
		{"same text in both name columns", "name,name_local\nA,A\n", []Row{{Line: 2, Name: "A", NameLocal: "A"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestParseSampleRoster(t *testing.T) {
	f, err := os.Open("testdata/mass-trial-case1.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(rows) != 20 {
		t.Fatalf("got %d rows, want 20", len(rows))
	}
	byName := map[string]Row{}
	counts := map[string]int{}
	for _, r := range rows {
		byName[r.Name+"|"+r.NameLocal] = r
		counts[r.Status]++
	}
	plotInc := []Charge{{"453", "Plotting"}, {"494", "Incitement"}}
	for _, want := range []Row{
		{Line: 2, Name: "Kem Sokha", NameLocal: "កឹម សុខា", Status: "bail",
			StatusReason: "released on bail, may not leave Phnom Penh", Charges: plotInc[:1], Counsel: "Lim Vannak"},
		{Line: 3, Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី", Aliases: []string{"Sam Rangsi"}, Status: "in_absentia",
			StatusReason: "abroad, refused entry", Charges: plotInc},
		{Line: 4, Name: "Mu Sochua", NameLocal: "មូរ សុខហួរ", Aliases: []string{"Sochua"}, Status: "in_absentia",
			StatusReason: "abroad, refused entry", Charges: plotInc},
		{Line: 12, Name: "Chea Vibol", NameLocal: "ជា វិបុល", Aliases: []string{"Vibol", `Chea "Bol" V.`}, Status: "detained",
			Charges: []Charge{{"453(1)", "Plotting"}, {"494-495", "Incitement"}}, Counsel: "Ouk Sreyneang"},
		{Line: 15, Name: "Phan Sreyleak", NameLocal: "ផាន ស្រីលក្ខ"},
		{Line: 17, NameLocal: "អ៊ុក ពិសី", Status: "in_absentia", StatusReason: "abroad, refused entry", Charges: plotInc[:1]},
		{Line: 18, Name: "Yim Sopheap", Status: "at_liberty", StatusReason: "summons not served", Charges: plotInc[1:]},
		{Line: 19, Name: "Nget Chanthou", NameLocal: "ង៉ែត ចន្ធូ", Status: "detained",
			StatusReason: "arrested 2020-11-04\nheld at Prey Sar (CC1)", Charges: []Charge{{"494", "Incitement"}, {"27bis", ""}}, Counsel: "Lim Vannak"},
		{Line: 21, Name: "Lim Dany", NameLocal: "លឹម ដានី", Status: "in_absentia", StatusReason: "abroad, refused entry", Charges: plotInc},
		{Line: 22, Name: "Prak Vichet", NameLocal: "ប្រាក់ វិចិត្រ", Status: "detained", Charges: []Charge{{"453", ""}}, Counsel: "Ouk Sreyneang"},
	} {
		if got := byName[want.Name+"|"+want.NameLocal]; !reflect.DeepEqual(got, want) {
			t.Errorf("got %#v\nwant %#v", got, want)
		}
	}
	wantCounts := map[string]int{"detained": 8, "bail": 3, "at_liberty": 2, "in_absentia": 6, "": 1}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("status counts = %v, want %v", counts, wantCounts)
	}
}

// TestDocExample checks that the example file in the package documentation
// is a valid roster.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, example, _ := strings.Cut(string(doc), "// # Example\n//\n")
	example, _, _ = strings.Cut(example, "//\n")
	var csv strings.Builder
	for _, l := range strings.SplitAfter(example, "\n") {
		csv.WriteString(strings.TrimPrefix(l, "//\t"))
	}
	rows, err := Parse(strings.NewReader(csv.String()))
	if err != nil || len(rows) != 5 {
		t.Fatalf("example %q: got %d rows, error %v", csv.String(), len(rows), err)
	}
	want := Row{Line: 6, Name: `Sok "Tiger" Chea`, NameLocal: "សុខ ជា", Aliases: []string{"Tiger", "Chea S."},
		Status: "detained", Charges: []Charge{{"453(1)", "Plotting"}, {"494-495", ""}}}
	if !reflect.DeepEqual(rows[4], want) {
		t.Errorf("last row = %#v, want %#v", rows[4], want)
	}
}

func TestKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Kem Sokha", "kem sokha"},
		{"  KEM \t\n  SOKHA  ", "kem sokha"},
		{"Ｋｅｍ Ｓｏｋｈａ", "kem sokha"},      // full-width (NFKC)
		{"Kem\u00a0Sokha", "kem sokha"}, // no-break space
		{"Kem\u200b Sok\u200cha\u200d\ufeff", "kem sokha"},
		{"\ufeffកឹម  សុខា\u200b", "កឹម សុខា"},
		{"Straße", "strasse"},
		{"Nguye\u0302n", "nguy\u00ean"}, // decomposed -> composed
		{"NGUY\u00caN", "nguy\u00ean"},
		{"ﬁ Ⅸ", "fi ix"}, // compatibility characters
		{"\u200b \t\u200d", ""},
		{"Ꮧ", "Ꮧ"}, // Cherokee folds to capitals
		{"ꮧ", "Ꮧ"},
		{"ᏸ Ᏸ", "Ᏸ Ᏸ"},
		{"", ""},
	} {
		if got := Key(tc.in); got != tc.want {
			t.Errorf("Key(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Key(Key(tc.in)); got != tc.want {
			t.Errorf("Key(Key(%q)) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestErrorStrings(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{RowError{Line: 7, Column: "status", Reason: `"jailed" is not one of detained, bail, at_liberty, in_absentia`},
			`line 7, column status: "jailed" is not one of detained, bail, at_liberty, in_absentia`},
		{RowError{Line: 3, Reason: "row has 1 values but the header has 2 columns"}, "line 3: row has 1 values but the header has 2 columns"},
		{RowError{Reason: "roster has no rows"}, "roster has no rows"},
		{&Error{Problems: []RowError{{Line: 2, Column: "name", Reason: "x"}}}, "line 2, column name: x"},
		{&Error{Problems: []RowError{{Line: 2, Reason: "x"}, {Line: 3, Reason: "y"}, {Line: 4, Reason: "z"}}}, "line 2: x (and 2 more)"},
		{&Error{Problems: []RowError{{Line: 2, Reason: "x"}, {Line: 3, Reason: "y"}}, truncated: true},
			"line 2: x (and 1 more; checking stopped after 100 problems)"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
