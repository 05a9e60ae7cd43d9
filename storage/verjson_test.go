package storage

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
)

// checkMarshalVersion fails unless marshalVersion gives json.Marshal's
// bytes for a version whose data is json.Marshal's output, as Put's is,
// and those bytes decode to the same version.
func checkMarshalVersion(t *testing.T, ver *Version) {
	t.Helper()
	got := sameAsMarshal(t, ver)
	back, err := ParseVersion(got)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != ver.ID || back.Type != ver.Type || back.Version != ver.Version || back.HLC != ver.HLC ||
		back.Device != ver.Device || back.Seq != ver.Seq || back.Prev != ver.Prev || back.Chain != ver.Chain ||
		back.Deleted != ver.Deleted || !bytes.Equal(back.Data, ver.Data) {
		t.Fatalf("%s decodes to %+v", got, back)
	}
}

// sameAsMarshal fails unless marshalVersion(ver) gives json.Marshal's
// bytes, and returns them.
func sameAsMarshal(t *testing.T, ver *Version) []byte {
	t.Helper()
	want, err := json.Marshal(ver)
	if err != nil {
		t.Fatal(err)
	}
	got, err := marshalVersion(ver)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("marshalVersion differs from json.Marshal:\n got %s\nwant %s", got, want)
	}
	return got
}

func noteData(t *testing.T, text string) []byte {
	t.Helper()
	n := &Note{HearingID: uuid.Must(uuid.NewV7()), Time: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
		Text: text, Tags: []string{"procedure", text}, Source: SourceSeen}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMarshalVersionSameBytes(t *testing.T) {
	h1, h2 := hashHex([]byte("a")), hashHex([]byte("b"))
	for _, c := range []struct {
		typ, prev, chain, text string
		deleted                bool
		seq                    uint64
	}{
		{KindNote, "", "", "the judge <adjourned> & left", false, 1},
		{KindNote, h1, h2, "ទីក្រុង \u2028 line\tseparator \"quoted\" back\\slash", false, 1 << 63},
		{KindHearing, h1, "", "", true, 0},
		{KindNote, "", h2, "\x00\x1f\x7f é", false, 42},
		{"odd\"type<", "pr\u2029ev", "ch\\ain", "x", false, 7}, // json.Marshal's own path
	} {
		ver := &Version{ID: uuid.Must(uuid.NewV7()), Type: c.typ, Version: 3, HLC: uint64(time.Now().UnixNano()),
			Device: uuid.New(), Seq: c.seq, Prev: c.prev, Chain: c.chain, Deleted: c.deleted}
		if !c.deleted {
			ver.Data = noteData(t, c.text)
		}
		checkMarshalVersion(t, ver)
	}
	checkMarshalVersion(t, &Version{}) // zero IDs, no data
}

// FuzzMarshalVersion compares marshalVersion with json.Marshal over
// arbitrary field values and note text.
func FuzzMarshalVersion(f *testing.F) {
	f.Add("note", hashHex([]byte("a")), "", "some text", false, uint64(1), uint64(2), uint64(3), []byte("0123456789abcdef"))
	f.Add("hearing", "", hashHex([]byte("b")), "<&>\u2028\"\\", true, uint64(0), uint64(1<<63), uint64(1<<64-1), []byte{})
	f.Add("n\x00te", "\xff", "é", "\xff\xfe invalid utf-8", false, uint64(9), uint64(9), uint64(9), []byte("x"))
	f.Fuzz(func(t *testing.T, typ, prev, chain, text string, deleted bool, version, hlc, seq uint64, idb []byte) {
		var id uuid.UUID
		copy(id[:], idb)
		ver := &Version{ID: id, Type: typ, Version: version, HLC: hlc, Device: uuid.UUID(sha256Sum(idb)),
			Seq: seq, Prev: prev, Chain: chain, Deleted: deleted}
		if !deleted {
			ver.Data = noteData(t, text)
		}
		sameAsMarshal(t, ver)
	})
}

func sha256Sum(b []byte) (out [16]byte) {
	copy(out[:], hashHex(b))
	return out
}

func TestHeadStateMarshalSameBytes(t *testing.T) {
	now := time.Now().UTC()
	lost := []LostRange{{From: 3, To: 9, After: now.Add(-time.Hour), Until: now}, {From: 12, To: 12, Until: now}}
	for _, st := range []headState{
		{},
		{N: 1, Seq: 0, Written: now},
		{N: 1 << 63, Seq: 1<<64 - 1, Hash: hashHex([]byte("x")), Written: now},
		{N: 7, Seq: 5, Hash: hashHex([]byte("y")), Written: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), Lost: lost},
		{N: 2, Seq: 2, Hash: "a\"<b", Written: now.In(time.FixedZone("x", 3600))}, // json.Marshal's own path
		{N: 2, Written: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		want, werr := json.Marshal(st)
		var got []byte
		func() {
			defer func() {
				if recover() != nil && werr == nil {
					t.Fatalf("marshal of %+v panicked", st)
				}
			}()
			got = st.marshal()
		}()
		if werr != nil {
			continue // json.Marshal refuses it too (mustJSON panics)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("headState.marshal differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
}
