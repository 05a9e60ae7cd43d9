package bundle

import (
	"encoding/json"
	"testing"
)

var scanHeadCases = []struct {
	raw string
	ok  bool // whether scanHead answers itself
}{
	{`{"id":"x","device":"d","seq":3,"hlc":18446744073709551615,"chain":"c","data":{"a":[1,-2.5e+3,true,false,null,"\u00e9\n"]}}`, true},
	{` { "seq" : 1 , "device":"d" } `, true},
	{`{}`, true},
	{`{"seq":1,"seq":2}`, false},                // encoding/json takes the last one
	{`{"Seq":1}`, false},                        // encoding/json matches without case
	{`{"ſeq":1}`, false},                        // and folds ſ to s
	{`{"se\u0071":1}`, false},                   // an escaped key
	{`{"device":"d\u0041"}`, false},             // an escaped head string
	{`{"seq":null}`, false},                     // null leaves the field alone
	{`{"seq":1.0}`, false},                      // not an integer
	{`{"seq":1e2}`, false},                      // not an integer
	{`{"seq":-1}`, false},                       // negative
	{`{"seq":01}`, false},                       // not JSON
	{`{"seq":18446744073709551616}`, false},     // too large
	{`{"seq":1,"data":{"a":1,}}`, false},        // not JSON
	{`{"seq":1,"data":"\x"}`, false},            // a bad escape
	{`{"seq":1,"data":"a` + "\t" + `"}`, false}, // a control character
	{`{"seq":1} x`, false},                      // data after the object
	{`{"seq":1,"data":[` + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + `]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]` + `]}`, false}, // deeper than scanHead goes
}

// TestScanHead checks that scanHead reads plain records itself, leaves
// the others to json.Unmarshal, and agrees with it on those it reads.
func TestScanHead(t *testing.T) {
	for _, c := range scanHeadCases {
		h, ok := scanHead([]byte(c.raw))
		if ok != c.ok {
			t.Errorf("scanHead(%s) ok = %v, want %v", c.raw, ok, c.ok)
		}
		checkScanHead(t, []byte(c.raw), h, ok)
	}
	for _, r := range chainRecords(devA, 1, "", 50, 300) {
		h, ok := scanHead(r)
		if !ok {
			t.Fatalf("scanHead does not read a plain record: %s", r)
		}
		checkScanHead(t, r, h, ok)
	}
}

func checkScanHead(t *testing.T, raw []byte, h recordHead, ok bool) {
	t.Helper()
	if !ok {
		return
	}
	var want recordHead
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("scanHead read %q, which json.Unmarshal refuses: %v", raw, err)
	}
	if h != want {
		t.Fatalf("scanHead(%q) = %+v, json.Unmarshal gives %+v", raw, h, want)
	}
}

// FuzzScanHead: whatever scanHead reads, json.Unmarshal reads the same.
func FuzzScanHead(f *testing.F) {
	for _, c := range scanHeadCases {
		f.Add([]byte(c.raw))
	}
	for _, r := range chainRecords(devA, 1, "", 3, 0) {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, ok := scanHead(raw)
		checkScanHead(t, raw, h, ok)
	})
}
