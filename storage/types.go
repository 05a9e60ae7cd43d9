package storage

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Record kinds, as stored in each version's "type".
const (
	KindCase            = "case"
	KindPerson          = "person"
	KindCaseDefendant   = "case_defendant"
	KindHearing         = "hearing"
	KindAttendance      = "attendance"
	KindNote            = "note"
	KindEvent           = "event"
	KindChecklistAnswer = "checklist_answer"
	KindAttachment      = "attachment"
)

var kinds = map[string]reflect.Type{
	KindCase:            reflect.TypeFor[Case](),
	KindPerson:          reflect.TypeFor[Person](),
	KindCaseDefendant:   reflect.TypeFor[CaseDefendant](),
	KindHearing:         reflect.TypeFor[Hearing](),
	KindAttendance:      reflect.TypeFor[Attendance](),
	KindNote:            reflect.TypeFor[Note](),
	KindEvent:           reflect.TypeFor[Event](),
	KindChecklistAnswer: reflect.TypeFor[ChecklistAnswer](),
	KindAttachment:      reflect.TypeFor[Attachment](),
}

// Charge is one count under a Criminal Code article, e.g. {"453", "Plotting"}.
type Charge struct {
	Article string `json:"article"`
	Label   string `json:"label,omitempty"`
}

func (c Charge) String() string { return strings.TrimSpace(c.Article + " " + c.Label) }

// Case is one criminal case before a court.
type Case struct {
	Meta        `json:"-"`
	Court       string   `json:"court,omitempty"`
	Number      string   `json:"number,omitempty"`
	Title       string   `json:"title"`
	Judges      []string `json:"judges,omitempty"`
	Prosecutors []string `json:"prosecutors,omitempty"`
	Charges     []Charge `json:"charges,omitempty"` // articles the case is brought under
	// TimeZone is the court's IANA time zone, e.g. "Asia/Phnom_Penh":
	// times typed for the case are read in it and reports show times in
	// it. Empty in cases made before it existed.
	TimeZone string `json:"time_zone,omitempty"`
}

func (*Case) Kind() string { return KindCase }

func (c *Case) validate(*Tx) error {
	if strings.TrimSpace(c.Title) == "" && strings.TrimSpace(c.Number) == "" {
		return errors.New("a case needs a title or a case number")
	}
	if _, err := c.Location(); err != nil {
		return err
	}
	return nil
}

// Location is the case's time zone, or nil when the case names none.
func (c *Case) Location() (*time.Location, error) {
	if c.TimeZone == "" {
		return nil, nil
	}
	// LoadLocation also takes "Local" and "" and file paths; a court's zone
	// is a name such as Asia/Phnom_Penh or UTC.
	if c.TimeZone == "Local" || strings.HasPrefix(c.TimeZone, "/") || strings.Contains(c.TimeZone, "..") {
		return nil, fmt.Errorf("time zone %q is not an IANA zone name such as Asia/Phnom_Penh", c.TimeZone)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is not an IANA zone name such as Asia/Phnom_Penh", c.TimeZone)
	}
	return loc, nil
}

func (c *Case) searchText() string {
	return strings.Join([]string{c.Title, c.Number, c.Court, strings.Join(c.Judges, " "), strings.Join(c.Prosecutors, " ")}, "\n")
}

// Person is someone who can be accused in one or more cases. Names are kept
// in Latin script and in local (e.g. Khmer) script, because romanisations
// vary between sources.
type Person struct {
	Meta        `json:"-"`
	Name        string   `json:"name,omitempty"`       // Latin script
	NameLocal   string   `json:"name_local,omitempty"` // local script, e.g. Khmer
	Aliases     []string `json:"aliases,omitempty"`
	Affiliation string   `json:"affiliation,omitempty"`
}

func (*Person) Kind() string { return KindPerson }

func (p *Person) validate(*Tx) error {
	if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.NameLocal) == "" {
		return errors.New("a person needs a Latin-script name or a local-script name")
	}
	return nil
}

func (p *Person) searchText() string {
	return strings.Join(append([]string{p.Name, p.NameLocal}, p.Aliases...), "\n")
}

// DisplayName is the Latin name with the local name in brackets, or
// whichever of the two exists.
func (p *Person) DisplayName() string {
	switch {
	case p.Name != "" && p.NameLocal != "":
		return p.Name + " (" + p.NameLocal + ")"
	case p.Name != "":
		return p.Name
	}
	return p.NameLocal
}

// Status of a defendant in a case.
const (
	StatusDetained   = "detained"
	StatusBail       = "bail"
	StatusAtLiberty  = "at_liberty"
	StatusInAbsentia = "in_absentia"
)

// Statuses lists the valid defendant statuses.
var Statuses = []string{StatusDetained, StatusBail, StatusAtLiberty, StatusInAbsentia}

// CaseDefendant links a person to a case as an accused, with the charges,
// counsel and status that hold in that case. One person may have several.
type CaseDefendant struct {
	Meta         `json:"-"`
	CaseID       uuid.UUID `json:"case"`
	PersonID     uuid.UUID `json:"person"`
	Charges      []Charge  `json:"charges,omitempty"`
	Counsel      string    `json:"counsel,omitempty"`
	Status       string    `json:"status,omitempty"`
	StatusReason string    `json:"status_reason,omitempty"` // e.g. "abroad, refused entry"
}

func (*CaseDefendant) Kind() string { return KindCaseDefendant }

func (d *CaseDefendant) indexEntries() []indexEntry {
	return []indexEntry{{name: "case.defendants", parent: d.CaseID}, {name: "person.cases", parent: d.PersonID}}
}

func (d *CaseDefendant) validate(tx *Tx) error {
	if d.Status != "" && !validStatus(d.Status) {
		return fmt.Errorf("status %q is not one of %s", d.Status, strings.Join(Statuses, ", "))
	}
	if err := tx.mustExist(d.CaseID, KindCase); err != nil {
		return err
	}
	return tx.mustExist(d.PersonID, KindPerson)
}

func validStatus(s string) bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Hearing is one court session of a case.
type Hearing struct {
	Meta        `json:"-"`
	CaseID      uuid.UUID   `json:"case"`
	Scheduled   time.Time   `json:"scheduled"`
	Started     time.Time   `json:"started,omitzero"`
	Ended       time.Time   `json:"ended,omitzero"`
	Courtroom   string      `json:"courtroom,omitempty"`
	Access      string      `json:"access,omitempty"` // e.g. public, restricted, closed
	Judges      []string    `json:"judges,omitempty"`
	Prosecutors []string    `json:"prosecutors,omitempty"`
	Observers   []string    `json:"observers,omitempty"`
	Defendants  []uuid.UUID `json:"defendants,omitempty"` // persons listed for this hearing; empty means all of the case
}

func (*Hearing) Kind() string { return KindHearing }

func (h *Hearing) indexEntries() []indexEntry {
	s := timeSort(h.Scheduled)
	return []indexEntry{{name: "case.hearings", parent: h.CaseID, sort: s}, {name: "hearings", sort: s}}
}

func (h *Hearing) validate(tx *Tx) error {
	if h.Scheduled.IsZero() {
		return errors.New("a hearing needs a scheduled date")
	}
	if err := CheckDate("the hearing's scheduled date", h.Scheduled); err != nil {
		return err
	}
	for _, t := range []struct {
		what string
		t    time.Time
	}{{"the hearing's start", h.Started}, {"the hearing's end", h.Ended}} {
		if !t.t.IsZero() {
			if err := CheckDate(t.what, t.t); err != nil {
				return err
			}
		}
	}
	if err := tx.mustExist(h.CaseID, KindCase); err != nil {
		return err
	}
	for _, p := range h.Defendants {
		if err := tx.mustExist(p, KindPerson); err != nil {
			return err
		}
	}
	return nil
}

// Presence of a defendant at a hearing.
const (
	PresencePresent    = "present"
	PresenceAbsent     = "absent"
	PresenceInAbsentia = "in_absentia"
)

// Presence of a defendant's counsel at a hearing. The empty string means
// nobody recorded it, which is not the same as absent.
const (
	CounselNotRecorded = ""
	CounselWasPresent  = "present"
	CounselWasAbsent   = "absent"
)

// Attendance records one defendant at one hearing.
type Attendance struct {
	Meta      `json:"-"`
	HearingID uuid.UUID `json:"hearing"`
	PersonID  uuid.UUID `json:"person"`
	Presence  string    `json:"presence"`
	Reason    string    `json:"reason,omitempty"`
	// Counsel is CounselWasPresent, CounselWasAbsent or CounselNotRecorded.
	Counsel string `json:"counsel,omitempty"`
	// LegacyCounselPresent is the boolean that versions written before the
	// three states carried. True still means present; false was also what
	// an untouched box saved, so it means "not recorded", never absent.
	LegacyCounselPresent bool `json:"counsel_present,omitempty"`
}

// CounselState is the recorded presence of counsel: CounselWasPresent,
// CounselWasAbsent or CounselNotRecorded, reading older versions too.
func (a *Attendance) CounselState() string {
	if a.Counsel != CounselNotRecorded {
		return a.Counsel
	}
	if a.LegacyCounselPresent {
		return CounselWasPresent
	}
	return CounselNotRecorded
}

func (*Attendance) Kind() string { return KindAttendance }

func (a *Attendance) indexEntries() []indexEntry {
	return []indexEntry{{name: "hearing.attendance", parent: a.HearingID, sort: a.PersonID[:]}}
}

func (a *Attendance) validate(tx *Tx) error {
	switch a.Presence {
	case PresencePresent, PresenceAbsent, PresenceInAbsentia:
	default:
		return fmt.Errorf("presence %q is not one of present, absent, in_absentia", a.Presence)
	}
	switch a.Counsel {
	case CounselNotRecorded, CounselWasPresent, CounselWasAbsent:
	default:
		return fmt.Errorf("counsel %q is not one of present, absent or empty (not recorded)", a.Counsel)
	}
	if err := tx.mustExist(a.HearingID, KindHearing); err != nil {
		return err
	}
	return tx.mustExist(a.PersonID, KindPerson)
}

// Source says whether the monitor saw something or was told it.
const (
	SourceSeen     = "seen"
	SourceReported = "reported"
)

// Note is one timestamped entry of a hearing's log.
type Note struct {
	Meta       `json:"-"`
	HearingID  uuid.UUID   `json:"hearing"`
	Time       time.Time   `json:"time"`
	Text       string      `json:"text"`
	Tags       []string    `json:"tags,omitempty"`
	Defendants []uuid.UUID `json:"defendants,omitempty"` // persons the note is about
	Source     string      `json:"source,omitempty"`     // seen or reported
}

func (*Note) Kind() string { return KindNote }

func (n *Note) indexEntries() []indexEntry {
	return []indexEntry{{name: "hearing.notes", parent: n.HearingID, sort: timeSort(n.Time)}}
}

func (n *Note) validate(tx *Tx) error {
	if strings.TrimSpace(n.Text) == "" {
		return errors.New("a note needs text")
	}
	if err := checkObservedAt(n.Time, "a", "note"); err != nil {
		return err
	}
	if n.Source != "" && n.Source != SourceSeen && n.Source != SourceReported {
		return fmt.Errorf("source %q is not seen or reported", n.Source)
	}
	return tx.mustExist(n.HearingID, KindHearing)
}

func (n *Note) searchText() string { return n.Text + "\n" + strings.Join(n.Tags, " ") }

// Event is a one-tap observation such as "public denied entry".
type Event struct {
	Meta      `json:"-"`
	HearingID uuid.UUID `json:"hearing"`
	Time      time.Time `json:"time"`
	Type      string    `json:"event"` // e.g. public_denied_entry, defendant_absent
	PersonID  uuid.UUID `json:"person,omitzero"`
	Comment   string    `json:"comment,omitempty"`
}

func (*Event) Kind() string { return KindEvent }

func (e *Event) indexEntries() []indexEntry {
	return []indexEntry{{name: "hearing.events", parent: e.HearingID, sort: timeSort(e.Time)}}
}

func (e *Event) validate(tx *Tx) error {
	if strings.TrimSpace(e.Type) == "" {
		return errors.New("an event needs a type")
	}
	if err := checkObservedAt(e.Time, "an", "event"); err != nil {
		return err
	}
	return tx.mustExist(e.HearingID, KindHearing)
}

func (e *Event) searchText() string { return strings.ReplaceAll(e.Type, "_", " ") + "\n" + e.Comment }

// checkObservedAt checks the time t of an observation (a note, an event):
// it is set and its date is plausible. an and noun name the record in the
// error, e.g. "an event needs a time".
func checkObservedAt(t time.Time, an, noun string) error {
	if t.IsZero() {
		return fmt.Errorf("%s %s needs a time", an, noun)
	}
	return CheckDate("the "+noun+"'s date", t)
}

// Checklist answers.
const (
	AnswerYes           = "yes"
	AnswerNo            = "no"
	AnswerUnclear       = "unclear"
	AnswerNotObserved   = "not_observed"
	AnswerNotApplicable = "not_applicable"
)

// ChecklistAnswer answers one fair-trial checklist question for a hearing,
// or for one defendant at a hearing.
type ChecklistAnswer struct {
	Meta             `json:"-"`
	HearingID        uuid.UUID `json:"hearing"`
	PersonID         uuid.UUID `json:"person,omitzero"` // zero for hearing-level questions
	Question         string    `json:"question"`        // stable id, e.g. PUB-02
	ChecklistVersion string    `json:"checklist_version"`
	Answer           string    `json:"answer"`
	Comment          string    `json:"comment,omitempty"`
	Source           string    `json:"source,omitempty"`
}

func (*ChecklistAnswer) Kind() string { return KindChecklistAnswer }

func (a *ChecklistAnswer) indexEntries() []indexEntry {
	return []indexEntry{{name: "hearing.checklist", parent: a.HearingID, sort: cat([]byte(a.Question), []byte{0}, a.PersonID[:])}}
}

func (a *ChecklistAnswer) validate(tx *Tx) error {
	switch a.Answer {
	case AnswerYes, AnswerNotObserved, AnswerNotApplicable:
	case AnswerNo, AnswerUnclear:
		if strings.TrimSpace(a.Comment) == "" {
			return fmt.Errorf("question %s: an answer of %q needs a comment saying what was observed", a.Question, a.Answer)
		}
	default:
		return fmt.Errorf("answer %q is not one of yes, no, unclear, not_observed, not_applicable", a.Answer)
	}
	if a.Question == "" || a.ChecklistVersion == "" {
		return errors.New("a checklist answer needs a question id and a checklist version")
	}
	if err := tx.mustExist(a.HearingID, KindHearing); err != nil {
		return err
	}
	if a.PersonID != uuid.Nil {
		return tx.mustExist(a.PersonID, KindPerson)
	}
	return nil
}

// Attachment describes a file, such as a photo of a court notice, whose
// bytes are stored encrypted in the vault and addressed by their SHA-256.
type Attachment struct {
	Meta      `json:"-"`
	CaseID    uuid.UUID `json:"case,omitzero"`
	HearingID uuid.UUID `json:"hearing,omitzero"`
	Name      string    `json:"name"`
	MediaType string    `json:"media_type,omitempty"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	Caption   string    `json:"caption,omitempty"`
}

func (*Attachment) Kind() string { return KindAttachment }

func (a *Attachment) indexEntries() []indexEntry {
	var es []indexEntry
	if a.HearingID != uuid.Nil {
		es = append(es, indexEntry{name: "hearing.attachments", parent: a.HearingID})
	}
	if a.CaseID != uuid.Nil {
		es = append(es, indexEntry{name: "case.attachments", parent: a.CaseID})
	}
	return es
}

func (a *Attachment) searchText() string { return a.Name + "\n" + a.Caption }

// mustExist checks that id is a live record of the given kind.
func (tx *Tx) mustExist(id uuid.UUID, kind string) error {
	if id == uuid.Nil {
		return fmt.Errorf("no %s given", kind)
	}
	ver, err := tx.Current(id)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%s %s does not exist: %w", kind, id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if ver.Type != kind {
		return fmt.Errorf("%s is a %s, not a %s", id, ver.Type, kind)
	}
	return nil
}
