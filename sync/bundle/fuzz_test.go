package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// fuzzHQ is a fixed HQ identity for the fuzz targets, so that saved inputs
// replay the same way.
const fuzzHQ = "AGE-SECRET-KEY-136GX50K980LXZPR08AA04P4WJPTS6KJP20ZP02MTX3R4LKYAGN3QTSP4TU"

// FuzzOpen feeds Open arbitrary input. mode picks how far it gets:
//
//	0: Open(data, sig) as given (almost always stops at the signature)
//	1: data is read as if its signature verified (reaches age)
//	2: data is the tar stream, compressed with zstd and read as if just
//	   decrypted (what a signed, decrypted bundle may hold)
//	3: data is the zstd stream, read as if just decrypted
//
// Modes 1 to 3 call what Open calls after the signature (and after age),
// because signing every input would make the fuzzer crawl, above all while
// it minimizes new inputs. Nothing may panic, and contents come back only
// for input that is valid in every respect.
func FuzzOpen(f *testing.F) {
	a := newTestDevice(f, devA, seedOf(1))
	hq, err := age.ParseX25519Identity(fuzzHQ)
	if err != nil {
		f.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))

	in := testInput(devA, 1, "", chainRecords(devA, 1, "", 2, 0), []byte("photo"))
	data, sig := mustSeal(f, in, a.signer, hq.Recipient())
	var tarStream bytes.Buffer
	_, entries, _ := build(in, a.signer)
	writeTar(&tarStream, testCreated, entries)
	f.Add(data, sig, byte(0))
	f.Add(data, sig, byte(1))
	f.Add(tarStream.Bytes(), []byte(nil), byte(2))
	f.Add(enc.EncodeAll(tarStream.Bytes(), nil), []byte(nil), byte(3))
	f.Add([]byte("age-encryption.org/v1\n"), []byte("untrusted comment: x\n\ntrusted comment: y\n\n"), byte(0))

	f.Fuzz(func(t *testing.T, data, sig []byte, mode byte) {
		var c *Contents
		var err error
		switch mode % 4 {
		case 0:
			c, err = Open(data, sig, a.signer.Public(), hq)
			if _, verr := verify.Verify(data, sig, a.signer.Public()); verr == nil && !minisign.Verify(a.signer.Public(), data, sig) {
				t.Fatal("Verify accepts a signature that minisign rejects")
			}
		case 1:
			c, err = read(bytes.NewReader(data), verify.Trusted{Device: devA, Seq: 1}, []age.Identity{hq})
		case 2:
			c, err = readPayload(bytes.NewReader(enc.EncodeAll(data, nil)), verify.Trusted{Device: devA, Seq: 1})
		case 3:
			c, err = readPayload(bytes.NewReader(data), verify.Trusted{Device: devA, Seq: 1})
		}
		if (err == nil) != (c != nil) {
			t.Fatalf("Open returned contents %v with error %v", c != nil, err)
		}
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error matches no Err value: %v", err)
			}
			return
		}
		if mode%4 == 0 {
			if tr, err := verify.Verify(data, sig, a.signer.Public()); err != nil || tr != c.Trusted || tr.Hash != Hash(data) {
				t.Fatalf("opened, but Verify says %v", err)
			}
		}
		checkValid(t, c)
	})
}

func isSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// checkValid checks, apart from Open, that c is a valid bundle.
func checkValid(t *testing.T, c *Contents) {
	t.Helper()
	m := c.Manifest
	if c.Trusted.Device != m.Device || c.Trusted.Seq != m.Seq {
		t.Fatalf("trusted %+v does not match the manifest", c.Trusted)
	}
	j, _ := json.Marshal(m)
	if m2, err := ParseManifest(j); err != nil || !reflect.DeepEqual(m, m2) {
		t.Fatalf("opened manifest does not round-trip: %v", err)
	}
	var jsonl []byte
	cc := chainCheck{device: m.Device}
	for _, r := range c.Records {
		if err := cc.add(r); err != nil {
			t.Fatal(err)
		}
		jsonl = append(append(jsonl, r...), '\n')
	}
	if err := cc.matches(&m); err != nil || Hash(jsonl) != m.Entries[recordsName] || cc.firstChain != c.Chain {
		t.Fatalf("records do not match the manifest: %v", err)
	}
	if len(m.Entries) != 1+len(c.Attachments) {
		t.Fatal("entries and attachments differ in number")
	}
	for sum, b := range c.Attachments {
		if Hash(b) != sum || m.Entries[attachmentsPath+sum] != sum {
			t.Fatalf("attachment %s does not match", sum)
		}
	}
}

// FuzzManifest checks that ParseManifest never panics, fails only with
// ErrMalformed or ErrTooLarge, and that what it accepts round-trips.
func FuzzManifest(f *testing.F) {
	a := newTestDevice(f, devA, seedOf(1))
	m, _, err := build(testInput(devA, 2, Hash(nil), chainRecords(devA, 5, Hash(nil), 3, 0), []byte("x")), a.signer)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(m)
	f.Add(good)
	f.Add([]byte(strings.Replace(string(good), `"seq":2`, `"seq":2,"seq":3`, 1)))
	f.Add([]byte(strings.Replace(string(good), `"seq"`, `"SEQ"`, 1)))
	f.Add([]byte(strings.Replace(string(good), `"records":3`, `"records":3,"x":1`, 1)))
	f.Add([]byte(string(good) + " {}"))
	f.Add([]byte(`{"format":"courtwatch-bundle/1"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error is neither ErrMalformed nor ErrTooLarge: %v", err)
			}
			return
		}
		if err := m.check(); err != nil {
			t.Fatalf("accepted a manifest that check refuses: %v", err)
		}
		j, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ParseManifest(j)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("does not round-trip: %v\n%s\n%s", err, b, j)
		}
	})
}
