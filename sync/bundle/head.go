package bundle

import (
	"bytes"

	"courtwatch/internal/jsonscan"
)

// scanHead reads the fields of recordHead from a record without
// json.Unmarshal, which decodes every field (the note's text included)
// twice: once to validate, once to decode. It validates the whole record
// as JSON as it goes, and reads the four fields the way encoding/json
// would. It only answers for plain records, as Courtwatch writes them:
// ok is false, and the caller must use json.Unmarshal, when the record is
// not valid JSON, when a top-level key has an escape, a non-ASCII byte or
// the spelling of a head field in another case (encoding/json matches keys
// without regard to case), when a head field appears twice, when a head
// string has an escape or a non-ASCII byte, when a head number is not a
// plain unsigned integer that fits uint64, or when nesting is deeper than
// jsonscan.MaxDepth. So for every record it accepts, json.Unmarshal gives the
// same head (FuzzScanHead checks this).
func scanHead(raw []byte) (h recordHead, ok bool) {
	s := jsonscan.Scanner{B: raw}
	s.Space()
	if !s.Byte('{') {
		return h, false
	}
	var seen [4]bool
	s.Space()
	if s.Byte('}') {
		return h, s.End()
	}
	for {
		s.Space()
		key, plain := s.Str()
		if !plain {
			return h, false
		}
		s.Space()
		if !s.Byte(':') {
			return h, false
		}
		s.Space()
		f := headField(key)
		switch {
		case f == fieldOther:
			if !s.Value(0) {
				return h, false
			}
		case f == fieldFolded || seen[f]:
			return h, false
		default:
			seen[f] = true
			switch f {
			case fieldDevice, fieldChain:
				v, plain := s.Str()
				if !plain {
					return h, false
				}
				if f == fieldDevice {
					h.Device = string(v)
				} else {
					h.Chain = string(v)
				}
			case fieldSeq, fieldHLC:
				n, ok := s.Uint()
				if !ok {
					return h, false
				}
				if f == fieldSeq {
					h.Seq = n
				} else {
					h.HLC = n
				}
			}
		}
		s.Space()
		if s.Byte('}') {
			return h, s.End()
		}
		if !s.Byte(',') {
			return h, false
		}
	}
}

const (
	fieldDevice = iota
	fieldSeq
	fieldHLC
	fieldChain
	fieldOther  // a key that is none of the head fields
	fieldFolded // a head field's name in another case
)

func headField(key []byte) int {
	for i, name := range [...]string{"device", "seq", "hlc", "chain"} {
		if string(key) == name {
			return i
		}
		if len(key) == len(name) && bytes.EqualFold(key, []byte(name)) {
			return fieldFolded
		}
	}
	return fieldOther
}
