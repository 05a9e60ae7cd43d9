package bundle

import (
	"bytes"
	"testing"

	"courtwatch/sync/bundle/verify"

	"filippo.io/age"
)

// benchInput is 10,000 records of about 300 bytes.
func benchInput(b *testing.B) (Input, *Signer) {
	a := newTestDevice(b, devA, seedOf(1))
	recs := chainRecords(devA, 1, "", 10_000, 0)
	return testInput(devA, 1, "", recs), a.signer
}

func jsonlSize(recs [][]byte) int64 {
	n := 0
	for _, r := range recs {
		n += len(r) + 1
	}
	return int64(n)
}

func BenchmarkSeal(b *testing.B) {
	in, s := benchInput(b)
	hq := newIdentity(b).Recipient()
	b.SetBytes(jsonlSize(in.Records))
	var size int
	for b.Loop() {
		data, _, err := Seal(in, []age.Recipient{hq}, s)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bundle-bytes")
}

// BenchmarkAgeRaw encrypts the same records, uncompressed, with age only:
// the cost Seal adds is tar, zstd, hashing, the chain check and signing.
func BenchmarkAgeRaw(b *testing.B) {
	in, _ := benchInput(b)
	hq := newIdentity(b).Recipient()
	var jsonl []byte
	for _, r := range in.Records {
		jsonl = append(append(jsonl, r...), '\n')
	}
	b.SetBytes(int64(len(jsonl)))
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		w, err := age.Encrypt(&buf, hq)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(jsonl)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bundle-bytes")
}

func BenchmarkOpen(b *testing.B) {
	in, s := benchInput(b)
	hq := newIdentity(b)
	data, sig, err := Seal(in, []age.Recipient{hq.Recipient()}, s)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(jsonlSize(in.Records))
	for b.Loop() {
		if _, err := Open(data, sig, s.Public(), hq); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	in, s := benchInput(b)
	data, sig, err := Seal(in, []age.Recipient{newIdentity(b).Recipient()}, s)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := verify.Verify(data, sig, s.Public()); err != nil {
			b.Fatal(err)
		}
	}
}
