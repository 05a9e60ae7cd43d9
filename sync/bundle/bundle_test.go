package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
	"filippo.io/age"
)

const (
	devA = "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b"
	devB = "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7c"
)

func newIdentity(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRoundTrip(t *testing.T) {
	a := newTestDevice(t, devA, seedOf(1))
	hq1, hq2 := newIdentity(t), newIdentity(t)
	photo := make([]byte, 100_000)
	rand.Read(photo)
	transcript := []byte(strings.Repeat(khmer[0]+"\n", 200))
	recs := chainRecords(devA, 41, Hash([]byte("version 40")), 25, 200)
	in := testInput(devA, 7, Hash([]byte("bundle 6")), recs, photo, transcript)

	data, sig := mustSeal(t, in, a.signer, hq1.Recipient(), hq2.Recipient())
	for i, id := range []age.Identity{hq1, hq2} {
		c, err := Open(data, sig, a.signer.Public(), id)
		if err != nil {
			t.Fatalf("identity %d: %v", i+1, err)
		}
		m := c.Manifest
		want := Manifest{Format: verify.Format, Device: devA, Monitor: in.Monitor, Seq: 7, Prev: in.Prev,
			HLCFirst: recs0HLC(t, recs[0]), HLCLast: recs0HLC(t, recs[24]), ChainFirst: 41, ChainLast: 65,
			Records: 25, Created: testCreated}
		m.Entries = nil
		if !equalManifest(m, want) {
			t.Errorf("manifest:\n got %+v\nwant %+v", m, want)
		}
		if len(c.Manifest.Entries) != 3 || c.Manifest.Entries["attachments/"+Hash(photo)] != Hash(photo) {
			t.Errorf("entries: %v", c.Manifest.Entries)
		}
		if !slices.EqualFunc(c.Records, recs, bytes.Equal) {
			t.Error("records differ")
		}
		if !bytes.Equal(c.Attachments[Hash(photo)], photo) || !bytes.Equal(c.Attachments[Hash(transcript)], transcript) || len(c.Attachments) != 2 {
			t.Error("attachments differ")
		}
		if c.Chain != Hash([]byte("version 40")) {
			t.Errorf("Chain = %q", c.Chain)
		}
		if want := (verify.Trusted{Device: devA, Seq: 7, Hash: Hash(data)}); c.Trusted != want {
			t.Errorf("trusted = %+v, want %+v", c.Trusted, want)
		}
		if err := c.Trusted.CheckDevice(devA); err != nil {
			t.Error(err)
		}
		if err := c.Trusted.CheckDevice(devB); !errors.Is(err, ErrWrongSigner) {
			t.Errorf("CheckDevice(B) = %v", err)
		}
	}
	if _, err := Open(data, sig, a.signer.Public(), newIdentity(t)); !errors.Is(err, ErrNotForUs) {
		t.Errorf("Open with a stranger's identity: %v", err)
	}
}

func recs0HLC(t *testing.T, raw []byte) uint64 {
	var c chainCheck
	c.device = devA
	if err := c.add(raw); err != nil {
		t.Fatal(err)
	}
	return c.hlcMin
}

func equalManifest(a, b Manifest) bool {
	a.Entries, b.Entries = nil, nil
	return a.Created.Equal(b.Created) && a.Format == b.Format && a.Device == b.Device && a.Monitor == b.Monitor &&
		a.Seq == b.Seq && a.Prev == b.Prev && a.HLCFirst == b.HLCFirst && a.HLCLast == b.HLCLast &&
		a.ChainFirst == b.ChainFirst && a.ChainLast == b.ChainLast && a.Records == b.Records
}

// sample is a bundle of a few records and one attachment, for the bit-flip
// tests.
func sample(t testing.TB) (data, sig []byte, pub minisign.PublicKey, s *Signer, id *age.X25519Identity) {
	a := newTestDevice(t, devA, seedOf(1))
	id = newIdentity(t)
	in := testInput(devA, 1, "", chainRecords(devA, 1, "", 40, 100), []byte("a photo"))
	data, sig = mustSeal(t, in, a.signer, id.Recipient())
	return data, sig, a.signer.Public(), a.signer, id
}

// positions are n offsets spread over a file of size bytes, with both ends.
func positions(size, n int) []int {
	var ps []int
	for i := range n {
		ps = append(ps, i*(size-1)/(n-1))
	}
	return ps
}

func TestBitFlip(t *testing.T) {
	data, sig, pub, _, id := sample(t)
	if _, err := Open(data, sig, pub, id); err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, p int, bit byte) []byte {
		b = bytes.Clone(b)
		b[p] ^= 1 << bit
		return b
	}
	for i, p := range positions(len(data), 200) {
		c, err := Open(flip(data, p, byte(i%8)), sig, pub, id)
		if err == nil || c != nil {
			t.Fatalf("flip at %d of %d: opened", p, len(data))
		}
		if !errors.Is(err, ErrTampered) {
			t.Errorf("flip at %d: %v, want ErrTampered", p, err)
		}
	}
	// The first line of a .minisig file is an untrusted comment, and the
	// unused low bits of a base64 character before "=" do not count: a flip
	// there may leave the same signature.
	var orig minisign.Signature
	orig.UnmarshalText(sig)
	for i, p := range positions(len(sig), 60) {
		b := flip(sig, p, byte(i%8))
		c, err := Open(data, b, pub, id)
		if (err == nil) != (c != nil) {
			t.Fatalf("flip at %d of the signature: contents %v with error %v", p, c != nil, err)
		}
		var s minisign.Signature
		if err == nil && (s.UnmarshalText(b) != nil || !s.Equal(orig)) {
			t.Fatalf("flip at %d of the signature changed it, and it opened", p)
		}
	}
}

// TestBitFlipResigned flips bits and signs the result with the device's key,
// as a buggy or compromised device could: age, zstd and the manifest must
// still catch every change.
func TestBitFlipResigned(t *testing.T) {
	data, _, pub, s, id := sample(t)
	for i, p := range positions(len(data), 200) {
		b := bytes.Clone(data)
		b[p] ^= 1 << (i % 8)
		c, err := Open(b, s.sign(b, 1), pub, id)
		if err == nil || c != nil {
			t.Fatalf("flip at %d of %d: opened", p, len(data))
		}
		if errors.Is(err, ErrBadSignature) || errors.Is(err, ErrWrongSigner) {
			t.Errorf("flip at %d: %v", p, err)
		}
	}
}

func TestSealRefuses(t *testing.T) {
	a := newTestDevice(t, devA, seedOf(1))
	hq := newIdentity(t).Recipient()
	recs := chainRecords(devA, 1, "", 3, 0)
	broken := slices.Clone(recs)
	broken[1], broken[2] = broken[2], broken[1]
	tests := []struct {
		name string
		edit func(in *Input)
		want error
	}{
		{"no records", func(in *Input) { in.Records = nil }, ErrMalformed},
		{"other device", func(in *Input) { in.Device = devB }, ErrMalformed},
		{"uppercase device", func(in *Input) { in.Device = strings.ToUpper(devA) }, ErrMalformed},
		{"seq 0", func(in *Input) { in.Seq = 0 }, ErrMalformed},
		{"seq 1 with prev", func(in *Input) { in.Prev = Hash(nil) }, ErrMalformed},
		{"seq 2 without prev", func(in *Input) { in.Seq = 2 }, ErrMalformed},
		{"created before 1970", func(in *Input) { in.Created = in.Created.AddDate(-3000, 0, 0) }, ErrMalformed},
		{"reordered records", func(in *Input) { in.Records = broken }, ErrTampered},
		{"newline in record", func(in *Input) { in.Records = [][]byte{[]byte("{\"device\":\"" + devA + "\",\n\"seq\":1}")} }, ErrMalformed},
		{"not JSON", func(in *Input) { in.Records = [][]byte{[]byte("{nope")} }, ErrMalformed},
		{"another device's record", func(in *Input) { in.Records = chainRecords(devB, 1, "", 1, 0) }, ErrTampered},
		{"chain 1 with a chain hash", func(in *Input) { in.Records = chainRecords(devA, 1, Hash(nil), 1, 0) }, ErrMalformed},
		{"attachment under a wrong sha", func(in *Input) { in.Attachments = map[string][]byte{Hash(nil): []byte("x")} }, ErrMalformed},
		{"record too long", func(in *Input) { in.Records = [][]byte{make([]byte, maxRecordLine)} }, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(devA, 1, "", recs)
			tt.edit(&in)
			data, sig, err := Seal(in, []age.Recipient{hq}, a.signer)
			if !errors.Is(err, tt.want) || data != nil || sig != nil {
				t.Errorf("Seal = %v, want %v", err, tt.want)
			}
		})
	}
	if _, _, err := Seal(testInput(devA, 1, "", recs), nil, a.signer); err == nil {
		t.Error("Seal without recipients succeeded")
	}
}

func TestKeys(t *testing.T) {
	a := newTestDevice(t, devA, seedOf(1))
	pub := PublicKey(a.key.Public().(ed25519.PublicKey))
	if !pub.Equal(a.signer.Public()) {
		t.Error("PublicKey differs from the signer's")
	}
	// The key ID is the first 8 bytes of sha256(public key), in file order.
	if got, want := pub.ID(), KeyID(a.key.Public().(ed25519.PublicKey)); got != want {
		t.Errorf("ID %X, want %X", got, want)
	}
	var parsed minisign.PublicKey
	if err := parsed.UnmarshalText(PublicKeyFile(pub)); err != nil || !parsed.Equal(pub) {
		t.Errorf("PublicKeyFile does not parse back: %v", err)
	}
	msg := []byte("hello")
	if sig := a.signer.sign(msg, 1); !minisign.Verify(pub, msg, sig) {
		t.Error("signature does not verify with minisign")
	}
	if _, err := NewSigner("not-a-uuid", a.key); err == nil {
		t.Error("NewSigner accepted a bad device id")
	}
	if _, err := NewSigner(devA, a.key[:10]); err == nil {
		t.Error("NewSigner accepted a short key")
	}
}

// TestVerifyNotPrehashed: a legacy (non-prehashed) minisign signature with a
// valid trusted comment is refused; Courtwatch never makes one.
func TestVerifyNotPrehashed(t *testing.T) {
	data, _, pub, s, _ := sample(t)
	legacy := minisign.SignWithComments(s.key, data, verify.Trusted{Device: devA, Seq: 1, Hash: Hash(data)}.String(), "legacy")
	if !minisign.Verify(pub, data, legacy) {
		t.Fatal("minisign does not verify its own signature")
	}
	if _, err := verify.Verify(data, legacy, pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("verify.Verify(legacy signature) = %v", err)
	}
	// A file signed with the device key by another program.
	other := minisign.Sign(s.key, data)
	if _, err := verify.Verify(data, other, pub); err == nil {
		t.Error("Verify accepted a signature without a Courtwatch trusted comment")
	}
}

// TestForgedDevice: enrolled device B signs A's bundle with B's key but
// writes device A into the trusted comment. Nothing in the bundle ties B's
// key to B, so Open accepts it; the caller's check of the enrolled device
// (CheckDevice, or a Sequence chosen by the enrolled device) refuses it.
func TestForgedDevice(t *testing.T) {
	data, _, _, _, id := sample(t)
	b := newTestDevice(t, devB, seedOf(2))
	forger, err := NewSigner(devA, b.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Open(data, forger.sign(data, 1), b.signer.Public(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Trusted.CheckDevice(devB); !errors.Is(err, ErrWrongSigner) {
		t.Errorf("CheckDevice(B) = %v", err)
	}
	seq := Sequence{Device: devB}
	if err := seq.Check(c.Manifest, c.Trusted.Hash); !errors.Is(err, ErrWrongSigner) {
		t.Errorf("Sequence of B: Check = %v", err)
	}
}
