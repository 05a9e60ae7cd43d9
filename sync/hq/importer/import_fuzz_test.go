package importer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
)

// FuzzImportBundle feeds Import arbitrary bytes as a bundle file of an
// enrolled device, next to the signature of a real bundle or, with
// resign, a signature the device made over exactly these bytes (which
// gets them past the signature to age, zstd, tar and the records). Import
// must not panic or fail, must reject the file, and must merge nothing,
// unless the bytes are the real bundle.
func FuzzImportBundle(f *testing.F) {
	dir := hqtest.NewHQ(f)
	m := newMonitor(f, "Sok Dara")
	m.enroll(f, dir)
	m.note(f, khmerNote)
	good := m.seal(f, dir, map[string][]byte{})
	key := minisignKey(f, m.v.SigningKey())
	v := openHQVault(f, dir)
	empty := snapshot(f, v)
	from := f.TempDir()
	path := filepath.Join(from, m.id()+"-1.cwb")

	flipped := bytes.Clone(good.data)
	flipped[len(flipped)/2] ^= 0x10
	f.Add(good.data[:len(good.data)-1], false)
	f.Add(good.data[:len(good.data)-1], true)
	f.Add(flipped, true)
	f.Add(append(bytes.Clone(good.data), 0), true)
	f.Add([]byte("age-encryption.org/v1\n-> X25519 x\n--- y\n"), true)
	f.Add([]byte{}, false)

	f.Fuzz(func(t *testing.T, data []byte, resign bool) {
		if bytes.Equal(data, good.data) {
			t.Skip("the real bundle imports")
		}
		sig := good.sig
		if resign {
			sig = signAs(key, m.id(), 1, data)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".minisig", sig, 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := Import(dir, v, from, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if dr := rep.Device(m.id()); dr == nil || len(dr.Rejected) != 1 || len(dr.Imported) != 0 {
			t.Fatalf("report %+v, want the file rejected\n%s", dr, problems(rep))
		}
		if got := snapshot(t, v); got != empty {
			t.Fatalf("the HQ vault changed:\n%s", got)
		}
	})
}

// FuzzNameSeq: the parser of a bundle file's name, outside text, never
// panics, and a name's number is one its file name spells. (It was part
// of FuzzOutsideText before the receiver and the importer were split.)
func FuzzNameSeq(f *testing.F) {
	f.Add("store/01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b/000000000001.cwb")
	f.Add("usb/01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b-12.cwb")
	f.Add("http: TLS handshake error from 203.0.113.5:4000: EOF")
	f.Fuzz(func(t *testing.T, s string) {
		if device, seq, ok := nameSeq(s); ok && (seq == 0 || hq.CheckID(device) != nil || !strings.Contains(s, fmt.Sprint(seq))) {
			t.Fatalf("nameSeq(%q) = %q, %d", s, device, seq)
		}
	})
}
