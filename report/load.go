package report

import (
	"cmp"
	"fmt"
	"slices"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// loader reads what a report needs inside one vault transaction, so that a
// report is a consistent snapshot. It reads more than a report shows (a
// defendant report loads whole cases); the report cites what it shows or
// counts, and only that reaches the footer and the list of sources.
type loader struct {
	tx      *storage.Tx
	persons map[uuid.UUID]*storage.Person
	cases   map[uuid.UUID]*storage.Case
	links   map[uuid.UUID][]*storage.CaseDefendant // person -> every case they are accused in

	cited map[uuid.UUID]Source
}

func newLoader(tx *storage.Tx) *loader {
	return &loader{tx: tx, persons: map[uuid.UUID]*storage.Person{}, cases: map[uuid.UUID]*storage.Case{},
		links: map[uuid.UUID][]*storage.CaseDefendant{}, cited: map[uuid.UUID]Source{}}
}

// cite records that the report shows or counts a record of kind with
// meta m.
func (l *loader) cite(kind string, m *storage.Meta) {
	l.cited[m.ID] = Source{Kind: kind, ID: m.ID, Version: m.Version, Hash: m.Hash, Device: m.Device, HLC: m.HLC}
}

// citePurged records that the report counts a record removed from this
// device after delivery.
func (l *loader) citePurged(p *storage.PurgedRecord) {
	last := p.Versions[len(p.Versions)-1]
	l.cited[p.ID] = Source{Kind: p.Type, ID: p.ID, Version: last.Version, Hash: last.Hash, Device: last.Device, HLC: last.HLC, Purged: true}
}

// sources returns the cited records in a stable order: by kind, then id.
func (l *loader) sources() []Source {
	out := make([]Source, 0, len(l.cited))
	for _, s := range l.cited {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Source) int {
		return cmp.Or(cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID.String(), b.ID.String()))
	})
	return out
}

var kindOrders = []string{storage.KindCase, storage.KindPerson, storage.KindCaseDefendant, storage.KindHearing,
	storage.KindAttendance, storage.KindNote, storage.KindEvent, storage.KindChecklistAnswer, storage.KindAttachment}

func kindOrder(k string) int {
	if i := slices.Index(kindOrders, k); i >= 0 {
		return i
	}
	return len(kindOrders)
}

func (l *loader) person(id uuid.UUID) (*storage.Person, error) {
	return cachedGet(l.tx, l.persons, id, "person")
}

func (l *loader) caseRecord(id uuid.UUID) (*storage.Case, error) {
	return cachedGet(l.tx, l.cases, id, "case")
}

// cachedGet returns record id from cache, reading it from tx the first
// time; what names its kind in the error.
func cachedGet[T any, P interface {
	*T
	storage.Record
}](tx *storage.Tx, cache map[uuid.UUID]P, id uuid.UUID, what string) (P, error) {
	if r, ok := cache[id]; ok {
		return r, nil
	}
	r := P(new(T))
	if err := tx.Get(id, r); err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, id, err)
	}
	cache[id] = r
	return r, nil
}

// casesOf returns every case link of a person, oldest case first.
func (l *loader) casesOf(personID uuid.UUID) ([]*storage.CaseDefendant, error) {
	if ds, ok := l.links[personID]; ok {
		return ds, nil
	}
	ds, err := l.tx.CasesOfPerson(personID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if _, err := l.caseRecord(d.CaseID); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(ds, func(a, b *storage.CaseDefendant) int { return cmp.Compare(a.CaseID.String(), b.CaseID.String()) })
	l.links[personID] = ds
	return ds, nil
}

// hearingData is one hearing with everything recorded at it.
type hearingData struct {
	*storage.Hearing
	Case        *storage.Case
	Zone        courtZone // the court's time zone, that times are shown in
	Purged      []*storage.PurgedRecord
	Attendance  map[uuid.UUID]*storage.Attendance // by person
	Notes       []*storage.Note
	Events      []*storage.Event
	Answers     []*storage.ChecklistAnswer
	Attachments []*storage.Attachment
	Listed      []uuid.UUID // persons listed for the hearing, in the order of the case's defendants
}

func (l *loader) hearing(h *storage.Hearing, c *caseData) (*hearingData, error) {
	tx := l.tx
	hd := &hearingData{Hearing: h, Case: c.Case, Zone: zoneOf(c.Case, h.Scheduled), Attendance: map[uuid.UUID]*storage.Attendance{}}
	att, err := tx.AttendanceOfHearing(h.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range att {
		hd.Attendance[a.PersonID] = a
	}
	if hd.Purged, err = tx.PurgedOfHearing(h.ID); err != nil {
		return nil, err
	}
	if hd.Notes, err = tx.NotesOfHearing(h.ID); err != nil {
		return nil, err
	}
	if hd.Events, err = tx.EventsOfHearing(h.ID); err != nil {
		return nil, err
	}
	if hd.Answers, err = tx.ChecklistOfHearing(h.ID); err != nil {
		return nil, err
	}
	if hd.Attachments, err = tx.AttachmentsOfHearing(h.ID); err != nil {
		return nil, err
	}
	listed := map[uuid.UUID]bool{}
	for _, id := range h.Defendants {
		listed[id] = true
	}
	for _, d := range c.Defendants {
		if len(listed) == 0 || listed[d.PersonID] || hd.Attendance[d.PersonID] != nil {
			hd.Listed = append(hd.Listed, d.PersonID)
		}
	}
	// Persons listed for the hearing, or whose attendance was recorded,
	// without being defendants of the case: shown, not dropped.
	extra := slices.Clone(h.Defendants)
	for _, a := range att {
		extra = append(extra, a.PersonID)
	}
	for _, id := range extra {
		if c.ByPerson[id] != nil || slices.Contains(hd.Listed, id) {
			continue
		}
		if _, err := l.person(id); err != nil {
			return nil, err
		}
		hd.Listed = append(hd.Listed, id)
	}
	return hd, nil
}

// caseData is a case with its defendants and hearings.
type caseData struct {
	*storage.Case
	Defendants []*storage.CaseDefendant // by Latin name
	ByPerson   map[uuid.UUID]*storage.CaseDefendant
	Hearings   []*hearingData // by date
}

// caseData loads a case and its defendants, and with hearings also all of
// its hearings.
func (l *loader) caseData(id uuid.UUID, hearings bool) (*caseData, error) {
	k, err := l.caseRecord(id)
	if err != nil {
		return nil, err
	}
	c := &caseData{Case: k, ByPerson: map[uuid.UUID]*storage.CaseDefendant{}}
	if c.Defendants, err = l.tx.DefendantsOfCase(id); err != nil {
		return nil, err
	}
	for _, d := range c.Defendants {
		c.ByPerson[d.PersonID] = d
		if _, err := l.person(d.PersonID); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(c.Defendants, func(a, b *storage.CaseDefendant) int {
		return compareNames(l.persons[a.PersonID], l.persons[b.PersonID])
	})
	if !hearings {
		return c, nil
	}
	hs, err := l.tx.HearingsOfCase(id)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		hd, err := l.hearing(h, c)
		if err != nil {
			return nil, err
		}
		c.Hearings = append(c.Hearings, hd)
	}
	return c, nil
}

func compareNames(a, b *storage.Person) int {
	return cmp.Or(cmp.Compare(sortName(a), sortName(b)), cmp.Compare(a.ID.String(), b.ID.String()))
}

func sortName(p *storage.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.NameLocal
}

// citeLinks cites every case a person is accused in, with the link: what
// the cross-case matrix and "other cases" show.
func (l *loader) citeLinks(person uuid.UUID) {
	for _, o := range l.links[person] {
		l.cite(storage.KindCaseDefendant, &o.Meta)
		if k := l.cases[o.CaseID]; k != nil {
			l.cite(storage.KindCase, &k.Meta)
		}
	}
}
