package roster

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// ErrAmbiguous means some rows match more than one stored person; nothing
// was imported. The Report lists them so the user can decide.
var ErrAmbiguous = errors.New("some roster rows match more than one person already in the vault")

// Ambiguity is a row that matches several stored persons, or that matches
// none exactly but nearly matches some (Near): their names differ only in
// Latin diacritics, white space or characters that Key keeps apart, such as
// "Nguyễn An" against "Nguyen An", or Khmer with a space against Khmer
// without one. Either way the user decides; import never guesses.
type Ambiguity struct {
	Line       int
	Name       string
	Candidates []uuid.UUID
	Near       bool // no exact match; Candidates nearly match
}

// Reason says why the row needs a decision, e.g. "matches 2 persons" or
// "nearly matches 1 person (the names differ only in accents, spacing or
// invisible characters)".
func (a Ambiguity) Reason() string {
	n := fmt.Sprintf("%d person", len(a.Candidates))
	if len(a.Candidates) != 1 {
		n += "s"
	}
	if a.Near {
		return "nearly matches " + n + " (the names differ only in accents, spacing or invisible characters)"
	}
	return "matches " + n
}

// Report says what an import did.
type Report struct {
	Created   int         // new persons
	Linked    int         // rows matched to a person already in the vault
	Added     int         // persons newly made defendants of the case
	Updated   int         // defendants whose charges, status or counsel changed
	Unchanged int         // defendants already in the case exactly as listed
	Persons   []uuid.UUID // the person of each row, in row order
	Ambiguous []Ambiguity
}

// Resolution settles an ambiguous row: map its line to the person to link
// it to, or to uuid.Nil to create a new person.
type Resolution map[int]uuid.UUID

// Import stores rows as defendants of the case, in one durable batch: all
// or nothing. A row whose Latin or local name (compared by Key) matches a
// person already in the vault is linked to that person, not duplicated, so
// a leader charged in several cases stays one person. Importing the same
// file again changes nothing. If a row matches several persons, or matches
// none by Key but nearly matches some (the names are equal once accents,
// spacing and invisible characters are ignored, see nearKey), nothing is
// stored and the error is ErrAmbiguous; call ImportResolved to decide. Two
// rows of one roster that would make two new persons with nearly the same
// name are refused too, unless the second is resolved as a new person.
func Import(v *storage.Vault, caseID uuid.UUID, rows []Row) (*Report, error) {
	return ImportResolved(v, caseID, rows, nil)
}

// ImportResolved is Import with decisions for ambiguous rows.
func ImportResolved(v *storage.Vault, caseID uuid.UUID, rows []Row, res Resolution) (*Report, error) {
	var rep *Report
	// UpdateLarge: a 10,000-row roster is more than one Badger transaction
	// takes, and still all or nothing, also across a crash.
	err := v.UpdateLarge(func(tx *storage.Tx) error {
		var err error
		rep, err = importTx(tx, caseID, rows, res)
		return err
	})
	if err != nil {
		return rep, err
	}
	return rep, nil
}

type personIndex struct {
	byKey  map[string][]*storage.Person
	byNear map[string][]*storage.Person // by nearKey
	byID   map[uuid.UUID]*storage.Person
}

func (ix *personIndex) add(p *storage.Person) {
	ix.byID[p.ID] = p
	for _, k := range nameKeys(p.Name, p.NameLocal) {
		if !slices.Contains(ix.byKey[k], p) {
			ix.byKey[k] = append(ix.byKey[k], p)
		}
	}
	for _, k := range nearKeys(p.Name, p.NameLocal) {
		if !slices.Contains(ix.byNear[k], p) {
			ix.byNear[k] = append(ix.byNear[k], p)
		}
	}
}

// nearKeys is nameKeys by nearKey.
func nearKeys(names ...string) []string { return keysBy(nearKey, names) }

// nameKeys returns the match keys of the given names; Latin and local
// names share one key space because a name is matched whichever column
// holds it.
func nameKeys(names ...string) []string { return keysBy(Key, names) }

// keysBy returns the distinct non-empty keys of names, in order.
func keysBy(key func(string) string, names []string) []string {
	var out []string
	for _, n := range names {
		if k := key(n); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// match returns the stored persons whose Latin or local name has the same
// Key as one of the row's names. If there is none, it returns those whose
// name has the same nearKey, with near true.
func (ix *personIndex) match(r Row) (cands []*storage.Person, near bool) {
	if out := lookup(ix.byKey, nameKeys(r.Name, r.NameLocal)); len(out) > 0 {
		return out, false
	}
	out := lookup(ix.byNear, nearKeys(r.Name, r.NameLocal))
	return out, len(out) > 0
}

func lookup(index map[string][]*storage.Person, keys []string) []*storage.Person {
	var out []*storage.Person
	for _, k := range keys {
		for _, p := range index[k] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func importTx(tx *storage.Tx, caseID uuid.UUID, rows []Row, res Resolution) (*Report, error) {
	c := &storage.Case{}
	if err := tx.Get(caseID, c); err != nil {
		return nil, fmt.Errorf("roster import: case %s: %w", caseID, err)
	}
	persons, err := tx.Persons()
	if err != nil {
		return nil, err
	}
	ix := &personIndex{byKey: map[string][]*storage.Person{}, byNear: map[string][]*storage.Person{}, byID: map[uuid.UUID]*storage.Person{}}
	for _, p := range persons {
		ix.add(p)
	}
	defs, err := tx.DefendantsOfCase(caseID)
	if err != nil {
		return nil, err
	}
	byPerson := map[uuid.UUID]*storage.CaseDefendant{}
	for _, d := range defs {
		byPerson[d.PersonID] = d
	}

	rep := &Report{}
	// First pass: decide the person of every row, so that nothing is
	// written when any row is ambiguous.
	chosen := make([]*storage.Person, len(rows))
	usedBy := map[*storage.Person]int{}
	newNear := map[string]Row{} // nearKey -> first row that makes a new person
	for i, r := range rows {
		cands, near := ix.match(r)
		id, resolved := res[r.Line]
		if resolved {
			near = false
			if id == uuid.Nil {
				cands = nil
			} else if p := ix.byID[id]; p != nil {
				cands = []*storage.Person{p}
			} else {
				return nil, fmt.Errorf("line %d: person %s chosen for %q does not exist", r.Line, id, displayName(r))
			}
		}
		switch {
		case len(cands) == 0:
			if err := checkNewNear(newNear, r, resolved); err != nil {
				return nil, err
			}
		case len(cands) == 1 && !near:
			chosen[i] = cands[0]
			if prev, dup := usedBy[cands[0]]; dup {
				return nil, fmt.Errorf("roster import: lines %d and %d both match %s; fix one of the names", prev, r.Line, cands[0].DisplayName())
			}
			usedBy[cands[0]] = r.Line
		default:
			a := Ambiguity{Line: r.Line, Name: displayName(r), Near: near}
			for _, p := range cands {
				a.Candidates = append(a.Candidates, p.ID)
			}
			rep.Ambiguous = append(rep.Ambiguous, a)
		}
	}
	if len(rep.Ambiguous) > 0 {
		return rep, fmt.Errorf("roster import: %w: %d row(s); nothing was imported", ErrAmbiguous, len(rep.Ambiguous))
	}

	for i, r := range rows {
		p := chosen[i]
		if p == nil {
			p = &storage.Person{Name: r.Name, NameLocal: r.NameLocal, Aliases: r.Aliases}
			if err := tx.Put(p); err != nil {
				return nil, fmt.Errorf("line %d: %w", r.Line, err)
			}
			rep.Created++
		} else {
			rep.Linked++
			if mergePerson(p, r) {
				if err := tx.Put(p); err != nil {
					return nil, fmt.Errorf("line %d: %w", r.Line, err)
				}
			}
		}
		rep.Persons = append(rep.Persons, p.ID)
		if err := upsertDefendant(tx, rep, byPerson, caseID, p.ID, r); err != nil {
			return nil, fmt.Errorf("line %d: %w", r.Line, err)
		}
	}
	return rep, nil
}

// checkNewNear refuses a row that would make a new person nearly matching
// another new person of the same roster (Parse already refuses exact
// repeats), unless the user chose a new person for that row (resolved).
func checkNewNear(seen map[string]Row, r Row, resolved bool) error {
	keys := nearKeys(r.Name, r.NameLocal)
	if !resolved {
		for _, k := range keys {
			if first, dup := seen[k]; dup {
				return fmt.Errorf("roster import: lines %d and %d nearly repeat one name (%q and %q differ only in accents, spacing or invisible characters); merge the rows if they are one person; if they are two, make the names distinguishable, e.g. \"Sok Chea (Kampong Cham)\", or choose a new person for line %d",
					first.Line, r.Line, displayName(first), displayName(r), r.Line)
			}
		}
	}
	for _, k := range keys {
		if _, dup := seen[k]; !dup {
			seen[k] = r
		}
	}
	return nil
}

// mergePerson fills names and aliases the stored person lacks; it never
// overwrites a name already stored. It reports whether p changed.
func mergePerson(p *storage.Person, r Row) bool {
	changed := false
	if p.Name == "" && r.Name != "" {
		p.Name, changed = r.Name, true
	}
	if p.NameLocal == "" && r.NameLocal != "" {
		p.NameLocal, changed = r.NameLocal, true
	}
	have := nameKeys(append([]string{p.Name, p.NameLocal}, p.Aliases...)...)
	for _, a := range append(r.Aliases, otherName(p, r)...) {
		if k := Key(a); k != "" && !slices.Contains(have, k) {
			p.Aliases = append(p.Aliases, a)
			have = append(have, k)
			changed = true
		}
	}
	return changed
}

// otherName returns the row's names that differ from the stored ones, so a
// different romanisation is kept as an alias.
func otherName(p *storage.Person, r Row) []string {
	var out []string
	if r.Name != "" && Key(r.Name) != Key(p.Name) {
		out = append(out, r.Name)
	}
	if r.NameLocal != "" && Key(r.NameLocal) != Key(p.NameLocal) {
		out = append(out, r.NameLocal)
	}
	return out
}

func upsertDefendant(tx *storage.Tx, rep *Report, byPerson map[uuid.UUID]*storage.CaseDefendant, caseID, personID uuid.UUID, r Row) error {
	var charges []storage.Charge
	for _, c := range r.Charges {
		charges = append(charges, storage.Charge{Article: c.Article, Label: c.Label})
	}
	d := byPerson[personID]
	if d == nil {
		d = &storage.CaseDefendant{CaseID: caseID, PersonID: personID}
		rep.Added++
	} else if slices.Equal(d.Charges, charges) && d.Status == r.Status && d.StatusReason == r.StatusReason && d.Counsel == r.Counsel {
		rep.Unchanged++
		return nil
	} else {
		rep.Updated++
	}
	d.Charges, d.Status, d.StatusReason, d.Counsel = charges, r.Status, r.StatusReason, r.Counsel
	byPerson[personID] = d
	return tx.Put(d)
}

func displayName(r Row) string {
	return strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{r.Name, r.NameLocal}, func(s string) bool { return s == "" }), " / "))
}
