package roster

import (
	"errors"
	"strings"
	"testing"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// TestImportNeverDuplicatesNearName imports a one-row roster against a vault
// holding one person, for every kind of difference a real roster brings
// between two spellings of one name. Each either links the row to the
// stored person or stops with the near-match listed as ambiguous; none may
// create a second person silently.
func TestImportNeverDuplicatesNearName(t *testing.T) {
	const (
		link = "link"
		near = "near" // ErrAmbiguous, the stored person as the one candidate
	)
	for _, tc := range []struct {
		what, stored, row, want string
	}{
		{"composed row, decomposed stored", "Nguye\u0302\u0303n Va\u0306n An", "Nguy\u1ec5n V\u0103n An", link},
		{"decomposed row, composed stored", "Nguy\u1ec5n V\u0103n An", "Nguye\u0302\u0303n Va\u0306n An", link},
		{"case", "Sok Chea", "SOK chea", link},
		{"runs of spaces and a no-break space", "Sok Chea", "  Sok \u00a0 Chea ", link},
		{"word joiner", "Sok Chea", "Sok\u2060 Chea", link},
		{"soft hyphen", "Sok Chea", "So\u00adk Chea", link},
		{"left-to-right mark", "Sok Chea", "\u200eSok Chea", link},
		{"zero-width non-joiner", "Sok Chea", "Sok Ch\u200cea", link},
		{"zero-width space as a word break", "Sok Chea", "Sok\u200bChea", link},
		{"byte order mark", "Sok Chea", "\ufeffSok Chea", link},
		{"Khmer: zero-width space for the space", "សុខ ជា", "សុខ\u200bជា", link},
		{"Khmer: space and zero-width space", "សុខ ជា", "សុខ \u200bជា", link},
		{"Khmer: zero-width joiner", "សុខ ជា", "សុខ ជា\u200d", link},
		{"Khmer: no space stored, zero-width space in the row", "សុខជា", "សុខ\u200bជា", near},
		{"Khmer: no space in the row", "សុខ ជា", "សុខជា", near},
		{"combining accent on one vowel", "Sok Chea", "Sok Che\u0301a", near},
		{"precomposed accent on one vowel", "Sok Chea", "Sok Ché\u0061", near},
		{"Vietnamese diacritics dropped", "Nguy\u1ec5n V\u0103n An", "Nguyen Van An", near},
		{"diacritics dropped and upper case", "Nguy\u1ec5n V\u0103n An", "NGUYEN VAN AN", near},
		{"diacritics dropped and decomposed stored", "Nguye\u0302\u0303n Va\u0306n An", "Nguyen Van An", near},
		{"letter without decomposition", "Đặng Thị Lan", "Dang Thi Lan", near},
		{"no space between the names", "Sok Chea", "SokChea", near},
		{"accent and spacing together", "Sôk Chea", "sok  chea", near},
	} {
		t.Run(tc.what, func(t *testing.T) {
			v := newVault(t)
			stored := &storage.Person{Name: tc.stored}
			if err := v.Put(stored); err != nil {
				t.Fatal(err)
			}
			caseID := addCase(t, v, "Case")
			rows := parse(t, "name\n"+tc.row+"\n")
			rep, err := Import(v, caseID, rows)
			switch tc.want {
			case link:
				if err != nil {
					t.Fatalf("Import %q against %q: %v", tc.row, tc.stored, err)
				}
				if rep.Created != 0 || rep.Linked != 1 || rep.Persons[0] != stored.ID {
					t.Fatalf("Import %q against %q: %+v, want linked to %s", tc.row, tc.stored, rep, stored.ID)
				}
			case near:
				if !errors.Is(err, ErrAmbiguous) {
					t.Fatalf("Import %q against %q: err = %v, want ErrAmbiguous", tc.row, tc.stored, err)
				}
				want := []Ambiguity{{Line: 2, Name: rows[0].Name, Candidates: []uuid.UUID{stored.ID}, Near: true}}
				if len(rep.Ambiguous) != 1 || rep.Ambiguous[0].Line != 2 || !rep.Ambiguous[0].Near ||
					len(rep.Ambiguous[0].Candidates) != 1 || rep.Ambiguous[0].Candidates[0] != stored.ID {
					t.Fatalf("Ambiguous = %+v, want %+v", rep.Ambiguous, want)
				}
				if got := rep.Ambiguous[0].Reason(); !strings.Contains(got, "nearly matches 1 person ") {
					t.Errorf("Reason() = %q", got)
				}
			}
			if n := countPersons(t, v); n != 1 {
				t.Fatalf("vault holds %d persons after importing %q against %q, want 1", n, tc.row, tc.stored)
			}
		})
	}
}

// TestImportNearMatchResolved settles a near-match both ways: linked, the
// row's spelling becomes an alias; new, a second person is made because the
// user said so.
func TestImportNearMatchResolved(t *testing.T) {
	v := newVault(t)
	stored := &storage.Person{Name: "Nguyễn Văn An"}
	if err := v.Put(stored); err != nil {
		t.Fatal(err)
	}
	c1, c2 := addCase(t, v, "One"), addCase(t, v, "Two")
	rows := parse(t, "name\nNguyen Van An\n")

	rep, err := ImportResolved(v, c1, rows, Resolution{2: stored.ID})
	if err != nil || rep.Linked != 1 || rep.Persons[0] != stored.ID {
		t.Fatalf("ImportResolved(link) = %+v, %v", rep, err)
	}
	got := &storage.Person{}
	if err := v.View(func(tx *storage.Tx) error { return tx.Get(stored.ID, got) }); err != nil {
		t.Fatal(err)
	}
	if len(got.Aliases) != 1 || got.Aliases[0] != "Nguyen Van An" {
		t.Errorf("aliases after linking = %q, want the row's spelling", got.Aliases)
	}

	rep, err = ImportResolved(v, c2, rows, Resolution{2: uuid.Nil})
	if err != nil || rep.Created != 1 {
		t.Fatalf("ImportResolved(new) = %+v, %v", rep, err)
	}
	if n := countPersons(t, v); n != 2 {
		t.Errorf("%d persons, want 2", n)
	}
}

// TestImportNearRepeatInOneRoster refuses two rows of one roster that would
// make two new persons whose names differ only in accents or spacing,
// unless the second is chosen as a new person.
func TestImportNearRepeatInOneRoster(t *testing.T) {
	v := newVault(t)
	caseID := addCase(t, v, "Case")
	rows := parse(t, "name,name_local\nNguyễn An,\nNguyen An,\n,សុខ ជា\n")
	_, err := Import(v, caseID, rows)
	if err == nil || !strings.Contains(err.Error(), "lines 2 and 3 nearly repeat one name") {
		t.Fatalf("Import = %v, want lines 2 and 3 refused as a near repeat", err)
	}
	if n := countPersons(t, v); n != 0 {
		t.Fatalf("%d persons stored after a refused import", n)
	}
	rows = parse(t, "name_local\nសុខ ជា\nសុខជា\n")
	if _, err := Import(v, caseID, rows); err == nil || !strings.Contains(err.Error(), "lines 2 and 3 nearly repeat") {
		t.Fatalf("Import of Khmer with and without a space = %v, want a near repeat", err)
	}
	rep, err := ImportResolved(v, caseID, rows, Resolution{3: uuid.Nil})
	if err != nil || rep.Created != 2 {
		t.Fatalf("ImportResolved(--new 3) = %+v, %v; want two persons", rep, err)
	}
}

func countPersons(t *testing.T, v *storage.Vault) int {
	t.Helper()
	n := 0
	err := v.View(func(tx *storage.Tx) error {
		ps, err := tx.Persons()
		n = len(ps)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
