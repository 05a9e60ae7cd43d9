package importer

import (
	"errors"
	"os"
	"slices"
	"testing"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
)

// TestImportRejects: bundles that fail a check are reported with the
// reason, and nothing of them is merged.
func TestImportRejects(t *testing.T) {
	dir := hqtest.NewHQ(t)
	other := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	m.note(t, khmerNote)
	good := m.seal(t, dir, nil)
	stranger := newMonitor(t, "stranger")
	strangerB := stranger.seal(t, dir, nil)
	revoked := newMonitor(t, "revoked")
	revoked.enroll(t, dir)
	revokedB := revoked.seal(t, dir, nil)
	if _, err := hq.Revoke(dir, revoked.id()); err != nil {
		t.Fatal(err)
	}
	m2 := newMonitor(t, "other HQ's monitor")
	m2.enroll(t, dir)
	forOther := m2.seal(t, other, nil)
	v := openHQVault(t, dir)
	empty := snapshot(t, v)

	tests := []struct {
		name  string
		write func(from string) string
		want  error
	}{
		{"unknown device", func(from string) string { return stranger.flat(t, from, strangerB) }, hq.ErrUnknownDevice},
		{"revoked device", func(from string) string { return revoked.flat(t, from, revokedB) }, hq.ErrRevoked},
		{"other HQ's key", func(from string) string { return m2.flat(t, from, forOther) }, bundle.ErrNotForUs},
		{"truncated", func(from string) string {
			return m.flat(t, from, sealed{1, good.data[:len(good.data)-100], good.sig})
		}, bundle.ErrTampered},
		{"signature of another bundle", func(from string) string {
			return m.flat(t, from, sealed{1, good.data, revokedB.sig})
		}, hq.ErrRevoked},
		{"signed by another device in this one's name", func(from string) string {
			return m.flat(t, from, sealed{1, good.data, signAs(minisignKey(t, m2.v.SigningKey()), m.id(), 1, good.data)})
		}, bundle.ErrWrongSigner},
		{"signed by another enrolled device", func(from string) string {
			return m.flat(t, from, sealed{1, good.data, signAs(minisignKey(t, m2.v.SigningKey()), m2.id(), 1, good.data)})
		}, bundle.ErrWrongSigner},
		{"no signature", func(from string) string {
			p := m.flat(t, from, good)
			os.Remove(p + ".minisig")
			return p
		}, bundle.ErrBadSignature},
		{"damaged signature", func(from string) string {
			return m.flat(t, from, sealed{1, good.data, []byte("untrusted comment: x\nnot base64\n")})
		}, bundle.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := t.TempDir()
			path := tt.write(from)
			rep := mustImport(t, dir, v, from, ImportOptions{})
			all := slices.Clone(rep.Unreadable)
			for _, d := range rep.Devices {
				all = append(append(all, d.Rejected...), d.Forks...)
				if len(d.Imported) > 0 {
					t.Errorf("device %s: imported %v", d.Device, d.Imported)
				}
			}
			if !rep.Failed() || len(all) != 1 || all[0].File != path || !errors.Is(all[0].Err, tt.want) {
				t.Fatalf("report %+v, want %s rejected with %v\n%s", rep, path, tt.want, problems(rep))
			}
			t.Logf("%s", all[0].Reason)
			if got := snapshot(t, v); got != empty {
				t.Fatalf("a rejected bundle changed the HQ vault:\n%s", got)
			}
		})
	}
}

// TestImportBitFlip flips bits all over a bundle: as delivered (the
// signature no longer matches) and re-signed by the device itself (the
// encryption or the content no longer checks out). Each is rejected and
// nothing is merged.
func TestImportBitFlip(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	m.note(t, khmerNote)
	good := m.seal(t, dir, nil)
	v := openHQVault(t, dir)
	empty := snapshot(t, v)
	key := minisignKey(t, m.v.SigningKey())
	step := max(1, len(good.data)/97)
	for i := 0; i < len(good.data); i += step {
		for _, resign := range []bool{false, true} {
			data := slices.Clone(good.data)
			data[i] ^= 1 << (i % 8)
			sig := good.sig
			if resign {
				sig = signAs(key, m.id(), 1, data)
			}
			from := t.TempDir()
			m.flat(t, from, sealed{1, data, sig})
			rep := mustImport(t, dir, v, from, ImportOptions{})
			if dr := rep.Device(m.id()); dr == nil || len(dr.Rejected) != 1 || len(dr.Imported) != 0 {
				t.Fatalf("flip at byte %d (re-signed %v): %+v", i, resign, dr)
			}
		}
	}
	if got := snapshot(t, v); got != empty {
		t.Fatalf("flipped bundles changed the HQ vault:\n%s", got)
	}
	// And the bundle as sealed still imports.
	from := t.TempDir()
	m.flat(t, from, good)
	if rep := mustImport(t, dir, v, from, ImportOptions{}); rep.Failed() || rep.Device(m.id()).Added == 0 {
		t.Fatalf("the good bundle: %s", problems(rep))
	}
}

// TestImportAfterRevoke: once a device is revoked, its new bundles are
// rejected, and those imported before stay quietly imported.
func TestImportAfterRevoke(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	from := t.TempDir()
	m.flat(t, from, m.seal(t, dir, nil))
	v := openHQVault(t, dir)
	mustImport(t, dir, v, from, ImportOptions{})
	if _, err := hq.Revoke(dir, m.id()); err != nil {
		t.Fatal(err)
	}
	rep := mustImport(t, dir, v, from, ImportOptions{})
	if dr := rep.Device(m.id()); rep.Failed() || dr.Replays != 1 {
		t.Fatalf("the imported bundle again: %+v\n%s", dr, problems(rep))
	}
	m.note(t, "after the revocation")
	m.flat(t, from, m.seal(t, dir, nil))
	rep = mustImport(t, dir, v, from, ImportOptions{})
	if dr := rep.Device(m.id()); len(dr.Rejected) != 1 || !errors.Is(dr.Rejected[0].Err, hq.ErrRevoked) || dr.Replays != 1 {
		t.Fatalf("a new bundle: %+v\n%s", dr, problems(rep))
	}
}
