package outbox

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"courtwatch/storage"
	"courtwatch/sync/bundle"

	"filippo.io/age"
)

// open decrypts and verifies bundle seq of f with identity id.
func (f *fixture) open(seq uint64, id age.Identity) *bundle.Contents {
	f.t.Helper()
	_, data, sig, err := Bundle(f.v, seq)
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := bundle.Open(data, sig, bundle.PublicKey(f.v.Device().PublicKey), id)
	if err != nil {
		f.t.Fatalf("open bundle %d: %v", seq, err)
	}
	return c
}

// chainRaw returns the raw versions after chain position from.
func (f *fixture) chainRaw(from uint64) [][]byte {
	var out [][]byte
	if err := f.v.ChainSince(from, func(ver *storage.Version) error { out = append(out, ver.Raw); return nil }); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestSealCycle(t *testing.T) {
	f := newFixture(t)
	if _, err := Seal(f.v); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("Seal without a profile: %v, want ErrNoProfile", err)
	}
	f.install("")
	f.notes(f.hearing, 3)

	e1 := f.seal()
	if e1.Seq != 1 || e1.Prev != "" || e1.Records != 5 || e1.ChainFirst != 1 || e1.ChainLast != 5 || e1.State != Sealed || e1.Profile != "hq" {
		t.Fatalf("first bundle: %+v", e1)
	}
	if e, err := Seal(f.v); e != nil || err != nil {
		t.Fatalf("Seal with nothing new = %v, %v; want nil, nil", e, err)
	}

	f.notes(f.hearing, 2)
	e2 := f.seal()
	if e2.Seq != 2 || e2.Prev != e1.Hash || e2.Records != 2 || e2.ChainFirst != 6 || e2.ChainLast != 7 {
		t.Fatalf("second bundle: %+v, first hash %s", e2, e1.Hash)
	}
	c := f.open(2, f.hq.id)
	if c.Manifest.Seq != 2 || c.Manifest.Prev != e1.Hash {
		t.Errorf("manifest seq %d prev %s", c.Manifest.Seq, c.Manifest.Prev)
	}
	want := f.chainRaw(5)
	if len(c.Records) != len(want) {
		t.Fatalf("bundle 2 has %d records, want the %d new versions", len(c.Records), len(want))
	}
	for i := range want {
		if !bytes.Equal(c.Records[i], want[i]) {
			t.Errorf("record %d differs:\n got %s\nwant %s", i, c.Records[i], want[i])
		}
	}

	f.reopen()
	if e, err := Seal(f.v); e != nil || err != nil {
		t.Fatalf("Seal after reopen = %v, %v; want nil, nil", e, err)
	}
	all := f.entries()
	if len(all) != 2 || all[0].Hash != e1.Hash || all[1].Hash != e2.Hash {
		t.Fatalf("outbox after reopen: %+v", all)
	}
	f.notes(f.hearing, 1)
	if e3 := f.seal(); e3.Seq != 3 || e3.Prev != e2.Hash || e3.Records != 1 {
		t.Fatalf("bundle after reopen: %+v", e3)
	}
	if p, err := Pending(f.v); err != nil || len(p) != 3 {
		t.Fatalf("Pending = %d entries, %v; want 3", len(p), err)
	}
}

func TestSealAttachments(t *testing.T) {
	f := newFixture(t)
	f.install("")
	photo := bytes.Repeat([]byte("court notice "), 1000)
	a := &storage.Attachment{HearingID: f.hearing, Name: "notice.jpg", Caption: "posted at the gate"}
	if err := f.v.AddAttachment(a, bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	f.seal()
	c := f.open(1, f.hq.id)
	if got := c.Attachments[a.SHA256]; !bytes.Equal(got, photo) || len(c.Attachments) != 1 {
		t.Fatalf("bundle 1 has %d attachments; photo present: %v", len(c.Attachments), got != nil)
	}

	a.Caption = "posted at the gate at 07:00"
	f.put(a)
	f.seal()
	if c := f.open(2, f.hq.id); len(c.Attachments) != 0 || len(c.Records) != 1 {
		t.Fatalf("caption edit: %d attachments, %d records; want the record alone", len(c.Attachments), len(c.Records))
	}
}

// TestMayBeAttachment: the versions the vault writes are told apart by
// their type field, and a version in any other form by its bytes.
func TestMayBeAttachment(t *testing.T) {
	f := newFixture(t)
	a := &storage.Attachment{HearingID: f.hearing, Name: "notice.jpg", Caption: `the "attachment" on the gate`}
	if err := f.v.AddAttachment(a, strings.NewReader("photo")); err != nil {
		t.Fatal(err)
	}
	n := noteAt(f.hearing, 1)
	n.Text = `see the "attachment"`
	f.put(n)
	raws := f.chainRaw(0)
	const id = `"id":"01a23a57-c482-7849-8c0a-6004a6a08d35"`
	tests := []struct {
		name string
		raw  []byte
		want bool
	}{
		{"the vault's attachment", raws[len(raws)-2], true},
		{"the vault's note that quotes the word", raws[len(raws)-1], false},
		{"the vault's hearing", raws[1], false},
		{"type first", []byte(`{"type":"attachment",` + id + `}`), true},
		{"type third", []byte(`{` + id + `,"version":1,"type":"attachment"}`), true},
		{"a quote in the id", []byte(`{"id":"01a23a57-c482-7849-8c0a-6004a6a\"d35","type":"note","x":{"type":"attachment"}}`), true},
		{"a note in the vault's form", []byte(`{` + id + `,"type":"note","data":{"text":"x"}}`), false},
		{"an attachment in the vault's form", []byte(`{` + id + `,"type":"attachment","data":{}}`), true},
		{"a type that starts with attachment", []byte(`{` + id + `,"type":"attachments"}`), false},
	}
	for _, tt := range tests {
		if got := mayBeAttachment(tt.raw); got != tt.want {
			t.Errorf("%s: mayBeAttachment(%s) = %v, want %v", tt.name, tt.raw, got, tt.want)
		}
	}
}

func TestSealSplitsLargeBacklog(t *testing.T) {
	old := maxBundleInput
	maxBundleInput = 2000
	defer func() { maxBundleInput = old }()
	f := newFixture(t)
	f.install("")
	f.notes(f.hearing, 30)
	es, err := SealAll(f.v)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 3 {
		t.Fatalf("%d bundles for 32 versions over a 2000-byte budget", len(es))
	}
	var next uint64 = 1
	for i, e := range es {
		if e.Seq != uint64(i+1) || e.ChainFirst != next || (i > 0 && e.Prev != es[i-1].Hash) {
			t.Fatalf("bundle %d: %+v", i+1, e)
		}
		next = e.ChainLast + 1
	}
	if next != 33 {
		t.Fatalf("bundles cover versions up to %d, want 32", next-1)
	}
}

// A new profile (HQ rotated its key) applies to new bundles only.
func TestSealKeyRotation(t *testing.T) {
	f := newFixture(t)
	f.install("")
	f.seal()
	oldID := f.hq.id
	f.hq = newHQKeys(t)
	f.install("")
	f.notes(f.hearing, 1)
	f.seal()

	f.open(1, oldID)
	f.open(2, f.hq.id)
	_, data, sig, _ := Bundle(f.v, 2)
	if _, err := bundle.Open(data, sig, bundle.PublicKey(f.v.Device().PublicKey), oldID); !errors.Is(err, bundle.ErrNotForUs) {
		t.Fatalf("bundle 2 with the old key: %v, want ErrNotForUs", err)
	}
}

func TestAddProfile(t *testing.T) {
	f := newFixture(t)
	p := f.hq.profile("https://hq.example.org")
	for _, tc := range []struct {
		name, want string
	}{
		{"", ""},
		{"../x", "profile name"},
		{"backup", ""},
	} {
		err := AddProfile(f.v, p, tc.name, false)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("AddProfile(%q) = %v, want %q", tc.name, err, tc.want)
		}
	}
	bad := p
	bad.URL = "http://hq.example.org"
	if err := AddProfile(f.v, bad, "plain", false); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("plain http to a remote host: %v", err)
	}
	ps, err := Profiles(f.v)
	if err != nil || len(ps) != 2 || ps[0].Name != "backup" || ps[0].Default || ps[1].Name != "hq" || !ps[1].Default {
		t.Fatalf("Profiles = %+v, %v", ps, err)
	}
	if err := AddProfile(f.v, p, "backup", true); err != nil {
		t.Fatal(err)
	}
	if d, _ := DefaultProfile(f.v); d.Name != "backup" {
		t.Errorf("default is %q after --default, want backup", d.Name)
	}
}
