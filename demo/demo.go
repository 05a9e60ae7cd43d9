// Package demo fills a vault with a deterministic mass-trial dataset for
// demonstrations, sample reports, tests and benchmarks.
//
// The scenario follows the Cambodian mass trials of 2020-2022 (see
// ../shared/domain/monitoring.md): 150 persons, 6 cases before the Phnom
// Penh Municipal Court under Criminal Code art. 453 (plotting) and arts.
// 494-495 (incitement), 20 persons charged in several cases, exiles tried
// in absentia, and 10 hearings on 4 days. Some public figures' names are
// used for illustration; every observation, answer and status recorded
// about anyone here is invented.
//
// The same seed gives the same content (names, notes, answers, times);
// record ids are fresh UUIDv7s on every run.
package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// Size of the dataset.
const (
	Persons  = 150
	Cases    = 6
	Hearings = 10
)

// batchSize is how many records go in one vault transaction: well under
// the ~1,500 small records a Badger transaction holds.
const batchSize = 1000

// Summary says what Build stored.
type Summary struct {
	Cases    []uuid.UUID // in caseSpecs order
	Hearings []uuid.UUID // in hearingSpecs order
	Persons  []uuid.UUID

	SamRainsy, MuSochua, KemSokha uuid.UUID
	MultiCase                     []uuid.UUID // persons charged in more than one case
	InAbsentia                    []uuid.UUID // persons tried in absentia in at least one case
	Attachment                    uuid.UUID

	Counts Counts
}

// Counts are the number of records of each kind.
type Counts struct {
	Persons, Cases, Defendants, Hearings, Attendance int
	Notes, Events, Answers, Attachments              int
}

// Build stores the demo dataset in v. The vault should be empty; Build
// does not check.
func Build(v *storage.Vault, seed int64) (*Summary, error) {
	b := &builder{v: v, rng: rand.New(rand.NewPCG(uint64(seed), 0x636f75727477)), s: &Summary{}}
	// The steps draw from one random stream, so their order is part of
	// what a seed means.
	for _, step := range []func() error{b.storePersons, b.storeCases, b.storeHearings, b.storeObservations, b.storeAttachment} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return b.s, nil
}

// builder holds what Build's steps hand on to each other.
type builder struct {
	v    *storage.Vault
	rng  *rand.Rand
	s    *Summary
	recs []storage.Record // made but not stored yet

	people     []*storage.Person
	byID       map[uuid.UUID]*storage.Person
	cases      []*storage.Case
	defendants [][]*storage.CaseDefendant // per case, in caseSpecs order
	hearings   []*storage.Hearing         // in hearingSpecs order
}

// flush stores the records made so far.
func (b *builder) flush() error {
	err := put(b.v, b.recs)
	b.recs = b.recs[:0]
	return err
}

func (b *builder) storePersons() error {
	b.people = persons(b.rng, Persons)
	for _, p := range b.people {
		b.recs = append(b.recs, p)
	}
	if err := b.flush(); err != nil {
		return err
	}
	b.byID = map[uuid.UUID]*storage.Person{}
	for _, p := range b.people {
		b.s.Persons = append(b.s.Persons, p.ID)
		b.byID[p.ID] = p
	}
	b.s.SamRainsy, b.s.MuSochua, b.s.KemSokha = b.people[0].ID, b.people[1].ID, b.people[5].ID
	return nil
}

// storeCases stores the cases and makes their defendants: first the
// multi-case persons, then the next unused single-case persons. The
// defendants are stored with the hearings.
func (b *builder) storeCases() error {
	next := 20
	b.cases = make([]*storage.Case, len(caseSpecs))
	b.defendants = make([][]*storage.CaseDefendant, len(caseSpecs))
	absentia := map[uuid.UUID]bool{}
	for i, cs := range caseSpecs {
		k := cs.record()
		if err := b.v.Put(k); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		b.cases[i] = k
		b.s.Cases = append(b.s.Cases, k.ID)
		idx := append([]int(nil), cs.multi...)
		for range cs.singles {
			idx, next = append(idx, next), next+1
		}
		for _, p := range idx {
			d := newDefendant(b.rng, k, p, b.people[p], cs.charges)
			b.defendants[i] = append(b.defendants[i], d)
			b.recs = append(b.recs, d)
			if d.Status == storage.StatusInAbsentia && !absentia[d.PersonID] {
				absentia[d.PersonID] = true
				b.s.InAbsentia = append(b.s.InAbsentia, d.PersonID)
			}
		}
	}
	if next != Persons {
		return fmt.Errorf("demo: cases use %d persons, want %d", next, Persons)
	}
	b.s.MultiCase = append(b.s.MultiCase, b.s.Persons[:20]...)
	b.s.Counts.Persons, b.s.Counts.Cases, b.s.Counts.Defendants = len(b.people), len(b.cases), len(b.recs)
	return nil
}

// storeHearings stores the hearings together with the defendants, so
// that what refers to them can be checked.
func (b *builder) storeHearings() error {
	b.hearings = make([]*storage.Hearing, len(hearingSpecs))
	for i, hs := range hearingSpecs {
		b.hearings[i] = hs.record(b.cases[hs.c], b.defendants[hs.c], "Demo monitor")
		b.recs = append(b.recs, b.hearings[i])
	}
	if err := b.flush(); err != nil {
		return err
	}
	for _, h := range b.hearings {
		b.s.Hearings = append(b.s.Hearings, h.ID)
	}
	b.s.Counts.Hearings = len(b.hearings)
	return nil
}

// storeObservations stores what the monitor saw at each hearing:
// attendance, checklist answers, notes and events.
func (b *builder) storeObservations() error {
	last := map[int]int{} // case -> its last hearing
	for i, hs := range hearingSpecs {
		last[hs.c] = i
	}
	for i, hs := range hearingSpecs {
		final := last[hs.c] == i && hs.day >= "2022"
		b.observe(b.hearings[i], b.defendants[hs.c], final)
	}
	return b.flush()
}

// observe makes the observations of hearing h, whose listed defendants
// are ds; final: the case's last hearing, where the verdict is read.
func (b *builder) observe(h *storage.Hearing, ds []*storage.CaseDefendant, final bool) {
	c := &b.s.Counts
	var att []*storage.Attendance
	var listed []defendant
	for _, d := range ds {
		a := attendance(b.rng, h, d)
		att = append(att, a)
		listed = append(listed, defendant{d, b.byID[d.PersonID], a})
		b.recs = append(b.recs, a)
		for _, ans := range defendantChecklist(b.rng, h, d, a) {
			b.recs = append(b.recs, ans)
			c.Answers++
		}
	}
	c.Attendance += len(att)
	for _, ans := range hearingChecklist(b.rng, h) {
		b.recs = append(b.recs, ans)
		c.Answers++
	}
	for _, n := range notes(b.rng, h, listed) {
		b.recs = append(b.recs, n)
		c.Notes++
	}
	for _, e := range events(b.rng, h, att, final) {
		b.recs = append(b.recs, e)
		c.Events++
	}
}

func (b *builder) storeAttachment() error {
	att := &storage.Attachment{CaseID: b.cases[0].ID, HearingID: b.hearings[0].ID, Name: "court-notice-2020-11-26.png",
		MediaType: "image/png", Caption: "Court notice listing the accused (demo image)"}
	if err := b.v.AddAttachment(att, bytes.NewReader(noticePNG())); err != nil {
		return fmt.Errorf("demo: attachment: %w", err)
	}
	b.s.Attachment = att.ID
	b.s.Counts.Attachments = 1
	return nil
}

// put stores recs in batches of batchSize, in order.
func put(v *storage.Vault, recs []storage.Record) error {
	for len(recs) > 0 {
		n := min(batchSize, len(recs))
		if err := v.Put(recs[:n]...); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		recs = recs[n:]
	}
	return nil
}

// noticePNG draws a small stand-in for a photo of a court notice: a page
// with lines of "text".
func noticePNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 48, 64))
	for y := range 64 {
		for x := range 48 {
			c := uint8(235)
			if y > 6 && y < 60 && x > 5 && x < 43 && y%5 == 0 && (x*7+y*3)%11 != 0 {
				c = 60
			}
			img.SetGray(x, y, color.Gray{Y: c})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}
