package storage

import (
	"bytes"

	"courtwatch/internal/jsonscan"

	"github.com/google/uuid"
)

// scanVersion decodes a version envelope without json.Unmarshal, which
// validates the whole envelope (the record's data included) in one pass
// and decodes it through reflection in another: that was a fifth of a
// search's CPU, which reads the newest version of every hit. It validates
// the whole envelope as JSON as it goes, and reads its fields the way
// encoding/json would. It only answers for envelopes as Courtwatch writes
// them: ok is false, and the caller must use json.Unmarshal, when raw is
// not valid JSON or not an object, when a top-level key has an escape, a
// non-ASCII byte or the spelling of a field in another case (encoding/json
// matches keys without regard to case), when a field appears twice or is
// null, when a string field has an escape or a non-ASCII byte, when a
// number is not a plain unsigned integer that fits uint64, when an id does
// not parse, or when nesting is deeper than jsonscan.MaxDepth. So for every
// envelope it accepts, json.Unmarshal gives the same Version
// (FuzzScanVersion checks this). Data is a slice of raw, capped so that
// appending to it cannot write into raw.
func scanVersion(raw []byte) (v Version, ok bool) {
	s := jsonscan.Scanner{B: raw}
	s.Space()
	if !s.Byte('{') {
		return v, false
	}
	var seen [envelopeFields]bool
	s.Space()
	if s.Byte('}') {
		return v, s.End()
	}
	for {
		s.Space()
		key, plain := s.Str()
		if !plain {
			return v, false
		}
		s.Space()
		if !s.Byte(':') {
			return v, false
		}
		s.Space()
		f := envelopeField(key)
		switch {
		case f == fieldOther:
			if !s.Value(0) {
				return v, false
			}
		case f == fieldFolded || seen[f]:
			return v, false
		default:
			seen[f] = true
			if !v.scanField(&s, f) {
				return v, false
			}
		}
		s.Space()
		if s.Byte('}') {
			return v, s.End()
		}
		if !s.Byte(',') {
			return v, false
		}
	}
}

// scanField reads the value of envelope field f into v.
func (v *Version) scanField(s *jsonscan.Scanner, f int) bool {
	switch f {
	case fieldID, fieldDevice:
		b, plain := s.Str()
		if !plain {
			return false
		}
		id, err := uuid.ParseBytes(b)
		if err != nil {
			return false
		}
		if f == fieldID {
			v.ID = id
		} else {
			v.Device = id
		}
	case fieldType, fieldPrev, fieldChain:
		b, plain := s.Str()
		if !plain {
			return false
		}
		switch f {
		case fieldType:
			v.Type = string(b)
		case fieldPrev:
			v.Prev = string(b)
		default:
			v.Chain = string(b)
		}
	case fieldVersion, fieldHLC, fieldSeq:
		n, ok := s.Uint()
		if !ok {
			return false
		}
		switch f {
		case fieldVersion:
			v.Version = n
		case fieldHLC:
			v.HLC = n
		default:
			v.Seq = n
		}
	case fieldDeleted:
		switch {
		case bytes.HasPrefix(s.B[s.I:], []byte("true")):
			v.Deleted, s.I = true, s.I+4
		case bytes.HasPrefix(s.B[s.I:], []byte("false")):
			v.Deleted, s.I = false, s.I+5
		default:
			return false
		}
	case fieldData:
		if bytes.HasPrefix(s.B[s.I:], []byte("null")) {
			return false // json.RawMessage takes "null" as it is; leave it to json
		}
		start := s.I
		if !s.Value(0) {
			return false
		}
		v.Data = s.B[start:s.I:s.I]
	}
	return true
}

// The envelope's fields, as scanVersion tells them apart.
const (
	fieldID = iota
	fieldType
	fieldVersion
	fieldHLC
	fieldDevice
	fieldSeq
	fieldPrev
	fieldChain
	fieldDeleted
	fieldData
	envelopeFields

	fieldOther  = envelopeFields     // a key that is none of the fields
	fieldFolded = envelopeFields + 1 // a field's name in another case
)

var envelopeNames = [envelopeFields]string{"id", "type", "version", "hlc", "device", "seq", "prev", "chain", "deleted", "data"}

func envelopeField(key []byte) int {
	for i, name := range envelopeNames {
		if string(key) == name {
			return i
		}
	}
	for _, name := range envelopeNames {
		if len(key) == len(name) && bytes.EqualFold(key, []byte(name)) {
			return fieldFolded
		}
	}
	return fieldOther
}
