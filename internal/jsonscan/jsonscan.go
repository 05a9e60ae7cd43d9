// Package jsonscan is a validating JSON reader for decoders that read a
// few fields of a document faster than encoding/json, which validates a
// document in one pass and decodes it in another, through reflection.
//
// A Scanner accepts exactly the JSON grammar (RFC 8259) that encoding/json
// accepts, bytes of invalid UTF-8 inside strings included. Its readers of
// values (Str, Uint) accept only the plainest spellings and report false for
// anything else; a decoder built on it then declines the document and its
// caller uses encoding/json instead, so that the two always agree (each
// decoder fuzzes itself against encoding/json).
package jsonscan

import (
	"bytes"
	"unicode/utf8"
)

// MaxDepth bounds the nesting that Value follows; deeper values are
// declined (encoding/json allows 10,000 levels).
const MaxDepth = 64

// Scanner reads B; I is the index of the next byte.
type Scanner struct {
	B []byte
	I int
}

// Space skips white space.
func (s *Scanner) Space() {
	for s.I < len(s.B) {
		switch s.B[s.I] {
		case ' ', '\t', '\n', '\r':
			s.I++
		default:
			return
		}
	}
}

// Byte reads c, if it is the next byte.
func (s *Scanner) Byte(c byte) bool {
	if s.I < len(s.B) && s.B[s.I] == c {
		s.I++
		return true
	}
	return false
}

// End reports whether only white space follows.
func (s *Scanner) End() bool {
	s.Space()
	return s.I == len(s.B)
}

// Str reads a string that holds only printable ASCII without escapes, and
// returns its content; plain is false for any other string, or none.
func (s *Scanner) Str() (v []byte, plain bool) {
	if !s.Byte('"') {
		return nil, false
	}
	start := s.I
	for s.I < len(s.B) {
		c := s.B[s.I]
		switch {
		case c == '"':
			s.I++
			return s.B[start : s.I-1], true
		case c < 0x20 || c == '\\' || c >= 0x80:
			return nil, false
		}
		s.I++
	}
	return nil, false
}

// String reads a string and returns it decoded as encoding/json decodes
// it; ok is false for none, and for a string with bytes of invalid UTF-8
// or a \u escape of a UTF-16 surrogate (encoding/json replaces those with
// U+FFFD, or joins a pair; String leaves them to it).
func (s *Scanner) String() (v string, ok bool) {
	if !s.Byte('"') {
		return "", false
	}
	start := s.I
	var buf []byte // the decoded string, once it has an escape
	for s.I < len(s.B) {
		c := s.B[s.I]
		switch {
		case c == '"':
			s.I++
			if buf == nil {
				return string(s.B[start : s.I-1]), true
			}
			return string(buf), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if buf == nil {
				buf = append(make([]byte, 0, 2*(s.I-start)+16), s.B[start:s.I]...)
			}
			if s.I+1 >= len(s.B) {
				return "", false
			}
			e := s.B[s.I+1]
			s.I += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				if s.I+4 > len(s.B) {
					return "", false
				}
				var r rune
				for _, h := range s.B[s.I : s.I+4] {
					d, ok := hexValue(h)
					if !ok {
						return "", false
					}
					r = r<<4 | d
				}
				if utf16Surrogate(r) {
					return "", false
				}
				s.I += 4
				buf = utf8.AppendRune(buf, r)
			default:
				return "", false
			}
		case c < utf8.RuneSelf:
			if buf != nil {
				buf = append(buf, c)
			}
			s.I++
		default:
			r, n := utf8.DecodeRune(s.B[s.I:])
			if r == utf8.RuneError && n == 1 {
				return "", false
			}
			if buf != nil {
				buf = append(buf, s.B[s.I:s.I+n]...)
			}
			s.I += n
		}
	}
	return "", false
}

func utf16Surrogate(r rune) bool { return r >= 0xd800 && r < 0xe000 }

func hexValue(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}

// Uint reads a JSON number that is an unsigned integer fitting uint64.
func (s *Scanner) Uint() (uint64, bool) {
	start := s.I
	var n uint64
	for s.I < len(s.B) && s.B[s.I] >= '0' && s.B[s.I] <= '9' {
		d := uint64(s.B[s.I] - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
		s.I++
	}
	switch {
	case s.I == start, s.I-start > 1 && s.B[start] == '0':
		return 0, false
	case s.I < len(s.B) && (s.B[s.I] == '.' || s.B[s.I] == 'e' || s.B[s.I] == 'E'):
		return 0, false // a fraction or exponent does not go into uint64
	}
	return n, true
}

// Value skips one JSON value, validating it; depth is how deep it is
// nested.
func (s *Scanner) Value(depth int) bool {
	if s.I >= len(s.B) || depth > MaxDepth {
		return false
	}
	switch c := s.B[s.I]; {
	case c == '"':
		return s.SkipString()
	case c == '{':
		s.I++
		s.Space()
		if s.Byte('}') {
			return true
		}
		for {
			s.Space()
			if !s.SkipString() {
				return false
			}
			s.Space()
			if !s.Byte(':') {
				return false
			}
			s.Space()
			if !s.Value(depth + 1) {
				return false
			}
			s.Space()
			if s.Byte('}') {
				return true
			}
			if !s.Byte(',') {
				return false
			}
		}
	case c == '[':
		s.I++
		s.Space()
		if s.Byte(']') {
			return true
		}
		for {
			s.Space()
			if !s.Value(depth + 1) {
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
	case c == '-' || (c >= '0' && c <= '9'):
		return s.skipNumber()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if bytes.HasPrefix(s.B[s.I:], []byte(lit)) {
				s.I += len(lit)
				return true
			}
		}
		return false
	}
}

// SkipString skips a JSON string, validating its escapes; any byte from
// 0x20 up is allowed (encoding/json takes invalid UTF-8 too).
func (s *Scanner) SkipString() bool {
	if !s.Byte('"') {
		return false
	}
	for s.I < len(s.B) {
		c := s.B[s.I]
		switch {
		case c == '"':
			s.I++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.I+1 >= len(s.B) {
				return false
			}
			switch s.B[s.I+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.I += 2
			case 'u':
				if s.I+6 > len(s.B) {
					return false
				}
				for _, h := range s.B[s.I+2 : s.I+6] {
					if !isHex(h) {
						return false
					}
				}
				s.I += 6
			default:
				return false
			}
		default:
			s.I++
			for s.I < len(s.B) && plainByte[s.B[s.I]] {
				s.I++
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
func (s *Scanner) skipNumber() bool {
	s.Byte('-')
	switch {
	case s.Byte('0'):
	case s.digits() == 0:
		return false
	}
	if s.Byte('.') && s.digits() == 0 {
		return false
	}
	if s.Byte('e') || s.Byte('E') {
		if !s.Byte('+') {
			s.Byte('-')
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *Scanner) digits() int {
	start := s.I
	for s.I < len(s.B) && s.B[s.I] >= '0' && s.B[s.I] <= '9' {
		s.I++
	}
	return s.I - start
}
