package receiver

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"aead.dev/minisign"
	"github.com/minio/minio-go/v7"
)

// FuzzParseBundleMeta feeds ParseBundleMeta the user metadata a bucket
// may hand back for a .cwb: any keys, in any case, with any values. It
// must not panic; what it returns is the non-empty base64 of a value under
// its key, whatever else is damaged; a key given twice (in two cases) with
// different values returns nothing; without an error it returns both or
// neither, and writing those back (bundleMeta) reads the same again.
func FuzzParseBundleMeta(f *testing.F) {
	b64 := base64.StdEncoding.EncodeToString
	sig := "untrusted comment: courtwatch bundle 1\nRUT...\ntrusted comment: courtwatch-bundle/1 device=x seq=1 hash=y\n..."
	receipt := `{"receipt":"{\"format\":\"courtwatch-receipt/1\"}","signature":"untrusted comment: courtwatch receipt\n"}`
	f.Add(MetaSignature, b64([]byte(sig)), MetaReceipt, b64([]byte(receipt)))
	f.Add("courtwatch-signature", b64([]byte(sig)), "COURTWATCH-RECEIPT", b64([]byte(receipt)))
	f.Add(MetaSignature, b64([]byte(sig)), "Other", "x")
	f.Add(MetaSignature, "not base64!", MetaReceipt, b64([]byte(receipt)))
	f.Add(MetaSignature, "", MetaReceipt, "")
	f.Add(MetaSignature, b64([]byte(sig))[:7], MetaReceipt, b64([]byte(receipt))+"==")
	f.Add("Content-Type", "application/octet-stream", "", "")
	f.Add("courtwatch-signature", b64([]byte(sig)), "COURTWATCH-SIGNATURE", b64([]byte(receipt)))
	f.Add("courtwatch-receipt", b64([]byte(receipt)), "Courtwatch-Receipt", b64([]byte(receipt)))
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		sig, receipt, err := ParseBundleMeta(m)
		valueOf := func(name string) (string, bool) {
			var got []string
			for k, v := range m {
				if strings.EqualFold(k, name) {
					got = append(got, v)
				}
			}
			if len(got) == 2 && got[0] != got[1] {
				return "", false // ambiguous
			}
			if len(got) == 0 {
				return "", false
			}
			return got[0], true
		}
		for _, c := range []struct {
			name string
			got  []byte
		}{{MetaSignature, sig}, {MetaReceipt, receipt}} {
			if c.got == nil {
				continue
			}
			v, ok := valueOf(c.name)
			if !ok || len(c.got) == 0 || b64(c.got) != v {
				t.Fatalf("%s: returned %q, not the base64 of the one value under its key in %q", c.name, c.got, m)
			}
		}
		switch {
		case err != nil:
			return
		case sig == nil && receipt == nil:
			return
		case sig == nil || receipt == nil:
			t.Fatalf("no error, but a signature %q without a receipt %q, or the other way round", sig, receipt)
		}
		back, _ := bundleMeta(sig, receipt)
		sig2, receipt2, err := ParseBundleMeta(back)
		if err != nil || !bytes.Equal(sig, sig2) || !bytes.Equal(receipt, receipt2) {
			t.Fatalf("written back and read again: %q %q %v, want %q %q", sig2, receipt2, err, sig, receipt)
		}
	})
}

// FuzzStoredFits feeds what a bucket hands back for a stored bundle (its
// checksum header, a signature and a receipt, from metadata or objects)
// to checksumHash and fits: no panic; a checksum is taken only as the
// base64 of 32 bytes of a whole object; a receipt fits only if it names
// the hash, and the signature's trusted comment the bundle.
func FuzzStoredFits(f *testing.F) {
	const device = "01a23ae7-4a02-7305-92ee-be8f7dd1033d"
	hash := strings.Repeat("ab", 32)
	receipt := `{"receipt":"{\"format\":\"courtwatch-receipt/1\",\"device\":\"` + device + `\",\"seq\":1,\"hash\":\"` + hash + `\",\"received\":\"2026-12-03T07:56:06Z\"}","signature":"x"}`
	_, key, err := minisign.GenerateKey(nil)
	if err != nil {
		f.Fatal(err)
	}
	sig := string(minisign.SignWithComments(key, []byte("bundle"), "courtwatch-bundle/1 device="+device+" seq=1 hash="+hash, "x"))
	s := &S3Store{}
	if !s.fits([]byte(sig), []byte(receipt), device, 1, hash) {
		f.Fatal("the seed does not fit")
	}
	f.Add([]byte(sig), []byte(receipt), "q83vq83vq83vq83vq83vq83vq83vq83vq83vq83vq80=", "FULL_OBJECT")
	f.Add([]byte(sig), []byte(receipt), "q83vq83vq83vq83vq83vq83vq83vq83vq83vq83vq80=-2", "COMPOSITE")
	f.Add([]byte("x"), []byte("{}"), "", "")
	f.Fuzz(func(t *testing.T, sig, receipt []byte, checksum, mode string) {
		h := checksumHash(minio.ObjectInfo{ChecksumSHA256: checksum, ChecksumMode: mode})
		if h != "" {
			b, _ := hex.DecodeString(h)
			if len(b) != 32 || base64.StdEncoding.EncodeToString(b) != checksum || (mode != "" && mode != "FULL_OBJECT") {
				t.Fatalf("checksum %q (%s) taken as %s", checksum, mode, h)
			}
		}
		if s.fits(sig, receipt, device, 1, hash) {
			if got, err := receiptHash(receipt); err != nil || got != hash {
				t.Fatalf("receipt %q fits but names %q (%v)", receipt, got, err)
			}
			var ms minisign.Signature
			if ms.UnmarshalText(sig) != nil || !strings.Contains(ms.TrustedComment, hash) {
				t.Fatalf("signature %q fits but does not name the bundle", sig)
			}
		}
	})
}
