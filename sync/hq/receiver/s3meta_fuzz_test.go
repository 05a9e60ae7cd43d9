package receiver

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// FuzzParseBundleMeta feeds ParseBundleMeta the user metadata a bucket
// may hand back for a .cwb: any keys, in any case, with any values. It
// must not panic; what it accepts has both a signature and a receipt, and
// writing those back (bundleMeta) reads the same again.
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
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		sig, receipt, err := ParseBundleMeta(m)
		switch {
		case err != nil:
			if sig != nil || receipt != nil {
				t.Fatalf("an error (%v) with a signature or receipt", err)
			}
			return
		case sig == nil && receipt == nil:
			return
		case sig == nil || receipt == nil:
			t.Fatalf("accepted a signature %q without a receipt %q, or the other way round", sig, receipt)
		}
		back, _ := bundleMeta(sig, receipt)
		sig2, receipt2, err := ParseBundleMeta(back)
		if err != nil || !bytes.Equal(sig, sig2) || !bytes.Equal(receipt, receipt2) {
			t.Fatalf("written back and read again: %q %q %v, want %q %q", sig2, receipt2, err, sig, receipt)
		}
	})
}
