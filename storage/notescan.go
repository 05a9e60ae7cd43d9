package storage

import (
	"bytes"

	"courtwatch/internal/jsonscan"

	"github.com/google/uuid"
)

// scanRecord fills r from data without json.Unmarshal where it can: for a
// note, the record a search reads most (decoding it with encoding/json was
// a tenth of a search's CPU). It reports false, having changed nothing,
// when the caller must use json.Unmarshal.
func scanRecord(data []byte, r Record) bool {
	n, ok := r.(*Note)
	return ok && scanNote(data, n)
}

// scanNote decodes a note's data into n as json.Unmarshal would, setting
// the fields data has and keeping the others. It only answers for notes
// as Courtwatch writes them, validating the whole of data as JSON: it
// reports false, having changed nothing, when data is not valid JSON or
// not an object, when a key has an escape, a non-ASCII byte or the
// spelling of a field in another case, when a field appears twice, when a
// string holds invalid UTF-8 or an escaped surrogate, when an id does not
// parse or a value is not of its field's kind (null only where it clears
// a list), or when nesting is deeper than jsonscan.MaxDepth.
// FuzzScanNote holds it to encoding/json.
func scanNote(data []byte, n *Note) bool {
	s := jsonscan.Scanner{B: data}
	var got Note
	var seen [noteFields]bool
	s.Space()
	if !s.Byte('{') {
		return false
	}
	s.Space()
	if !s.Byte('}') {
		for {
			s.Space()
			key, plain := s.Str()
			if !plain {
				return false
			}
			s.Space()
			if !s.Byte(':') {
				return false
			}
			s.Space()
			f := noteField(key)
			switch {
			case f == noteOther:
				if !s.Value(0) {
					return false
				}
			case f == noteFolded || seen[f]:
				return false
			default:
				seen[f] = true
				if !got.scanField(&s, f) {
					return false
				}
			}
			s.Space()
			if s.Byte('}') {
				break
			}
			if !s.Byte(',') {
				return false
			}
		}
	}
	if !s.End() {
		return false
	}
	for f, ok := range seen {
		if !ok {
			continue
		}
		switch f {
		case noteHearing:
			n.HearingID = got.HearingID
		case noteTime:
			n.Time = got.Time
		case noteText:
			n.Text = got.Text
		case noteTags:
			n.Tags = got.Tags
		case noteDefendants:
			n.Defendants = got.Defendants
		case noteSource:
			n.Source = got.Source
		}
	}
	return true
}

func (n *Note) scanField(s *jsonscan.Scanner, f int) bool {
	switch f {
	case noteHearing:
		id, ok := scanID(s)
		n.HearingID = id
		return ok
	case noteTime:
		// time.Time decodes itself from its JSON value, as json.Unmarshal
		// has it do (null, which it ignores, is left to json).
		start := s.I
		if scanNull(s) {
			return false
		}
		if !s.Value(0) {
			return false
		}
		return n.Time.UnmarshalJSON(s.B[start:s.I]) == nil
	case noteText, noteSource:
		v, ok := s.String()
		if f == noteText {
			n.Text = v
		} else {
			n.Source = v
		}
		return ok
	case noteTags:
		if scanNull(s) {
			return true // null empties the list
		}
		n.Tags = []string{}
		return scanArray(s, func() bool {
			v, ok := s.String()
			n.Tags = append(n.Tags, v)
			return ok
		})
	case noteDefendants:
		if scanNull(s) {
			return true
		}
		n.Defendants = []uuid.UUID{}
		return scanArray(s, func() bool {
			id, ok := scanID(s)
			n.Defendants = append(n.Defendants, id)
			return ok
		})
	}
	return false
}

// scanID reads a string holding a UUID, as uuid.UUID's UnmarshalText
// parses it.
func scanID(s *jsonscan.Scanner) (uuid.UUID, bool) {
	b, plain := s.Str()
	if !plain {
		return uuid.Nil, false
	}
	id, err := uuid.ParseBytes(b)
	return id, err == nil
}

// scanNull reads null, if it comes next.
func scanNull(s *jsonscan.Scanner) bool {
	if bytes.HasPrefix(s.B[s.I:], []byte("null")) {
		s.I += len("null")
		return true
	}
	return false
}

// scanArray reads an array, calling elem to read each element.
func scanArray(s *jsonscan.Scanner, elem func() bool) bool {
	if !s.Byte('[') {
		return false
	}
	s.Space()
	if s.Byte(']') {
		return true
	}
	for {
		s.Space()
		if !elem() {
			return false
		}
		s.Space()
		if s.Byte(']') {
			return true
		}
		if !s.Byte(',') {
			return false
		}
	}
}

// A note's fields, as scanNote tells them apart.
const (
	noteHearing = iota
	noteTime
	noteText
	noteTags
	noteDefendants
	noteSource
	noteFields

	noteOther  = noteFields     // a key that is none of the fields
	noteFolded = noteFields + 1 // a field's name in another case
)

var noteNames = [noteFields]string{"hearing", "time", "text", "tags", "defendants", "source"}

func noteField(key []byte) int {
	for i, name := range noteNames {
		if string(key) == name {
			return i
		}
	}
	for _, name := range noteNames {
		if len(key) == len(name) && bytes.EqualFold(key, []byte(name)) {
			return noteFolded
		}
	}
	return noteOther
}
