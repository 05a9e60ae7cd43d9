package transcript

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// jsonLine is the JSON form of a line. Pointers tell a missing field from
// an empty one.
type jsonLine struct {
	Time   *string  `json:"time"`
	Text   *string  `json:"text"`
	Tags   []string `json:"tags"`
	Source string   `json:"source"`
}

func (p *parser) parseJSON(s string) (Line, error) {
	var j jsonLine
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return Line{}, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Line{}, errors.New(`the JSON note is followed by more text; write one {...} object per line`)
	}
	var l Line
	if j.Text != nil {
		l.Text = trim(*j.Text)
	}
	if l.Text == "" {
		return Line{}, errors.New(`the JSON note has no "text"`)
	}
	if j.Time != nil && trim(*j.Time) != "" {
		t, err := p.parseTime(trim(*j.Time))
		if err != nil {
			return Line{}, err
		}
		l.Time, l.HasTime = t, true
	}
	for _, tag := range j.Tags {
		tag = trim(tag)
		if tag == "" {
			return Line{}, errors.New(`"tags" holds an empty tag`)
		}
		l.Tags = append(l.Tags, tag)
	}
	switch j.Source {
	case "", "seen", "reported":
		l.Source = j.Source
	default:
		return Line{}, fmt.Errorf(`"source" is %q; use "seen" or "reported", or leave it out`, j.Source)
	}
	return l, nil
}

// parseTime reads a JSON line's time: HH:MM[:SS] on the transcript's day,
// or RFC 3339.
func (p *parser) parseTime(s string) (time.Time, error) {
	if h, m, sec, rest, ok := leadingTime(s); ok && rest == "" {
		if h > 23 || m > 59 || sec > 59 {
			return time.Time{}, fmt.Errorf("%s is not a valid time; write 24-hour HH:MM or HH:MM:SS, 00:00 to 23:59:59", s)
		}
		return p.at(h, m, sec), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf(`"time" is %q; write HH:MM, HH:MM:SS or a full time such as 2024-05-02T09:15:00+07:00`, s)
	}
	return t.In(p.loc), nil
}

// jsonError turns a decoding error into a message for the person who wrote
// the line.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		want := "a string"
		if typeErr.Field == "tags" {
			want = `a list of strings, e.g. ["procedure"]`
		}
		return fmt.Errorf("%q must be %s", typeErr.Field, want)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the JSON note is cut short; check its closing } and quotes")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if field, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return fmt.Errorf("unknown field %s; a JSON note has only time, text, tags and source", field)
	}
	return fmt.Errorf("the line starts with { but is not a valid JSON note: %s", msg)
}
