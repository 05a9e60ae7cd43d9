package report

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	km "courtwatch/internal/khmer"
)

// Report languages. Every heading, label, legend and sentence a report
// writes itself comes in both; what the monitors recorded (names, notes,
// comments) is shown as it was written. CSV exports stay in English: their
// column names and values are a documented format.
const (
	LangEnglish = "en"
	LangKhmer   = "km"
)

// Languages are the languages a report can be written in.
var Languages = []string{LangEnglish, LangKhmer}

// ErrLanguage means a report was asked for in a language it does not come
// in.
var ErrLanguage = errors.New("reports are written in English (en) or Khmer (km)")

// CheckLang returns ErrLanguage unless lang is "", "en" or "km".
func CheckLang(lang string) error {
	switch lang {
	case "", LangEnglish, LangKhmer:
		return nil
	}
	return fmt.Errorf("report language %q: %w", lang, ErrLanguage)
}

// tr writes a report's own text in its language. The English text is the
// key of the Khmer table (khmer, in lang_km.go); a key the table lacks is
// written in English and remembered in missingKhmer, which the tests check
// is empty.
type tr struct{ km bool }

func newTr(lang string) tr { return tr{km: lang == LangKhmer} }

// lang is the language code of t.
func (t tr) lang() string {
	if t.km {
		return LangKhmer
	}
	return LangEnglish
}

// verbs matches the formatting verbs of a format, e.g. %s and %d.
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

var missingKhmer sync.Map // English text with no Khmer translation, met while building a Khmer report

// s translates one piece of text.
func (t tr) s(en string) string {
	if !t.km {
		return en
	}
	if km, ok := khmer[en]; ok {
		return km
	}
	if strings.IndexFunc(verbs.ReplaceAllString(en, ""), unicode.IsLetter) >= 0 {
		missingKhmer.Store(en, true)
	}
	return en
}

// T translates format, then formats a with it.
func (t tr) T(format string, a ...any) string {
	f := t.s(format)
	if len(a) == 0 {
		return f
	}
	return fmt.Sprintf(f, a...)
}

// N is a count of things: "1 note", "3 notes"; in Khmer the noun comes
// first and has no plural, as in "កំណត់ចំណាំ 3".
func (t tr) N(n int, one, many string) string {
	if !t.km {
		return plural(n, one, many)
	}
	return fmt.Sprintf("%s %d", t.s(many), n)
}

// count is n things named by an already translated label: "3 detained".
func (t tr) count(n int, label string) string {
	if t.km {
		return fmt.Sprintf("%s %d", label, n)
	}
	return fmt.Sprintf("%d %s", n, label)
}

// cols translates a table's column names.
func (t tr) cols(names ...string) []string {
	for i, n := range names {
		names[i] = t.s(n)
	}
	return names
}

// label is the label of a stored value, e.g. "on bail"; a value reports do
// not know is shown as stored.
func (t tr) label(m map[string]string, s string) string {
	if l, ok := m[s]; ok {
		return t.s(l)
	}
	return label(m, s)
}

// event names an event type, e.g. "Public denied entry". Event types are
// configurable, so an unknown one is shown in words made from its type.
func (t tr) event(typ string) string {
	if t.km {
		if km, ok := khmerEvents[typ]; ok {
			return km
		}
	}
	if typ == "" {
		return ""
	}
	s := strings.ReplaceAll(typ, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// Dates follow the language as the app's screens do (internal/khmer):
// Khmer weekday and month names and Khmer digits in dates; clock times
// keep Latin digits.

// day is a date with its weekday: "Wed 4 Mar 2026", "ថ្ងៃពុធ ៤ មីនា ២០២៦".
func (t tr) day(d time.Time) string {
	if t.km {
		return km.Day(d)
	}
	return day(d)
}

// stamp is a date and time: "4 Mar 2026 08:30", "៤ មីនា ២០២៦ 08:30".
func (t tr) stamp(d time.Time) string {
	if t.km {
		return km.Date(d) + " " + d.Format("15:04")
	}
	return stamp(d)
}

// dayTime is a timeline's date: "Wed 4 Mar 2026, 08:30".
func (t tr) dayTime(d time.Time) string {
	if t.km {
		return t.day(d) + ", " + d.Format("15:04")
	}
	return d.Format("Mon 2 Jan 2006, 15:04")
}
