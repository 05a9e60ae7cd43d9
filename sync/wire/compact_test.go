package wire

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
)

const testDevice = "0b1e4f5c-3d2a-4c8e-9f10-2a3b4c5d6e7f"

// bundleSig signs data as sync/bundle signs a bundle: prehashed, with its
// trusted and untrusted comments.
func bundleSig(t testing.TB, key minisign.PrivateKey, data []byte, seq uint64, untrusted string) []byte {
	t.Helper()
	r := minisign.NewReader(bytes.NewReader(data))
	if _, err := r.Read(make([]byte, len(data)+1)); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	tc := verify.Trusted{Device: testDevice, Seq: seq, Hash: hex.EncodeToString(h[:])}
	return r.SignWithComments(key, tc.String(), untrusted)
}

func keys(t testing.TB) (minisign.PublicKey, minisign.PrivateKey) {
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func TestCompactSignature(t *testing.T) {
	pub, priv := keys(t)
	data := []byte("age-encrypted bundle bytes")
	sig := bundleSig(t, priv, data, 7, bundleUntrusted(testDevice, 7))
	c, ok := CompactSignature(sig, testDevice, 7)
	if !ok || len(c) != CompactSignatureSize {
		t.Fatalf("CompactSignature = %d bytes, %v; want %d, true", len(c), ok, CompactSignatureSize)
	}
	back, err := ExpandSignature(c, testDevice, 7, pub.ID())
	if err != nil || !bytes.Equal(back, sig) {
		t.Fatalf("ExpandSignature = %q, %v; want the .minisig text back:\n%s", back, err, sig)
	}
	v, err := verify.NewVerifier(back, pub)
	if err != nil {
		t.Fatal(err)
	}
	v.Write(data)
	if _, err := v.Verify(); err != nil {
		t.Fatalf("expanded signature does not verify: %v", err)
	}

	// Whatever the sender claims, the receiver expands with the URL's
	// device and seq: a signature for another bundle does not verify.
	for _, tc := range []struct {
		device string
		seq    uint64
	}{{testDevice, 8}, {"1b1e4f5c-3d2a-4c8e-9f10-2a3b4c5d6e7f", 7}} {
		other, err := ExpandSignature(c, tc.device, tc.seq, pub.ID())
		if err != nil {
			t.Fatal(err)
		}
		if v, err := verify.NewVerifier(other, pub); err == nil {
			t.Errorf("signature of bundle 7 of %s verified as bundle %d of %s", testDevice, tc.seq, tc.device)
		} else if v != nil {
			t.Errorf("NewVerifier returned a verifier with %v", err)
		}
	}
	flipped := bytes.Clone(c)
	flipped[0] ^= 1 // the hash in the trusted comment
	if other, _ := ExpandSignature(flipped, testDevice, 7, pub.ID()); other != nil {
		if _, err := verify.NewVerifier(other, pub); err == nil {
			t.Error("a compact signature with another hash verified")
		}
	}

	// Signatures that do not expand to themselves have no compact form.
	if _, ok := CompactSignature(sig, testDevice, 8); ok {
		t.Error("compact form for the wrong seq")
	}
	if _, ok := CompactSignature(sig, "1b1e4f5c-3d2a-4c8e-9f10-2a3b4c5d6e7f", 7); ok {
		t.Error("compact form for the wrong device")
	}
	if _, ok := CompactSignature(bundleSig(t, priv, data, 7, "signed by hand"), testDevice, 7); ok {
		t.Error("compact form for another untrusted comment")
	}
	crlf := bytes.ReplaceAll(sig, []byte("\n"), []byte("\r\n"))
	if _, ok := CompactSignature(crlf, testDevice, 7); ok {
		t.Error("compact form for CRLF line ends, which it cannot give back")
	}
	h := sha256.Sum256(data)
	legacy := minisign.SignWithComments(priv, data, verify.Trusted{Device: testDevice, Seq: 7, Hash: hex.EncodeToString(h[:])}.String(), bundleUntrusted(testDevice, 7))
	if _, ok := CompactSignature(legacy, testDevice, 7); ok {
		t.Error("compact form for a signature that is not prehashed")
	}
	if _, err := ExpandSignature(c[1:], testDevice, 7, pub.ID()); err == nil {
		t.Error("a short compact signature expanded")
	}
}

func TestCompactReceipt(t *testing.T) {
	pub, priv := keys(t)
	hash := hex.EncodeToString(make([]byte, 32))
	received := time.Date(2026, 12, 3, 1, 2, 3, 0, time.UTC)
	sr, err := SignReceipt(Receipt{Device: testDevice, Seq: 9, Hash: hash, Received: received}, priv)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := CompactReceipt(sr, pub, testDevice, 9, hash)
	if !ok || len(c) != CompactReceiptSize || !IsCompactReceipt(c) {
		t.Fatalf("CompactReceipt = %x, %v", c, ok)
	}
	back, err := ExpandReceipt(c, pub, testDevice, 9, hash)
	if err != nil || back != sr {
		t.Fatalf("ExpandReceipt = %+v, %v; want %+v", back, err, sr)
	}
	if r, err := back.Verify(pub, testDevice, 9, hash); err != nil || !r.Received.Equal(received) {
		t.Fatalf("expanded receipt: %+v, %v", r, err)
	}
	// Expanded for another bundle, or altered, it does not verify.
	for _, tc := range []struct {
		seq  uint64
		hash string
	}{{10, hash}, {9, hex.EncodeToString(bytes.Repeat([]byte{1}, 32))}} {
		other, err := ExpandReceipt(c, pub, testDevice, tc.seq, tc.hash)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Verify(pub, testDevice, tc.seq, tc.hash); err == nil {
			t.Errorf("receipt for bundle 9 verified for bundle %d (%.8s)", tc.seq, tc.hash)
		}
	}
	later := bytes.Clone(c)
	later[8]++ // one second later
	if other, err := ExpandReceipt(later, pub, testDevice, 9, hash); err != nil {
		t.Fatal(err)
	} else if _, err := other.Verify(pub, testDevice, 9, hash); err == nil {
		t.Error("receipt with another time verified")
	}

	// Receipts that do not expand to themselves have no compact form:
	// they go as JSON.
	other, _ := keys(t)
	if _, ok := CompactReceipt(sr, other, testDevice, 9, hash); ok {
		t.Error("compact form for a receipt of another key")
	}
	if _, ok := CompactReceipt(sr, pub, testDevice, 10, hash); ok {
		t.Error("compact form for another seq")
	}
	for name, at := range map[string]time.Time{
		"fraction of a second": received.Add(time.Millisecond),
		"other time zone":      received.In(time.FixedZone("", 3600)),
	} {
		sr, err := SignReceipt(Receipt{Device: testDevice, Seq: 9, Hash: hash, Received: at}, priv)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := CompactReceipt(sr, pub, testDevice, 9, hash); ok {
			t.Errorf("%s: compact form, which cannot give the receipt back", name)
		}
	}
	if _, err := ExpandReceipt([]byte(`{"receipt":""}`), pub, testDevice, 9, hash); err == nil {
		t.Error("JSON expanded as a compact receipt")
	}
}

// FuzzExpandSignature: any body prefix expands without panic, and what
// expands has the same compact form again.
func FuzzExpandSignature(f *testing.F) {
	_, priv := keys(f)
	f.Add(make([]byte, CompactSignatureSize), uint64(1))
	for seq := uint64(1); seq < 3; seq++ {
		sig := bundleSig(f, priv, []byte(fmt.Sprint(seq)), seq, bundleUntrusted(testDevice, seq))
		c, _ := CompactSignature(sig, testDevice, seq)
		f.Add(c, seq)
	}
	f.Add([]byte("short"), uint64(5))
	f.Fuzz(func(t *testing.T, c []byte, seq uint64) {
		sig, err := ExpandSignature(c, testDevice, seq, 42)
		if err != nil {
			return
		}
		if seq == 0 { // ParseTrusted refuses seq 0, so there is no round trip
			return
		}
		again, ok := CompactSignature(sig, testDevice, seq)
		if !ok || !bytes.Equal(again, c) {
			t.Fatalf("expanded %x to\n%s\nwhose compact form is %x, %v", c, sig, again, ok)
		}
	})
}

// FuzzExpandReceipt: any answer expands without panic, and what expands
// has the same compact form again.
func FuzzExpandReceipt(f *testing.F) {
	pub, priv := keys(f)
	hash := hex.EncodeToString(make([]byte, 32))
	sr, err := SignReceipt(Receipt{Device: testDevice, Seq: 9, Hash: hash, Received: time.Unix(1796263200, 0).UTC()}, priv)
	if err != nil {
		f.Fatal(err)
	}
	c, _ := CompactReceipt(sr, pub, testDevice, 9, hash)
	f.Add(c)
	f.Add(make([]byte, CompactReceiptSize))
	f.Add([]byte(`{"receipt":"x","signature":"y"}`))
	f.Fuzz(func(t *testing.T, c []byte) {
		sr, err := ExpandReceipt(c, pub, testDevice, 9, hash)
		if err != nil {
			return
		}
		again, ok := CompactReceipt(sr, pub, testDevice, 9, hash)
		if !ok || !bytes.Equal(again, c) {
			t.Fatalf("expanded %x to %+v, whose compact form is %x, %v", c, sr, again, ok)
		}
	})
}
