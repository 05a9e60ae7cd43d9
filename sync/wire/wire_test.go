package wire

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"
)

func TestReceipt(t *testing.T) {
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := SignReceipt(Receipt{Device: "d1", Seq: 3, Hash: "abc", Received: time.Now().UTC()}, priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sr.Verify(pub, "d1", 3, "abc"); err != nil {
		t.Fatalf("good receipt: %v", err)
	}
	for name, tc := range map[string]struct {
		dev  string
		seq  uint64
		hash string
	}{"other seq": {"d1", 4, "abc"}, "other hash": {"d1", 3, "abd"}, "other device": {"d2", 3, "abc"}} {
		if _, err := sr.Verify(pub, tc.dev, tc.seq, tc.hash); !errors.Is(err, ErrBadReceipt) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	forged := sr
	forged.Receipt = `{"format":"courtwatch-receipt/1","device":"d1","seq":3,"hash":"abc","received":"2020-01-01T00:00:00Z"}`
	if _, err := forged.Verify(pub, "d1", 3, "abc"); !errors.Is(err, ErrBadReceipt) {
		t.Errorf("altered receipt text verified")
	}
}

func TestDevice(t *testing.T) {
	pub, _, _ := minisign.GenerateKey(rand.Reader)
	d := Device{Format: DeviceFormat, ID: "01a226e2-50c1-71cb-b742-837f20e5419c", Monitor: "A", PublicKey: pub.String()}
	b, _ := json.Marshal(d)
	if _, err := ParseDevice(b); err != nil {
		t.Fatal(err)
	}
	d.ID = "nope"
	b, _ = json.Marshal(d)
	if _, err := ParseDevice(b); err == nil {
		t.Fatal("bad id accepted")
	}
}

// TestDeviceNameRefused: a device file whose monitor name holds control
// characters is refused outright, and the error quotes it escaped.
func TestDeviceNameRefused(t *testing.T) {
	pub, _, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Dara\nkey     RWQfake", "Dara\x1b[8m", "Dara\u202e", "Dara\r", strings.Repeat("x", MaxName+1)} {
		b, _ := json.Marshal(Device{Format: DeviceFormat, ID: "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b", Monitor: name, PublicKey: pub.String()})
		_, err := ParseDevice(b)
		if err == nil {
			t.Errorf("monitor %q: accepted", name)
			continue
		}
		if strings.ContainsAny(err.Error(), "\n\r\x1b\u202e") {
			t.Errorf("monitor %q: the error %q holds the control characters", name, err)
		}
	}
	b, _ := json.Marshal(Device{Format: DeviceFormat, ID: "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b", Monitor: "សុខ\u200bដារា", PublicKey: pub.String()})
	if _, err := ParseDevice(b); err != nil {
		t.Errorf("a Khmer name with a zero-width space: %v", err)
	}
}
