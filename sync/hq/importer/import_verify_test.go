package importer

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
)

// TestVerifyFile explains good and bad bundles, and where a good one
// stands among what HQ imported.
func TestVerifyFile(t *testing.T) {
	dir := hqtest.NewHQ(t)
	other := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	b1 := m.seal(t, dir, nil)
	m.note(t, khmerNote)
	b2 := m.seal(t, dir, nil)
	m.note(t, "another note")
	b3 := m.seal(t, dir, nil)
	stranger := newMonitor(t, "stranger")
	m2 := newMonitor(t, "other HQ's monitor")
	m2.enroll(t, dir)
	v := openHQVault(t, dir)
	from := t.TempDir()
	p1, p2, p3 := m.flat(t, from, b1), m.flat(t, t.TempDir(), b2), m.flat(t, t.TempDir(), b3)

	flipped := slices.Clone(b2.data)
	flipped[len(flipped)/3] ^= 4
	noSig := m.flat(t, t.TempDir(), b1)
	os.Remove(noSig + ".minisig")

	check := func(name, path, outcome, failed string, want error, in ...string) {
		t.Helper()
		e, err := VerifyFile(dir, v, path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := e.String()
		t.Logf("%s:\n%s", name, text)
		if e.Outcome != outcome || !errors.Is(e.Err, want) || (want == nil) != (e.Err == nil) {
			t.Errorf("%s: outcome %q, error %v; want %q, %v", name, e.Outcome, e.Err, outcome, want)
		}
		var got string
		for _, s := range e.Steps {
			if s.Status == StepFailed {
				got = s.Check
			}
		}
		if got != failed {
			t.Errorf("%s: failed check %q, want %q", name, got, failed)
		}
		for _, s := range in {
			if !strings.Contains(text, s) {
				t.Errorf("%s: the explanation does not say %q", name, s)
			}
		}
	}
	check("first", p1, OutcomeImport, "", nil, "enrolled on", `monitor "Sok Dara"`, "HQ's age key opens it", "the device's first bundle")
	check("gap", p3, OutcomeGap, "", nil, "bundles 1 and 2 of the device have not arrived")
	mustImport(t, dir, v, from, ImportOptions{})
	check("replay", p1, OutcomeReplay, "", nil, "HQ imported this exact bundle")
	check("next", p2, OutcomeImport, "", nil, "version 5 of the device's hash chain", "follows bundle 1")
	check("flipped", m.flat(t, t.TempDir(), sealed{2, flipped, b2.sig}), OutcomeReject, "signature", bundle.ErrTampered, "changed or cut short")
	check("no signature", noSig, OutcomeReject, "files", bundle.ErrBadSignature, "no signature file")
	check("unknown device", stranger.flat(t, t.TempDir(), stranger.seal(t, dir, nil)), OutcomeReject, "device", hq.ErrUnknownDevice, "not enrolled")
	check("other HQ", m2.flat(t, t.TempDir(), m2.seal(t, other, nil)), OutcomeReject, "decryption", bundle.ErrNotForUs, "another HQ key")

	// Bundle 2's files under bundle 1's name: someone renamed them, and
	// verify says where they belong.
	renamed := m.flat(t, t.TempDir(), sealed{1, b2.data, b2.sig})
	check("renamed", renamed, OutcomeReject, "place", ErrMisplaced, "its name says it is the device's bundle 1", m.id()+"-2.cwb")
	m.note(t, "x")
	m.seq, m.hash = 0, "" // the device forgets its bundles
	again := m.seal(t, dir, nil)
	check("fork", m.flat(t, t.TempDir(), again), OutcomeFork, "sequence", bundle.ErrFork, "two different bundles numbered 1")

	e, err := VerifyFile(dir, nil, p2)
	if err != nil || e.Outcome != OutcomeImport || e.Steps[len(e.Steps)-1].Status != StepNotChecked {
		t.Errorf("without the vault: %v\n%s", err, e)
	}
}
