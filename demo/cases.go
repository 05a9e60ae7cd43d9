package demo

import (
	"math/rand/v2"
	"time"

	"courtwatch/storage"
)

const court = "Phnom Penh Municipal Court"

var (
	plotting   = storage.Charge{Article: "453", Label: "Plotting"}
	incitement = storage.Charge{Article: "494", Label: "Incitement to commit a felony"}
	disturbing = storage.Charge{Article: "495", Label: "Incitement to disturb social security"}
)

// ict is Cambodia's time zone (UTC+7, no daylight saving time).
var ict = time.FixedZone("ICT", 7*3600)

// caseSpec describes one demo case: its defendants are the persons listed
// in multi plus singles persons charged in this case only.
type caseSpec struct {
	number, title string
	charges       []storage.Charge
	multi         []int // indexes of persons charged in several cases
	singles       int
	judges        []string
	prosecutors   []string
}

func span(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// The cases: 175 defendant places for 150 persons. Persons 0-4 are charged
// in three cases, persons 5-19 in two.
var caseSpecs = []caseSpec{
	{"DEMO 001/2020", "Plotting and incitement: CNRP leaders and supporters (mass trial I)",
		[]storage.Charge{plotting, incitement}, append(span(0, 4), span(5, 14)...), 45,
		[]string{"Chea Sovannara (presiding)", "Lim Bunthoeun", "Ouk Ratha"}, []string{"Seng Vichet"}},
	{"DEMO 002/2020", "Incitement: CNRP activists (mass trial II)",
		[]storage.Charge{disturbing}, append(span(5, 9), span(15, 19)...), 30,
		[]string{"Keo Sophorn (presiding)", "Nuon Malis"}, []string{"Seng Vichet"}},
	{"DEMO 003/2021", "Plotting: the attempted return of 9 November 2019 (mass trial III)",
		[]storage.Charge{plotting}, span(0, 4), 25,
		[]string{"Chea Sovannara (presiding)", "Prak Daravuth"}, []string{"Touch Sarith"}},
	{"DEMO 004/2021", "Incitement: online expression (mass trial IV)",
		[]storage.Charge{incitement, disturbing}, span(10, 14), 15,
		[]string{"Keo Sophorn (presiding)"}, []string{"Touch Sarith"}},
	{"DEMO 005/2022", "Plotting: mass trial V",
		[]storage.Charge{plotting}, span(0, 4), 10,
		[]string{"Yim Sothy (presiding)", "Lim Bunthoeun"}, []string{"Seng Vichet", "Touch Sarith"}},
	{"DEMO 006/2022", "Incitement: youth activists (mass trial VI)",
		[]storage.Charge{disturbing}, span(15, 19), 5,
		[]string{"Yim Sothy (presiding)"}, []string{"Touch Sarith"}},
}

// hearingSpec is one demo hearing of caseSpecs[c].
type hearingSpec struct {
	c         int
	day       string
	at, start string // scheduled and actual start, HH:MM
	minutes   int    // duration
	room      string
	access    string
}

var hearingSpecs = []hearingSpec{
	{0, "2020-11-26", "08:00", "08:42", 193, "Courtroom 2", "restricted: pre-registered individuals only"},
	{1, "2020-11-26", "14:00", "14:20", 140, "Courtroom 2", "restricted: pre-registered individuals only"},
	{0, "2021-01-14", "08:00", "08:35", 215, "Courtroom 1", "restricted: relatives kept outside"},
	{1, "2021-01-14", "08:30", "09:05", 150, "Courtroom 3", "restricted: relatives kept outside"},
	{2, "2021-01-14", "14:00", "14:15", 165, "Courtroom 1", "restricted: relatives kept outside"},
	{0, "2021-03-04", "08:00", "08:20", 240, "Courtroom 1", "public, limited seating"},
	{2, "2021-03-04", "13:30", "13:50", 130, "Courtroom 1", "public, limited seating"},
	{3, "2021-03-04", "08:30", "08:45", 180, "Courtroom 3", "public"},
	{4, "2022-06-14", "08:00", "08:30", 210, "Courtroom 2", "restricted: pre-registered individuals only"},
	{5, "2022-06-14", "14:00", "14:10", 120, "Courtroom 2", "public"},
}

func clock(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, ict)
	if err != nil {
		panic(err)
	}
	return t
}

var counsels = []string{"Sok Chanthy", "Meas Borey", "Ly Vanna (court-appointed)", "Chan Sreyleak", "Kong Pisey"}

// exileReasons are the in-absentia reasons of the exiles (persons 0-4).
var exileReasons = []string{"abroad, refused entry", "passport cancelled", "abroad, refused entry", "passport cancelled", "abroad, refused entry"}

// newDefendant makes person p a defendant of case k, with a status that
// stays the same in every case of a person.
func newDefendant(rng *rand.Rand, k *storage.Case, p int, person *storage.Person, charges []storage.Charge) *storage.CaseDefendant {
	d := &storage.CaseDefendant{CaseID: k.ID, PersonID: person.ID, Charges: charges}
	switch {
	case p < len(exileReasons):
		d.Status, d.StatusReason = storage.StatusInAbsentia, exileReasons[p]
	case p%11 == 7:
		d.Status, d.StatusReason = storage.StatusInAbsentia, "abroad, summons sent to a former Phnom Penh address"
	case p%11 == 8:
		d.Status, d.StatusReason = storage.StatusInAbsentia, "passport cancelled"
	case p%3 == 0:
		d.Status = storage.StatusDetained
		d.StatusReason = "Prey Sar prison since " + []string{"2019", "2020"}[p%2]
	case p%3 == 1:
		d.Status = storage.StatusBail
	default:
		d.Status = storage.StatusAtLiberty
	}
	if p%5 != 4 {
		d.Counsel = counsels[rng.IntN(len(counsels))]
	}
	return d
}

// attendance records person's presence at hearing h as a defendant d.
func attendance(rng *rand.Rand, h *storage.Hearing, d *storage.CaseDefendant) *storage.Attendance {
	a := &storage.Attendance{HearingID: h.ID, PersonID: d.PersonID, Presence: storage.PresencePresent}
	switch {
	case d.Status == storage.StatusInAbsentia:
		a.Presence, a.Reason = storage.PresenceInAbsentia, d.StatusReason
	case d.Status == storage.StatusDetained && rng.IntN(8) == 0:
		a.Presence, a.Reason = storage.PresenceAbsent, "detained, not produced by the prison"
	case rng.IntN(6) == 0:
		a.Presence = storage.PresenceAbsent
		a.Reason = []string{"ill, medical certificate filed", "not summoned in time", "unknown"}[rng.IntN(3)]
	}
	if d.Counsel != "" {
		a.Counsel = storage.CounselWasPresent
		if rng.IntN(7) == 0 {
			a.Counsel = storage.CounselWasAbsent
		}
	}
	return a
}

func (s caseSpec) record() *storage.Case {
	return &storage.Case{Court: court, Number: s.number, Title: s.title, Judges: s.judges, Prosecutors: s.prosecutors, Charges: s.charges, TimeZone: "Asia/Phnom_Penh"}
}

func (s hearingSpec) record(k *storage.Case, listed []*storage.CaseDefendant, observer string) *storage.Hearing {
	h := &storage.Hearing{
		CaseID:      k.ID,
		Scheduled:   clock(s.day, s.at),
		Started:     clock(s.day, s.start),
		Courtroom:   s.room,
		Access:      s.access,
		Judges:      k.Judges,
		Prosecutors: k.Prosecutors,
		Observers:   []string{observer, "Demo observer (embassy)"},
	}
	h.Ended = h.Started.Add(time.Duration(s.minutes) * time.Minute)
	for _, d := range listed {
		h.Defendants = append(h.Defendants, d.PersonID)
	}
	return h
}
