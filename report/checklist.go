package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"courtwatch/assets"
	"courtwatch/storage"
)

// Checklist is a fair-trial checklist template, as shipped in
// assets/checklists/fair-trial-v<version>.json.
type Checklist struct {
	ID       string     `json:"id"`
	Version  string     `json:"version"`
	Title    string     `json:"title"`
	Sections []*Section `json:"sections"`

	byID map[string]*Question
}

// Section groups the questions about one right.
type Section struct {
	ID        string      `json:"id"` // e.g. "PUB"
	Title     string      `json:"title"`
	Questions []*Question `json:"questions"`
}

// Scopes of a question.
const (
	ScopeHearing   = "H" // answered once per hearing
	ScopeDefendant = "D" // answered per defendant per hearing
)

// Question is one checklist item.
type Question struct {
	ID       string `json:"id"`    // stable, e.g. "PUB-02"
	Scope    string `json:"scope"` // ScopeHearing or ScopeDefendant
	Text     string `json:"text"`
	Standard string `json:"standard"` // e.g. "14(1); GC32 §28"
	// Concern is the answer that signals a problem: "no" for most
	// questions, "yes" for those asking whether something wrong happened.
	Concern string `json:"concern"`

	Section *Section `json:"-"`
}

// IsConcern reports whether answer to q is a fair-trial concern: unclear,
// or the question's concern answer.
func (q *Question) IsConcern(answer string) bool {
	return answer == storage.AnswerUnclear || answer == q.Concern
}

// ErrUnknownChecklist is returned for a checklist version Courtwatch does
// not ship.
var ErrUnknownChecklist = errors.New("unknown checklist version")

// LoadChecklist returns the shipped fair-trial checklist of a version,
// e.g. "1".
func LoadChecklist(version string) (*Checklist, error) {
	b, err := fs.ReadFile(assets.Checklists, "checklists/fair-trial-v"+version+".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("fair-trial checklist %q: %w", version, ErrUnknownChecklist)
	}
	if err != nil {
		return nil, err
	}
	return ParseChecklist(b)
}

// ParseChecklist reads a checklist template and checks that its ids are
// unique and its scopes and concern answers valid.
func ParseChecklist(b []byte) (*Checklist, error) {
	var c Checklist
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("checklist: %w", err)
	}
	if c.Version == "" {
		return nil, errors.New("checklist: no version")
	}
	c.byID = map[string]*Question{}
	for _, s := range c.Sections {
		if s.ID == "" || s.Title == "" {
			return nil, fmt.Errorf("checklist %s: a section has no id or title", c.Version)
		}
		for _, q := range s.Questions {
			if !strings.HasPrefix(q.ID, s.ID+"-") {
				return nil, fmt.Errorf("checklist %s: question %q is not in section %s", c.Version, q.ID, s.ID)
			}
			if c.byID[q.ID] != nil {
				return nil, fmt.Errorf("checklist %s: question %s appears twice", c.Version, q.ID)
			}
			if q.Scope != ScopeHearing && q.Scope != ScopeDefendant {
				return nil, fmt.Errorf("checklist %s: question %s: scope %q is not H or D", c.Version, q.ID, q.Scope)
			}
			switch q.Concern {
			case "":
				q.Concern = storage.AnswerNo
			case storage.AnswerNo, storage.AnswerYes:
			default:
				return nil, fmt.Errorf("checklist %s: question %s: concern %q is not yes or no", c.Version, q.ID, q.Concern)
			}
			q.Section = s
			c.byID[q.ID] = q
		}
	}
	return &c, nil
}

// Question returns the question with this id, or nil.
func (c *Checklist) Question(id string) *Question { return c.byID[id] }
