package transcript

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parsePlain reads a plain-text line: an optional time of day, then the
// note's text.
func (p *parser) parsePlain(s string) (Line, error) {
	h, m, sec, rest, ok := leadingTime(s)
	if !ok {
		return Line{Text: s}, nil
	}
	written := s[:len(s)-len(rest)]
	if h > 23 || m > 59 || sec > 59 {
		return Line{}, fmt.Errorf("%s is not a valid time; write 24-hour HH:MM or HH:MM:SS, 00:00 to 23:59:59", written)
	}
	text, ok := afterTime(rest)
	if !ok {
		return Line{}, fmt.Errorf("%q does not start with a time followed by a space; write e.g. \"09:30 Judge enters\" (24-hour times, no am/pm)", prefix(s, len(written)+8))
	}
	if text == "" {
		return Line{}, fmt.Errorf("the time %s has no text after it", written)
	}
	return Line{Time: p.at(h, m, sec), HasTime: true, Text: text}, nil
}

// prefix returns at most n bytes of s, cut at a character boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// digit returns the value of an ASCII or Khmer digit.
func digit(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '០' && r <= '៩':
		return int(r - '០'), true
	}
	return 0, false
}

// number reads one or two digits (exactly two if two is set) from the
// start of s.
func number(s string, two bool) (n int, rest string, ok bool) {
	count := 0
	for count < 2 {
		r, size := utf8.DecodeRuneInString(s)
		d, isDigit := digit(r)
		if !isDigit {
			break
		}
		n, s, count = n*10+d, s[size:], count+1
	}
	if count == 0 || two && count < 2 {
		return 0, s, false
	}
	if _, isDigit := digit(firstRune(s)); isDigit {
		return 0, s, false // three digits or more: not a time
	}
	return n, s, true
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// leadingTime reads H:MM, HH:MM or HH:MM:SS from the start of s without
// checking the ranges. rest is what follows.
func leadingTime(s string) (h, m, sec int, rest string, ok bool) {
	h, rest, ok = number(s, false)
	if !ok || !strings.HasPrefix(rest, ":") {
		return 0, 0, 0, s, false
	}
	m, rest, ok = number(rest[1:], true)
	if !ok {
		return 0, 0, 0, s, false
	}
	if strings.HasPrefix(rest, ":") {
		if v, r, isSec := number(rest[1:], true); isSec {
			return h, m, v, r, true
		}
	}
	return h, m, 0, rest, true
}

// afterTime returns the text after a time: rest must be empty or start with
// white space, " - " or ":".
func afterTime(rest string) (text string, ok bool) {
	switch {
	case rest == "":
		return "", true
	case rest[0] == ':':
		if _, isDigit := digit(firstRune(rest[1:])); isDigit {
			return "", false // 10:30:5
		}
		return trim(rest[1:]), true
	case !unicode.IsSpace(firstRune(rest)):
		return "", false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	for _, dash := range []string{"-", "–", "—"} { // phones turn " - " into dashes
		if after, found := strings.CutPrefix(rest, dash); found && (after == "" || unicode.IsSpace(firstRune(after))) {
			rest = after
			break
		}
	}
	return trim(rest), true
}
