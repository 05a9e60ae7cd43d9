package bundle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"courtwatch/sync/bundle/verify"
)

// zeroBomb is a zstd frame of RLE blocks that expands to n*128 KiB of zeros.
func zeroBomb(n int) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0xFD2FB528)
	b = append(b, 0x00, 0x38) // no content size, no checksum; window 128 KiB
	for i := range n {
		h := uint32(1)<<1 | uint32(128<<10)<<3 // RLE block of 128 KiB
		if i == n-1 {
			h |= 1 // last block
		}
		b = append(b, byte(h), byte(h>>8), byte(h>>16), 0)
	}
	return b
}

func TestReaderLimits(t *testing.T) {
	t.Run("decompression bomb", func(t *testing.T) {
		bomb := zeroBomb(maxPayload/(128<<10) + 1)
		if _, err := readPayload(bytes.NewReader(bomb), verify.Trusted{Device: devA, Seq: 1}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%d bytes that expand to over 1 GiB: %v", len(bomb), err)
		}
		small := zeroBomb(2)
		if _, err := readPayload(bytes.NewReader(small), verify.Trusted{Device: devA, Seq: 1}); !errors.Is(err, ErrMalformed) {
			t.Errorf("an empty tar stream: %v", err)
		}
	})
	t.Run("record line", func(t *testing.T) {
		a := newTestDevice(t, devA, seedOf(1))
		in := testInput(devA, 1, "", chainRecords(devA, 1, "", 1, 0))
		big := append(bytes.Repeat([]byte("x"), maxRecordLine), '\n')
		es := entriesOf(t, in, a.signer, func(m map[string]any) { m["entries"].(map[string]any)[recordsName] = Hash(big) })
		es[1] = fileEntry(recordsName, big)
		_, err := readPayload(bytes.NewReader(compressEntries(t, es)), verify.Trusted{Device: devA, Seq: 1})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("a record line of 16 MiB + 1: %v", err)
		}
	})
	t.Run("bundle and signature size", func(t *testing.T) {
		pub := newTestDevice(t, devA, seedOf(1)).signer.Public()
		if _, err := verify.Verify(make([]byte, verify.MaxBundle+1), nil, pub); !errors.Is(err, ErrTooLarge) {
			t.Errorf("bundle over 512 MiB: %v", err)
		}
		if _, err := verify.Verify(nil, make([]byte, verify.MaxSignature+1), pub); !errors.Is(err, ErrBadSignature) {
			t.Errorf("signature over 4 KiB: %v", err)
		}
	})
}
