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
	rng := rand.New(rand.NewPCG(uint64(seed), 0x636f75727477))
	s := &Summary{}
	var recs []storage.Record

	people := persons(rng, Persons)
	byID := map[uuid.UUID]*storage.Person{}
	for _, p := range people {
		recs = append(recs, p)
	}
	if err := put(v, recs); err != nil {
		return nil, err
	}
	for _, p := range people {
		s.Persons = append(s.Persons, p.ID)
		byID[p.ID] = p
	}
	s.SamRainsy, s.MuSochua, s.KemSokha = people[0].ID, people[1].ID, people[5].ID

	// Cases and their defendants: first the multi-case persons, then the
	// next unused single-case persons.
	recs = recs[:0]
	next := 20
	cases := make([]*storage.Case, len(caseSpecs))
	defendants := make([][]*storage.CaseDefendant, len(caseSpecs))
	absentia := map[uuid.UUID]bool{}
	for i, cs := range caseSpecs {
		k := cs.record()
		if err := v.Put(k); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		cases[i] = k
		s.Cases = append(s.Cases, k.ID)
		idx := append([]int(nil), cs.multi...)
		for range cs.singles {
			idx, next = append(idx, next), next+1
		}
		for _, p := range idx {
			d := newDefendant(rng, k, p, people[p], cs.charges)
			defendants[i] = append(defendants[i], d)
			recs = append(recs, d)
			if d.Status == storage.StatusInAbsentia && !absentia[d.PersonID] {
				absentia[d.PersonID] = true
				s.InAbsentia = append(s.InAbsentia, d.PersonID)
			}
		}
	}
	if next != Persons {
		return nil, fmt.Errorf("demo: cases use %d persons, want %d", next, Persons)
	}
	for _, id := range s.Persons[:20] {
		s.MultiCase = append(s.MultiCase, id)
	}
	s.Counts.Persons, s.Counts.Cases, s.Counts.Defendants = len(people), len(cases), len(recs)

	// Hearings first, so that what refers to them can be checked.
	hearings := make([]*storage.Hearing, len(hearingSpecs))
	for i, hs := range hearingSpecs {
		hearings[i] = hs.record(cases[hs.c], defendants[hs.c], "Demo monitor")
		recs = append(recs, hearings[i])
	}
	if err := put(v, recs); err != nil {
		return nil, err
	}
	for _, h := range hearings {
		s.Hearings = append(s.Hearings, h.ID)
	}
	s.Counts.Hearings = len(hearings)

	recs = recs[:0]
	last := map[int]int{} // case -> its last hearing
	for i, hs := range hearingSpecs {
		last[hs.c] = i
	}
	for i, hs := range hearingSpecs {
		h := hearings[i]
		var att []*storage.Attendance
		var listed []defendant
		for _, d := range defendants[hs.c] {
			a := attendance(rng, h, d)
			att = append(att, a)
			listed = append(listed, defendant{d, byID[d.PersonID], a})
			recs = append(recs, a)
			for _, ans := range defendantChecklist(rng, h, d, a) {
				recs = append(recs, ans)
				s.Counts.Answers++
			}
		}
		s.Counts.Attendance += len(att)
		for _, ans := range hearingChecklist(rng, h) {
			recs = append(recs, ans)
			s.Counts.Answers++
		}
		for _, n := range notes(rng, h, listed) {
			recs = append(recs, n)
			s.Counts.Notes++
		}
		final := last[hs.c] == i && hs.day >= "2022"
		for _, e := range events(rng, h, att, final) {
			recs = append(recs, e)
			s.Counts.Events++
		}
	}
	if err := put(v, recs); err != nil {
		return nil, err
	}

	att := &storage.Attachment{CaseID: cases[0].ID, HearingID: hearings[0].ID, Name: "court-notice-2020-11-26.png",
		MediaType: "image/png", Caption: "Court notice listing the accused (demo image)"}
	if err := v.AddAttachment(att, bytes.NewReader(noticePNG())); err != nil {
		return nil, fmt.Errorf("demo: attachment: %w", err)
	}
	s.Attachment = att.ID
	s.Counts.Attachments = 1
	return s, nil
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
