package importer

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
)

// TestImportReceiptedBeforeRevoke: a bundle that the receiver stored and
// receipted before its device was revoked imports, and the report says
// the device is revoked now. Bundles that arrive after the revocation, or
// whose receipt is not HQ's, not for them, or dated after the revocation,
// are rejected.
func TestImportReceiptedBeforeRevoke(t *testing.T) {
	dir := hqtest.NewHQ(t)
	store := filepath.Join(t.TempDir(), "store")
	srv, _, _ := newServer(t, receiver.Config{HQDir: dir, Store: store})
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	m.note(t, khmerNote)
	b1 := m.seal(t, dir, nil)
	if status, body := hqtest.Post(t, srv.Client(), srv.URL, m.id(), 1, b1.data, b1.sig); status != http.StatusOK {
		t.Fatalf("upload bundle 1: %d %s", status, body)
	}
	if _, err := hq.Revoke(dir, m.id()); err != nil {
		t.Fatal(err)
	}
	// The monitor's notes may be gone now (purge after receipt): bundle 1
	// in HQ's store is their only copy.
	m.note(t, "written after the revocation")
	b2 := m.seal(t, dir, nil)
	if status, body := hqtest.Post(t, srv.Client(), srv.URL, m.id(), 2, b2.data, b2.sig); status != http.StatusForbidden {
		t.Fatalf("upload bundle 2 after the revocation: %d %s, want 403", status, body)
	}
	m.store(t, store, b2) // copied in by hand: no receipt

	v := openHQVault(t, dir)
	rep := mustImport(t, dir, v, store, ImportOptions{})
	dr := rep.Device(m.id())
	if dr == nil || len(dr.Imported) != 1 || dr.Imported[0] != 1 || dr.Added == 0 {
		t.Fatalf("bundle 1, receipted before the revocation, was not imported: %+v\n%s", dr, problems(rep))
	}
	if dr.Revoked.IsZero() || !dr.Enrolled {
		t.Errorf("the report does not say the device is revoked: %+v", dr)
	}
	if len(dr.Rejected) != 1 || dr.Rejected[0].Seq != 2 || !errors.Is(dr.Rejected[0].Err, hq.ErrRevoked) ||
		!strings.Contains(dr.Rejected[0].Reason, "has no receipt from HQ") {
		t.Fatalf("bundle 2, arrived after the revocation: %+v", dr.Rejected)
	}
	t.Logf("bundle 2: %s", dr.Rejected[0].Reason)

	// Receipts that do not prove "before the revocation".
	d, err := hq.LoadDevice(dir, m.id())
	if err != nil {
		t.Fatal(err)
	}
	hqKey, err := hq.ReceiptKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, err := minisign.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	receipt := func(key minisign.PrivateKey, seq uint64, hash string, at time.Time) []byte {
		sr, err := wire.SignReceipt(wire.Receipt{Device: m.id(), Seq: seq, Hash: hash, Received: at}, key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sr)
		return b
	}
	b2hash := bundle.Hash(b2.data)
	before := d.Revoked.Add(-time.Hour)
	tests := []struct {
		name, want string
		receipt    []byte
	}{
		{"another key's receipt", "not HQ's receipt", receipt(otherKey, 2, b2hash, before)},
		{"the receipt of another bundle", "not HQ's receipt", receipt(hqKey, 1, bundle.Hash(b1.data), before)},
		{"received after the revocation", "received bundle 2 after that", receipt(hqKey, 2, b2hash, d.Revoked.Add(time.Second))},
		{"damaged", "is damaged", []byte("{not json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := t.TempDir()
			path := m.flat(t, from, b2)
			if err := os.WriteFile(receiptPath(path), tt.receipt, 0o600); err != nil {
				t.Fatal(err)
			}
			rep := mustImport(t, dir, v, from, ImportOptions{})
			dr := rep.Device(m.id())
			if len(dr.Imported) != 0 || len(dr.Rejected) != 1 || !errors.Is(dr.Rejected[0].Err, hq.ErrRevoked) || !strings.Contains(dr.Rejected[0].Reason, tt.want) {
				t.Fatalf("%+v, want rejected with %q", dr, tt.want)
			}
			e, err := VerifyFile(dir, v, path)
			if err != nil || e.Outcome != OutcomeReject {
				t.Fatalf("verify: %v %+v", err, e)
			}
		})
	}
	// The same bundle with a genuine receipt from before imports, and
	// verify says why.
	from := t.TempDir()
	path := m.flat(t, from, b2)
	if err := os.WriteFile(receiptPath(path), receipt(hqKey, 2, b2hash, before), 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := VerifyFile(dir, v, path)
	if err != nil || e.Outcome != OutcomeImport || !strings.Contains(e.String(), "before the revocation") {
		t.Fatalf("verify: %v\n%s", err, e)
	}
	if rep := mustImport(t, dir, v, from, ImportOptions{}); rep.Failed() || len(rep.Device(m.id()).Imported) != 1 {
		t.Fatalf("bundle 2 with a receipt from before the revocation: %s", problems(rep))
	}
}

// TestImportSwappedSignature: a bundle next to another bundle's .minisig
// is reported under the number its file name gives (or none), never under
// the number that the signature it does not match claims.
func TestImportSwappedSignature(t *testing.T) {
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "Sok Dara")
	m.enroll(t, dir)
	b1 := m.seal(t, dir, nil)
	m.note(t, khmerNote)
	b2 := m.seal(t, dir, nil)
	v := openHQVault(t, dir)
	swapped := sealed{1, b1.data, b2.sig}
	tests := []struct {
		name    string
		write   func(from string) string
		wantSeq uint64
	}{
		{"store layout", func(from string) string { return m.store(t, from, swapped) }, 1},
		{"folder layout", func(from string) string { return m.flat(t, from, swapped) }, 1},
		{"other name", func(from string) string { return writeBundle(t, from, "bundle.cwb", swapped) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := t.TempDir()
			path := tt.write(from)
			rep := mustImport(t, dir, v, from, ImportOptions{})
			dr := rep.Device(m.id())
			if len(dr.Rejected) != 1 || dr.Rejected[0].Seq != tt.wantSeq || dr.Rejected[0].File != path ||
				!strings.Contains(dr.Rejected[0].Reason, "names bundle 2") {
				t.Fatalf("%+v, want rejected as bundle %d", dr.Rejected, tt.wantSeq)
			}
			t.Log(dr.Rejected[0].Reason)
		})
	}
}
