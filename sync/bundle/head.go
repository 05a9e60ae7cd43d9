package bundle

import "bytes"

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
// maxScanDepth. So for every record it accepts, json.Unmarshal gives the
// same head (FuzzScanHead checks this).
func scanHead(raw []byte) (h recordHead, ok bool) {
	s := scanner{b: raw}
	s.space()
	if !s.byte('{') {
		return h, false
	}
	var seen [4]bool
	s.space()
	if s.byte('}') {
		return h, s.end()
	}
	for {
		s.space()
		key, plain := s.str()
		if !plain {
			return h, false
		}
		s.space()
		if !s.byte(':') {
			return h, false
		}
		s.space()
		f := headField(key)
		switch {
		case f == fieldOther:
			if !s.value(0) {
				return h, false
			}
		case f == fieldFolded || seen[f]:
			return h, false
		default:
			seen[f] = true
			switch f {
			case fieldDevice, fieldChain:
				v, plain := s.str()
				if !plain {
					return h, false
				}
				if f == fieldDevice {
					h.Device = string(v)
				} else {
					h.Chain = string(v)
				}
			case fieldSeq, fieldHLC:
				n, ok := s.uint()
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
		s.space()
		if s.byte('}') {
			return h, s.end()
		}
		if !s.byte(',') {
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

// maxScanDepth bounds the nesting that scanHead follows itself.
const maxScanDepth = 64

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

// scanner is a validating JSON reader over b; i is the next byte.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space follows.
func (s *scanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// str reads a string that holds only printable ASCII without escapes, and
// returns its content; plain is false for any other string, or none.
func (s *scanner) str() (v []byte, plain bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20 || c == '\\' || c >= 0x80:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// uint reads a JSON number that is an unsigned integer fitting uint64.
func (s *scanner) uint() (uint64, bool) {
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		d := uint64(s.b[s.i] - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
		s.i++
	}
	switch {
	case s.i == start, s.i-start > 1 && s.b[start] == '0':
		return 0, false
	case s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E'):
		return 0, false // a fraction or exponent does not go into uint64
	}
	return n, true
}

// value skips one JSON value, validating it.
func (s *scanner) value(depth int) bool {
	if s.i >= len(s.b) || depth > maxScanDepth {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.skipString()
	case c == '{':
		s.i++
		s.space()
		if s.byte('}') {
			return true
		}
		for {
			s.space()
			if !s.skipString() {
				return false
			}
			s.space()
			if !s.byte(':') {
				return false
			}
			s.space()
			if !s.value(depth + 1) {
				return false
			}
			s.space()
			if s.byte('}') {
				return true
			}
			if !s.byte(',') {
				return false
			}
		}
	case c == '[':
		s.i++
		s.space()
		if s.byte(']') {
			return true
		}
		for {
			s.space()
			if !s.value(depth + 1) {
				return false
			}
			s.space()
			if s.byte(']') {
				return true
			}
			if !s.byte(',') {
				return false
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return s.skipNumber()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
				s.i += len(lit)
				return true
			}
		}
		return false
	}
}

// skipString skips a JSON string, validating its escapes; any byte from
// 0x20 up is allowed (encoding/json takes invalid UTF-8 too).
func (s *scanner) skipString() bool {
	if !s.byte('"') {
		return false
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return false
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !isHex(h) {
						return false
					}
				}
				s.i += 6
			default:
				return false
			}
		default:
			s.i++
			for s.i < len(s.b) && plainByte[s.b[s.i]] {
				s.i++
			}
		}
	}
	return false
}

// plainByte holds the bytes that a JSON string holds as they are: all but
// control characters, the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipNumber skips a number as the JSON grammar has it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) skipNumber() bool {
	s.byte('-')
	switch {
	case s.byte('0'):
	case s.digits() == 0:
		return false
	}
	if s.byte('.') && s.digits() == 0 {
		return false
	}
	if s.byte('e') || s.byte('E') {
		if !s.byte('+') {
			s.byte('-')
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}
