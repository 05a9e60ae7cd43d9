package receiver

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
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
