package storage

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// scanNote reads the notes Courtwatch writes (it declines none of them)
// and gives what json.Unmarshal gives.
func TestScanNote(t *testing.T) {
	p := uuid.MustParse("01890a5d-ac96-774b-bcce-b302099a8057")
	for _, n := range []Note{
		{HearingID: p, Time: time.Date(2026, 12, 3, 8, 0, 0, 123, time.FixedZone("ICT", 7*3600)), Text: "ចៅក្រម \"asks\"\n\t<defendant> & \\ \u2028"},
		{HearingID: p, Time: time.Now(), Text: "x", Tags: []string{"a", "ប"}, Defendants: []uuid.UUID{p, uuid.Nil}, Source: "seen"},
		{},
	} {
		data := mustJSON(n)
		var got Note
		if !scanNote(data, &got) {
			t.Fatalf("declined %s", data)
		}
		checkSameNote(t, data, Note{}, got)
	}
}

// For every note scanNote accepts, json.Unmarshal into the same starting
// note succeeds and gives the same note; scanNote changes nothing when it
// declines.
func FuzzScanNote(f *testing.F) {
	p := uuid.MustParse("01890a5d-ac96-774b-bcce-b302099a8057")
	f.Add(mustJSON(Note{HearingID: p, Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Text: "ចៅក្រម \"q\"\n<a>", Tags: []string{"x"}, Defendants: []uuid.UUID{p}, Source: "seen"}), false)
	for _, s := range []string{
		`{"text":"a","TEXT":"b"}`, `{"text":"a","text":"b"}`, `{"tags":null,"defendants":[]}`, `{"tags":[null]}`, `{"time":null}`,
		`{"time":"2026-13-01T00:00:00Z"}`, `{"time":{}}`, `{"hearing":"zz"}`, `{"hearing":null}`, `{"text":"\ud800"}`,
		`{"other":[1,{"a":null}],"source":"r\u00e9"}`, `{"text":1}`, `{}`, ` [] `, `{"tags":["a",]}`,
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, full bool) {
		var start Note
		if full {
			start = Note{HearingID: p, Time: time.Unix(1, 0), Text: "old", Tags: []string{"old"}, Defendants: []uuid.UUID{p}, Source: "old"}
		}
		got := start
		got.Tags, got.Defendants = append([]string(nil), start.Tags...), append([]uuid.UUID(nil), start.Defendants...)
		if start.Tags == nil {
			got.Tags, got.Defendants = nil, nil
		}
		if !scanNote(data, &got) {
			if !reflect.DeepEqual(got, start) {
				t.Fatalf("declined %q, having changed the note: %+v", data, got)
			}
			return
		}
		checkSameNote(t, data, start, got)
	})
}

func checkSameNote(t *testing.T, data []byte, start, got Note) {
	t.Helper()
	want := start
	want.Tags, want.Defendants = append([]string(nil), start.Tags...), append([]uuid.UUID(nil), start.Defendants...)
	if start.Tags == nil {
		want.Tags, want.Defendants = nil, nil
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("scanNote accepted %q, json.Unmarshal did not: %v", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: scanNote gives %+v, json.Unmarshal %+v", data, got, want)
	}
}
