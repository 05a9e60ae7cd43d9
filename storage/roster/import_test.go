package roster

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

func newVault(t *testing.T) *storage.Vault {
	t.Helper()
	v, err := storage.Create(t.TempDir(), []byte("pass"), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func addCase(t *testing.T, v *storage.Vault, title string) uuid.UUID {
	t.Helper()
	c := &storage.Case{Title: title, Court: "Phnom Penh Municipal Court"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func parse(t *testing.T, csv string) []Row {
	t.Helper()
	rows, err := Parse(strings.NewReader(csv))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return rows
}

var khmerSyllables = []string{"សុខ", "ចាន់", "វណ្ណ", "រិទ្ធ", "ស្រី", "ពៅ", "ធី", "ម៉ៅ", "គឹម", "ហេង", "លី", "សំ"}
var latinSyllables = []string{"Sok", "Chan", "Vann", "Rith", "Srey", "Pov", "Thy", "Mao", "Kim", "Heng", "Ly", "Sam"}

// massTrial builds six case rosters over 150 people. Persons 0-19 are
// leaders charged in every case; the rest are split across the cases.
// Every third person has a Khmer name; every tenth is tried in absentia.
func massTrial() [6][]int {
	var cases [6][]int
	for p := 0; p < 150; p++ {
		if p < 20 {
			for c := range cases {
				cases[c] = append(cases[c], p)
			}
			continue
		}
		cases[p%6] = append(cases[p%6], p)
	}
	return cases
}

func personRow(p int) string {
	a, b, c := p%12, (p/12)%12, p/144
	latin := fmt.Sprintf("%s %s%s", latinSyllables[a], latinSyllables[b], strings.Repeat("a", c))
	local := ""
	if p%3 == 0 {
		local = khmerSyllables[a] + " " + khmerSyllables[b] + strings.Repeat("ា", c)
	}
	status, reason := "detained", ""
	if p%10 == 0 {
		status, reason = "in_absentia", "abroad, refused entry"
	}
	return fmt.Sprintf("%q,%s,%s,%q,%q\n", latin, local, status, reason, "453 Plotting;494 Incitement")
}

func TestImportMassTrial(t *testing.T) {
	v := newVault(t)
	rosters := massTrial()
	var caseIDs [6]uuid.UUID
	for i, members := range rosters {
		caseIDs[i] = addCase(t, v, fmt.Sprintf("Case %d", i+1))
		var b strings.Builder
		b.WriteString("name,name_local,status,status_reason,charges\n")
		for _, p := range members {
			b.WriteString(personRow(p))
		}
		rep, err := Import(v, caseIDs[i], parse(t, b.String()))
		if err != nil {
			t.Fatalf("case %d: %v", i+1, err)
		}
		if rep.Added != len(members) {
			t.Errorf("case %d: added %d, want %d", i+1, rep.Added, len(members))
		}
		wantLinked := 0
		if i > 0 {
			wantLinked = 20
		}
		if rep.Linked != wantLinked {
			t.Errorf("case %d: linked %d, want %d", i+1, rep.Linked, wantLinked)
		}
	}
	err := v.View(func(tx *storage.Tx) error {
		persons, err := tx.Persons()
		if err != nil {
			return err
		}
		if len(persons) != 150 {
			t.Errorf("persons = %d, want 150", len(persons))
		}
		total := 0
		for i, id := range caseIDs {
			defs, err := tx.DefendantsOfCase(id)
			if err != nil {
				return err
			}
			if len(defs) != len(rosters[i]) {
				t.Errorf("case %d: %d defendants, want %d", i+1, len(defs), len(rosters[i]))
			}
			total += len(defs)
		}
		if total != 20*6+130 {
			t.Errorf("defendant links = %d, want %d", total, 20*6+130)
		}
		multi := 0
		for _, p := range persons {
			cs, err := tx.CasesOfPerson(p.ID)
			if err != nil {
				return err
			}
			if len(cs) > 1 {
				multi++
				if len(cs) != 6 {
					t.Errorf("%s is in %d cases, want 6", p.Name, len(cs))
				}
			}
			if len(cs) == 0 {
				t.Errorf("%s is in no case", p.Name)
			}
		}
		if multi != 20 {
			t.Errorf("%d persons in several cases, want 20", multi)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := v.Search("ស្រី", 500)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Khmer name search: %d hits, %v", len(hits), err)
	}
}

func TestReimportChangesNothing(t *testing.T) {
	v := newVault(t)
	c := addCase(t, v, "Case 1")
	csv := "name,name_local,aliases,status,charges,counsel\n" +
		"Kem Sokha,កឹម សុខា,Kem Sokhar,detained,453 Plotting,Sam Sokong\n" +
		"Mu Sochua,មូរ សុខហួរ,,in_absentia,453 Plotting;494 Incitement,\n"
	if _, err := Import(v, c, parse(t, csv)); err != nil {
		t.Fatal(err)
	}
	seq, _ := v.Head()
	rep, err := Import(v, c, parse(t, csv))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 2 || rep.Created != 0 || rep.Added != 0 || rep.Updated != 0 {
		t.Fatalf("re-import report %+v, want 2 unchanged", rep)
	}
	if seq2, _ := v.Head(); seq2 != seq {
		t.Fatalf("re-import wrote %d versions, want 0", seq2-seq)
	}
	// The same people with a different spelling case and spacing, and a
	// new status, in a second import: linked and updated, not duplicated.
	csv2 := "NAME_LOCAL,Name,status\nកឹម  សុខា,KEM SOKHA,bail\n"
	rep, err = Import(v, c, parse(t, csv2))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Linked != 1 || rep.Updated != 1 || rep.Created != 0 {
		t.Fatalf("report %+v, want 1 linked and updated", rep)
	}
}

func TestAmbiguousMatchStoresNothing(t *testing.T) {
	v := newVault(t)
	c := addCase(t, v, "Case 1")
	a := &storage.Person{Name: "Sok Chan", NameLocal: "សុខ ចាន់"}
	b := &storage.Person{Name: "Sok Chann", NameLocal: "សុខ ចាន់"}
	if err := v.Put(a, b); err != nil {
		t.Fatal(err)
	}
	seq, _ := v.Head()
	rows := parse(t, "name_local,status\nសុខ ចាន់,detained\n")
	rep, err := Import(v, c, rows)
	if !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("got %v, want ErrAmbiguous", err)
	}
	if len(rep.Ambiguous) != 1 || rep.Ambiguous[0].Line != 2 || len(rep.Ambiguous[0].Candidates) != 2 {
		t.Fatalf("ambiguities %+v", rep.Ambiguous)
	}
	if seq2, _ := v.Head(); seq2 != seq {
		t.Fatalf("an ambiguous import stored %d versions", seq2-seq)
	}
	rep, err = ImportResolved(v, c, rows, Resolution{2: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Persons[0] != b.ID {
		t.Fatalf("linked to %v, want %v", rep.Persons[0], b.ID)
	}
}

func TestImportIntoMissingCase(t *testing.T) {
	v := newVault(t)
	_, err := Import(v, uuid.Must(uuid.NewV7()), parse(t, "name\nA B\n"))
	if !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	var persons []*storage.Person
	v.View(func(tx *storage.Tx) (err error) { persons, err = tx.Persons(); return })
	if len(persons) != 0 {
		t.Fatalf("stored %d persons for a failed import", len(persons))
	}
}

func TestImportedHearingSubset(t *testing.T) {
	v := newVault(t)
	c := addCase(t, v, "Case 1")
	rep, err := Import(v, c, parse(t, "name\nA One\nB Two\nC Three\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c, Scheduled: time.Now(), Defendants: rep.Persons[:2]}
	if err := v.Put(h); err != nil {
		t.Fatalf("hearing with a subset of defendants: %v", err)
	}
}
