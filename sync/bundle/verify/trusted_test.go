package verify

import (
	"errors"
	"strings"
	"testing"
)

const (
	devA      = "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b"
	emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // sha256 of nothing
)

func TestParseTrusted(t *testing.T) {
	good := Trusted{Device: devA, Seq: 12, Hash: emptyHash}
	if got, err := ParseTrusted(good.String()); err != nil || got != good {
		t.Fatalf("ParseTrusted(%q) = %v, %v", good.String(), got, err)
	}
	for _, s := range []string{
		"", "timestamp:1700000000",
		"courtwatch-bundle/1 device=" + devA + " seq=012 hash=" + emptyHash,
		"courtwatch-bundle/1 device=" + devA + " seq=0 hash=" + emptyHash,
		"courtwatch-bundle/1 device=" + devA + " seq=1 hash=" + strings.ToUpper(emptyHash),
		"courtwatch-bundle/1  device=" + devA + " seq=1 hash=" + emptyHash,
		"courtwatch-bundle/2 device=" + devA + " seq=1 hash=" + emptyHash,
		good.String() + " extra=1",
	} {
		if _, err := ParseTrusted(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseTrusted(%q) = %v", s, err)
		}
	}
}
