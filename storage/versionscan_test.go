package storage

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
)

// scanVersion reads the envelopes Courtwatch writes (it declines none of
// them), and gives what json.Unmarshal gives.
func TestScanVersion(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: time.Now(), Text: "ចៅក្រម \"asks\"\n\tdefendant\\", Tags: []string{"a"}}
	mustPut(t, v, n)
	n.Text = "edited"
	mustPut(t, v, n)
	if err := v.Update(func(tx *Tx) error { return tx.Delete(n.ID) }); err != nil {
		t.Fatal(err)
	}
	hist, err := v.History(n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Fatalf("%d versions, want 3", len(hist))
	}
	for _, ver := range hist {
		got, ok := scanVersion(ver.Raw)
		if !ok {
			t.Fatalf("declined a stored version: %s", ver.Raw)
		}
		checkSameVersion(t, ver.Raw, got)
	}
}

// For every envelope scanVersion accepts, json.Unmarshal succeeds and gives
// the same Version.
func FuzzScanVersion(f *testing.F) {
	id, dev := uuid.MustParse("01890a5d-ac96-774b-bcce-b302099a8057"), uuid.MustParse("a1b2c3d4-0000-4000-8000-000000000001")
	for _, ver := range []Version{
		{ID: id, Type: KindNote, Version: 1, HLC: 1 << 40, Device: dev, Seq: 7, Data: json.RawMessage(`{"text":"ចៅក្រម \"x\"","tags":["a"],"n":[1,2.5e3,null,true,{}]}`)},
		{ID: id, Type: KindNote, Version: 2, HLC: 1<<40 + 1, Device: dev, Seq: 8, Prev: "ab12", Chain: "cd34", Deleted: true},
	} {
		f.Add(mustJSON(ver))
	}
	for _, s := range []string{
		` {"id":"01890a5d-ac96-774b-bcce-b302099a8057" , "ID":"x"} `,
		`{"Type":"note"}`, `{"type":"n\u006fte"}`, `{"seq":01}`, `{"seq":1.0}`, `{"seq":-1}`, `{"seq":18446744073709551616}`,
		`{"deleted":null}`, `{"deleted":1}`, `{"data":null}`, `{"data":"x"}`, `{"data":[[[[]]]]}`, `{"raw":"x","hash":"y"}`,
		`{"id":"{01890a5d-ac96-774b-bcce-b302099a8057}"}`, `{"id":"01890a5dac96774bbcceb302099a8057"}`, `{"id":"zz"}`,
		`{"type":"a","type":"b"}`, `{"data":{"a":"\ud800"}}`, `{"data":"` + "\xff" + `"}`, `[]`, `{}`, `{`, `{"a":1,}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := scanVersion(raw)
		if !ok {
			return
		}
		checkSameVersion(t, raw, got)
	})
}

func checkSameVersion(t *testing.T, raw []byte, got Version) {
	t.Helper()
	var want Version
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("scanVersion accepted %q, json.Unmarshal did not: %v", raw, err)
	}
	if !bytes.Equal(got.Data, want.Data) {
		t.Fatalf("%q: data %q, json.Unmarshal gives %q", raw, got.Data, want.Data)
	}
	if (got.Data == nil) != (want.Data == nil) {
		t.Fatalf("%q: data nil %v, json.Unmarshal's nil %v", raw, got.Data == nil, want.Data == nil)
	}
	got.Data, want.Data = nil, nil
	if got.ID != want.ID || got.Type != want.Type || got.Version != want.Version || got.HLC != want.HLC ||
		got.Device != want.Device || got.Seq != want.Seq || got.Prev != want.Prev || got.Chain != want.Chain ||
		got.Deleted != want.Deleted || got.Raw != nil || got.Hash != "" || got.Purged {
		t.Fatalf("%q: scanVersion gives %+v, json.Unmarshal %+v", raw, got, want)
	}
}
