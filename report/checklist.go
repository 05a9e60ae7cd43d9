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
	if !plainName(version) { // e.g. "1.km" would name a translation
		return nil, fmt.Errorf("fair-trial checklist %q: %w", version, ErrUnknownChecklist)
	}
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

// plainName reports whether s is a non-empty run of ASCII letters and
// digits, as checklist versions and language codes are: it keeps a name
// from reaching another file of assets.Checklists.
func plainName(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

// ChecklistTranslation holds the section titles and question texts of a
// checklist version in one language, as shipped in
// assets/checklists/fair-trial-v<version>.<language>.json. Ids, scopes,
// standards and concern answers are not translated: they stay those of
// the checklist, and answers are stored under the same ids and version.
type ChecklistTranslation struct {
	Checklist string            `json:"checklist"` // "fair-trial"
	Version   string            `json:"version"`
	Language  string            `json:"language"`  // e.g. "km"
	Sections  map[string]string `json:"sections"`  // title by section id
	Questions map[string]string `json:"questions"` // text by question id
}

// ErrNoTranslation is returned for a language a checklist version is not
// translated into.
var ErrNoTranslation = errors.New("no translation of the checklist")

// LoadChecklistTranslation returns the shipped translation of a checklist
// version into a language, e.g. "km". It checks that the translation names
// only sections and questions of that version and has no empty text; it may
// leave some untranslated.
func LoadChecklistTranslation(version, lang string) (*ChecklistTranslation, error) {
	c, err := LoadChecklist(version)
	if err != nil {
		return nil, err
	}
	if !plainName(lang) {
		return nil, fmt.Errorf("fair-trial checklist %s in %q: %w", version, lang, ErrNoTranslation)
	}
	b, err := fs.ReadFile(assets.Checklists, "checklists/fair-trial-v"+version+"."+lang+".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("fair-trial checklist %s in %q: %w", version, lang, ErrNoTranslation)
	}
	if err != nil {
		return nil, err
	}
	var t ChecklistTranslation
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("checklist %s in %s: %w", version, lang, err)
	}
	if t.Checklist != c.ID || t.Version != c.Version || t.Language != lang {
		return nil, fmt.Errorf("checklist %s in %s: the file is for %s %s in %s", version, lang, t.Checklist, t.Version, t.Language)
	}
	sections := map[string]bool{}
	for _, s := range c.Sections {
		sections[s.ID] = true
	}
	for id, title := range t.Sections {
		if !sections[id] || strings.TrimSpace(title) == "" {
			return nil, fmt.Errorf("checklist %s in %s: section %q is unknown or has no title", version, lang, id)
		}
	}
	for id, text := range t.Questions {
		if c.Question(id) == nil || strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("checklist %s in %s: question %q is unknown or has no text", version, lang, id)
		}
	}
	return &t, nil
}

// Translated returns a copy of c with the section titles and question
// texts in a language, English where the translation lacks one. For a
// language c is not translated into (English among them) it returns c.
// The copy has the same ids, scopes, standards and concern answers.
func (c *Checklist) Translated(lang string) (*Checklist, error) {
	t, err := LoadChecklistTranslation(c.Version, lang)
	if errors.Is(err, ErrNoTranslation) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	out := &Checklist{ID: c.ID, Version: c.Version, Title: c.Title, byID: map[string]*Question{}}
	for _, s := range c.Sections {
		ts := &Section{ID: s.ID, Title: s.Title}
		if title := t.Sections[s.ID]; title != "" {
			ts.Title = title
		}
		for _, q := range s.Questions {
			tq := *q
			tq.Section = ts
			if text := t.Questions[q.ID]; text != "" {
				tq.Text = text
			}
			ts.Questions = append(ts.Questions, &tq)
			out.byID[q.ID] = &tq
		}
		out.Sections = append(out.Sections, ts)
	}
	return out, nil
}
