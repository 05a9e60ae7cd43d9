package transcript

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// ict is Cambodia's time zone (UTC+7, no daylight saving).
var ict = time.FixedZone("ICT", 7*3600)

// day is a hearing's scheduled time; only its date in ict matters.
var day = time.Date(2024, 5, 2, 8, 30, 0, 0, ict)

func at(h, m, s int) time.Time { return time.Date(2024, 5, 2, h, m, s, 0, ict) }

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Line
	}{
		{
			name: "times with every separator",
			in: "09:02 Judge enters\n" +
				"09:05:30 - Prosecutor reads charges\n" +
				"9:07: Defendants brought in\n" +
				"09:08\tTab after the time\n" +
				"09:09 – en dash from a phone\n",
			want: []Line{
				{Line: 1, Time: at(9, 2, 0), HasTime: true, Text: "Judge enters"},
				{Line: 2, Time: at(9, 5, 30), HasTime: true, Text: "Prosecutor reads charges"},
				{Line: 3, Time: at(9, 7, 0), HasTime: true, Text: "Defendants brought in"},
				{Line: 4, Time: at(9, 8, 0), HasTime: true, Text: "Tab after the time"},
				{Line: 5, Time: at(9, 9, 0), HasTime: true, Text: "en dash from a phone"},
			},
		},
		{
			name: "untimed lines follow the line before",
			in:   "Before any time\nStill before\n10:00 Opening\nCounsel objects\nJudge overrules\n10:30 Recess\n",
			want: []Line{
				{Line: 1, Time: at(0, 0, 0), Text: "Before any time"},
				{Line: 2, Time: at(0, 0, 1), Text: "Still before"},
				{Line: 3, Time: at(10, 0, 0), HasTime: true, Text: "Opening"},
				{Line: 4, Time: at(10, 0, 1), Text: "Counsel objects"},
				{Line: 5, Time: at(10, 0, 2), Text: "Judge overrules"},
				{Line: 6, Time: at(10, 30, 0), HasTime: true, Text: "Recess"},
			},
		},
		{
			name: "same minute after untimed lines moves past them",
			in:   "10:05 a\nb\n10:05 c\n10:05 d\n",
			want: []Line{
				{Line: 1, Time: at(10, 5, 0), HasTime: true, Text: "a"},
				{Line: 2, Time: at(10, 5, 1), Text: "b"},
				{Line: 3, Time: at(10, 5, 2), HasTime: true, Text: "c"},
				{Line: 4, Time: at(10, 5, 3), HasTime: true, Text: "d"},
			},
		},
		{
			name: "equal times are kept",
			in:   "10:05 a\n10:05 b\n",
			want: []Line{
				{Line: 1, Time: at(10, 5, 0), HasTime: true, Text: "a"},
				{Line: 2, Time: at(10, 5, 0), HasTime: true, Text: "b"},
			},
		},
		{
			name: "khmer text and khmer digits",
			in:   "09:15 កឹម សុខា ត្រូវបាននាំចូល\n០៩:២០ ចៅក្រមចូល\nមេធាវីជំទាស់\n",
			want: []Line{
				{Line: 1, Time: at(9, 15, 0), HasTime: true, Text: "កឹម សុខា ត្រូវបាននាំចូល"},
				{Line: 2, Time: at(9, 20, 0), HasTime: true, Text: "ចៅក្រមចូល"},
				{Line: 3, Time: at(9, 20, 1), Text: "មេធាវីជំទាស់"},
			},
		},
		{
			name: "BOM, CRLF, blank lines and no final newline",
			in:   "\ufeff09:00 First\r\n\r\n   \r\n\u200b\r\n09:01 Second\r\nThird",
			want: []Line{
				{Line: 1, Time: at(9, 0, 0), HasTime: true, Text: "First"},
				{Line: 5, Time: at(9, 1, 0), HasTime: true, Text: "Second"},
				{Line: 6, Time: at(9, 1, 1), Text: "Third"},
			},
		},
		{
			name: "digits that are not a time",
			in:   "10 defendants present\n100:00 is not a time\n1:2 vote\n",
			want: []Line{
				{Line: 1, Time: at(0, 0, 0), Text: "10 defendants present"},
				{Line: 2, Time: at(0, 0, 1), Text: "100:00 is not a time"},
				{Line: 3, Time: at(0, 0, 2), Text: "1:2 vote"},
			},
		},
		{
			name: "JSON lines",
			in: `{"time":"09:10","text":"Recess","tags":["procedure"," access "],"source":"seen"}` + "\n" +
				`  {"text":"Lawyer says the files were not shared","source":"reported"}` + "\n" +
				`{"time":"2024-05-02T09:15:00+07:00","text":"Mu Sochua absent (មូរ សុខហួរ)"}` + "\n" +
				`{"time":"","text":"empty time is no time","tags":[]}` + "\n",
			want: []Line{
				{Line: 1, Time: at(9, 10, 0), HasTime: true, Text: "Recess", Tags: []string{"procedure", "access"}, Source: "seen"},
				{Line: 2, Time: at(9, 10, 1), Text: "Lawyer says the files were not shared", Source: "reported"},
				{Line: 3, Time: at(9, 15, 0), HasTime: true, Text: "Mu Sochua absent (មូរ សុខហួរ)"},
				{Line: 4, Time: at(9, 15, 1), Text: "empty time is no time"},
			},
		},
		{
			name: "JSON and plain mixed",
			in:   "09:00 plain\n{\"time\":\"09:00:30\",\"text\":\"json\"}\nuntimed\n09:02 plain again\n",
			want: []Line{
				{Line: 1, Time: at(9, 0, 0), HasTime: true, Text: "plain"},
				{Line: 2, Time: at(9, 0, 30), HasTime: true, Text: "json"},
				{Line: 3, Time: at(9, 0, 31), Text: "untimed"},
				{Line: 4, Time: at(9, 2, 0), HasTime: true, Text: "plain again"},
			},
		},
		{
			name: "a line of exactly MaxLineBytes",
			in:   "09:00 " + strings.Repeat("x", MaxLineBytes-6) + "\n",
			want: []Line{{Line: 1, Time: at(9, 0, 0), HasTime: true, Text: strings.Repeat("x", MaxLineBytes-6)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), day, ict)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}
}

func dump(ls []Line) string {
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "  %d %s %v %q %q %q\n", l.Line, l.Time.Format(time.RFC3339), l.HasTime, l.Text, l.Tags, l.Source)
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // each problem's Error()
	}{
		{"invalid time", "25:61 Judge enters\n", []string{"line 1: 25:61 is not a valid time"}},
		{"hour 24", "24:00 x\n", []string{"line 1: 24:00 is not a valid time"}},
		{"invalid seconds", "09:00:60 x\n", []string{"line 1: 09:00:60 is not a valid time"}},
		{"am/pm", "10:30am Judge enters\n", []string{`line 1: "10:30am Judge" does not start with a time followed by a space`}},
		{"time range", "10:30-10:45 recess\n", []string{`line 1: "10:30-10:45 r" does not start with a time`}},
		{"short seconds", "10:30:5 x\n", []string{`line 1: "10:30:5 x" does not start with a time`}},
		{"time without text", "09:00 Judge\n09:05\n09:06 - \n09:07:\n", []string{
			"line 2: the time 09:05 has no text after it",
			"line 3: the time 09:06 has no text after it",
			"line 4: the time 09:07 has no text after it",
		}},
		{"time goes backwards", "10:00 a\n09:59 b\n", []string{"line 2: 09:59 is earlier than 10:00 on line 1; times must not go backwards"}},
		{"backwards past untimed lines", "10:00 a\nb\n09:00:30 c\n", []string{"line 3: 09:00:30 is earlier than 10:00 on line 1"}},
		{"invalid UTF-8", "09:00 ok\n09:01 caf\xe9\n", []string{"line 2: the line is not valid UTF-8 text"}},
		{"bad JSON", "{\"text\": \"unclosed}\n", []string{"line 1: the JSON note is cut short"}},
		{"JSON syntax", "{text: 1}\n", []string{"line 1: the line starts with { but is not a valid JSON note: invalid character 't'"}},
		{"JSON missing text", `{"time":"09:00"}` + "\n", []string{`line 1: the JSON note has no "text"`}},
		{"JSON blank text", `{"text":"  "}` + "\n", []string{`line 1: the JSON note has no "text"`}},
		{"JSON unknown field", `{"txt":"x"}` + "\n", []string{`line 1: unknown field "txt"; a JSON note has only time, text, tags and source`}},
		{"JSON wrong type", `{"text":5}` + "\n", []string{`line 1: "text" must be a string`}},
		{"JSON tags not a list", `{"text":"x","tags":"a"}` + "\n", []string{`line 1: "tags" must be a list of strings`}},
		{"JSON empty tag", `{"text":"x","tags":["a",""]}` + "\n", []string{`line 1: "tags" holds an empty tag`}},
		{"JSON bad source", `{"text":"x","source":"heard"}` + "\n", []string{`line 1: "source" is "heard"; use "seen" or "reported"`}},
		{"JSON bad time", `{"text":"x","time":"half past nine"}` + "\n", []string{`line 1: "time" is "half past nine"; write HH:MM`}},
		{"JSON invalid clock time", `{"text":"x","time":"25:00"}` + "\n", []string{`line 1: 25:00 is not a valid time`}},
		{"JSON trailing data", `{"text":"x"} {"text":"y"}` + "\n", []string{"line 1: the JSON note is followed by more text"}},
		{"JSON null object", "{}\n", []string{`line 1: the JSON note has no "text"`}},
		{"JSON backwards", `{"time":"2024-05-02T11:00:00+07:00","text":"a"}` + "\n" + `{"time":"2024-05-01T11:00:00+07:00","text":"b"}` + "\n",
			[]string{"line 2: 2024-05-01T11:00:00+07:00 is earlier than 11:00 on line 1"}},
		{"line too long", "09:00 ok\n" + strings.Repeat("x", MaxLineBytes+1) + "\n09:01 after\n", []string{"line 2: the line is longer than 64 KiB"}},
		{"line too long at EOF", strings.Repeat("y", 3*MaxLineBytes), []string{"line 1: the line is longer than 64 KiB"}},
		{"empty file", "", []string{"the transcript has no notes"}},
		{"only blank lines", "\ufeff\r\n  \n\t\n", []string{"the transcript has no notes"}},
		{"problems on several lines", "ok\n25:00 a\nfine\n{\"x\":1}\n", []string{"line 2: 25:00", "line 4: unknown field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), day, ict)
			if got != nil {
				t.Errorf("got %d lines with the error, want none", len(got))
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("got error %v (%T), want *Error", err, err)
			}
			if len(perr.Problems) != len(tt.want) {
				t.Fatalf("got %d problems %q, want %d", len(perr.Problems), perr.Problems, len(tt.want))
			}
			for i, p := range perr.Problems {
				if !strings.HasPrefix(p.Error(), tt.want[i]) {
					t.Errorf("problem %d:\n got  %s\n want %s...", i, p.Error(), tt.want[i])
				}
			}
		})
	}
}

func TestParseTooManyLines(t *testing.T) {
	in := strings.Repeat("\n", MaxLines) + "09:00 one too many\n"
	_, err := Parse(strings.NewReader(in), day, ict)
	var perr *Error
	if !errors.As(err, &perr) || len(perr.Problems) != 1 || !strings.Contains(perr.Problems[0].Error(), "more than 100000 lines") {
		t.Fatalf("got %v, want one problem about too many lines", err)
	}

	// MaxLines lines are fine.
	in = strings.Repeat("x\n", MaxLines)
	got, err := Parse(strings.NewReader(in), day, ict)
	if err != nil || len(got) != MaxLines {
		t.Fatalf("got %d lines, %v; want %d lines", len(got), err, MaxLines)
	}
}

func TestParseCapsProblems(t *testing.T) {
	in := strings.Repeat("25:00 bad\n", 500)
	_, err := Parse(strings.NewReader(in), day, ict)
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("got %v, want *Error", err)
	}
	if len(perr.Problems) != maxProblems || !perr.Truncated {
		t.Fatalf("got %d problems, truncated %v; want %d, true", len(perr.Problems), perr.Truncated, maxProblems)
	}
	if want := "line 1: 25:00 is not a valid time; write 24-hour HH:MM or HH:MM:SS, 00:00 to 23:59:59 (and 99 more; checking stopped after 100 problems)"; err.Error() != want {
		t.Errorf("Error()\n got  %s\n want %s", err, want)
	}
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	got, err := Parse(io.MultiReader(strings.NewReader("09:00 x\n"), iotest.ErrReader(boom)), day, ict)
	if got != nil || !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read error", err)
	}
}

func TestParseDayInLocation(t *testing.T) {
	// 2024-05-01 20:00 UTC is already 2 May in Phnom Penh.
	utcDay := time.Date(2024, 5, 1, 20, 0, 0, 0, time.UTC)
	got, err := Parse(strings.NewReader("09:00 x\n"), utcDay, ict)
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Time.Equal(at(9, 0, 0)) {
		t.Fatalf("got %v, want %v", got[0].Time, at(9, 0, 0))
	}
	// A nil location means day's own.
	got, err = Parse(strings.NewReader("09:00 x\n"), day, nil)
	if err != nil || !got[0].Time.Equal(at(9, 0, 0)) {
		t.Fatalf("nil loc: got %v, %v", got, err)
	}
}
