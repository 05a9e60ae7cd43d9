package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"courtwatch/storage"
)

// km joins Khmer words with zero-width spaces, as Khmer is typed: no
// visible space between words, but a place where a line may break.
func km(words ...string) string { return strings.Join(words, "\u200b") }

// noteKind is one kind of note a monitor writes. about says whether it
// names a defendant; fill makes its text for one.
type noteKind struct {
	tags   []string
	about  func(defendant) bool // nil: about no one
	fill   func(p *storage.Person, listed int) string
	source string
}

func fixedText(s string) func(*storage.Person, int) string {
	return func(*storage.Person, int) string { return s }
}

// defendant is a defendant as listed for one hearing.
type defendant struct {
	d *storage.CaseDefendant
	p *storage.Person
	a *storage.Attendance
}

func present(d defendant) bool { return d.a.Presence == storage.PresencePresent }
func presentDetained(d defendant) bool {
	return present(d) && d.d.Status == storage.StatusDetained
}
func presentKhmer(d defendant) bool { return present(d) && d.p.NameLocal != "" }
func absentKhmer(d defendant) bool  { return !present(d) && d.p.NameLocal != "" }

var noteKinds = []noteKind{
	{tags: []string{"procedure"}, fill: func(_ *storage.Person, n int) string {
		return fmt.Sprintf("Presiding judge opens the hearing and reads out the names of the %d accused.", n)
	}},
	{tags: []string{"charges"}, fill: fixedText("Prosecutor reads the closing order: art. 453 (plotting) and arts. 494-495 (incitement).")},
	{tags: []string{"in-absentia"}, fill: fixedText("Defence counsel asks the court to let the accused who live abroad enter Cambodia to attend; request noted.")},
	{tags: []string{"in-absentia"}, fill: fixedText("Court rejects the request after a five-minute recess; the trial proceeds in absentia.")},
	{tags: []string{"access"}, fill: fixedText("Relatives of the accused are kept outside the court gate by police."), source: storage.SourceReported},
	{tags: []string{"evidence"}, about: present, fill: func(p *storage.Person, _ int) string {
		return p.Name + " is questioned about Facebook posts and \"likes\" supporting the party's return."
	}},
	{tags: []string{"in-absentia", "notice"}, fill: fixedText("Prosecutor says summonses were sent to the accused's last known Phnom Penh address.")},
	{tags: []string{"charges"}, about: present, fill: func(p *storage.Person, _ int) string {
		return p.Name + " says they were not told of the charges before today."
	}},
	{tags: []string{"case-file"}, fill: fixedText("Defence asks for the full case file; the judge defers the request.")},
	{tags: []string{"treatment"}, about: presentDetained, fill: func(p *storage.Person, _ int) string {
		return p.Name + " is brought in handcuffs and prison uniform."
	}},
	{tags: []string{"access", "observer"}, fill: fixedText("Observer's phone taken at the entrance; returned after the hearing.")},
	{tags: []string{"witness"}, fill: fixedText("Prosecution witness, a police officer, testifies; defence not allowed to ask about the arrest.")},
	{tags: []string{"coercion"}, about: present, fill: func(p *storage.Person, _ int) string {
		return p.Name + " says the confession was signed under pressure at the police station."
	}},
	{tags: []string{"procedure"}, fill: fixedText("Court recess, 15 minutes.")},
	{tags: []string{"testimony"}, about: presentKhmer, fill: func(p *storage.Person, _ int) string {
		return p.Name + " (" + p.NameLocal + ") answers questions for 40 minutes and denies any plan to overthrow the government."
	}},
	// Notes typed in Khmer.
	{tags: []string{"procedure"}, fill: fixedText(km("ចៅក្រម", "បើក", "សវនាការ") + " " + km("ហើយ", "អាន", "ឈ្មោះ", "ជនជាប់ចោទ"))},
	{tags: []string{"access"}, fill: fixedText(km("ក្រុមគ្រួសារ", "ជនជាប់ចោទ", "មិន", "ត្រូវ", "បាន", "អនុញ្ញាត", "ឲ្យ", "ចូល", "បន្ទប់", "សវនាការ", "ទេ"))},
	{tags: []string{"incident"}, fill: fixedText(km("ប៉ូលិស", "ចាប់", "ខ្លួន", "អ្នក", "គាំទ្រ", "ពីរ", "នាក់", "នៅ", "ខាង", "ក្រៅ", "តុលាការ")), source: storage.SourceReported},
	{tags: []string{"in-absentia"}, fill: fixedText(km("មេធាវី", "ការពារក្តី", "ស្នើ", "សុំ", "ពន្យារពេល", "សវនាការ"))},
	{tags: []string{"charges"}, fill: fixedText(km("ព្រះរាជអាជ្ញា", "អាន", "ដីកា", "សម្រេច", "បញ្ជូន", "រឿង", "ទៅ", "ជំនុំជម្រះ"))},
	{tags: []string{"notice"}, about: absentKhmer, fill: func(p *storage.Person, _ int) string {
		return p.NameLocal + " " + km("និយាយ", "ថា", "មិន", "បាន", "ទទួល", "ដីកាកោះ", "ទេ")
	}},
	{tags: []string{"evidence"}, fill: fixedText(km("ចៅក្រម", "សួរ", "អំពី", "ការ", "ចុច") + " Like " + km("នៅ", "លើ") + " Facebook")},
}

// opening is how many kinds, from the first, open every hearing in order.
const opening = 2

// notes writes the log of one hearing: the opening, then between 22 and
// 31 notes spread over the hearing in an order that depends on the seed.
func notes(rng *rand.Rand, h *storage.Hearing, listed []defendant) []*storage.Note {
	order := []int{0, 1}
	for _, k := range rng.Perm(2 * (len(noteKinds) - opening))[:22+rng.IntN(10)] {
		order = append(order, opening+k%(len(noteKinds)-opening))
	}
	step := h.Ended.Sub(h.Started) / time.Duration(len(order)+1)
	var out []*storage.Note
	for i, k := range order {
		kind := noteKinds[k]
		note := &storage.Note{HearingID: h.ID, Time: h.Started.Add(step * time.Duration(i+1)), Tags: kind.tags, Source: kind.source}
		var p *storage.Person
		if kind.about != nil {
			for _, j := range rng.Perm(len(listed)) {
				if kind.about(listed[j]) {
					p = listed[j].p
					break
				}
			}
			if p == nil {
				continue
			}
			note.Defendants = append(note.Defendants, p.ID)
		}
		if note.Source == "" {
			note.Source = storage.SourceSeen
		}
		note.Text = kind.fill(p, len(listed))
		out = append(out, note)
	}
	return out
}

// events writes the one-tap events of a hearing: opening and closing, the
// public turned away, absent defendants, and incidents on some days.
func events(rng *rand.Rand, h *storage.Hearing, att []*storage.Attendance, final bool) []*storage.Event {
	ev := func(t time.Time, typ, comment string) *storage.Event {
		return &storage.Event{HearingID: h.ID, Time: t, Type: typ, Comment: comment}
	}
	out := []*storage.Event{ev(h.Started.Add(-25*time.Minute), "observer_admitted", "")}
	if strings.HasPrefix(h.Access, "restricted") {
		out = append(out, ev(h.Started.Add(-20*time.Minute), "public_denied_entry", "About 30 relatives and supporters turned away at the gate."))
	}
	out = append(out, ev(h.Started, "hearing_opened", ""))
	for _, a := range att {
		if a.Presence == storage.PresenceAbsent {
			e := ev(h.Started.Add(2*time.Minute), "defendant_absent", a.Reason)
			e.PersonID = a.PersonID
			out = append(out, e)
		}
	}
	if rng.IntN(2) == 0 {
		out = append(out, ev(h.Started.Add(35*time.Minute), "arrest_outside_court", "Two supporters holding a banner taken away by police."))
	}
	if rng.IntN(3) == 0 {
		out = append(out, ev(h.Started.Add(-15*time.Minute), "device_confiscated", "Phones of the public kept at the entrance."))
	}
	closing := ev(h.Ended, "adjourned", "Next hearing date to be announced.")
	if final {
		closing = ev(h.Ended, "verdict_pronounced", "Verdict read out in summary; written judgment not yet available.")
	}
	return append(out, closing)
}
