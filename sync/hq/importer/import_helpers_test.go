package importer

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/google/uuid"
)

// monitor is a monitor's real vault that seals its changes into bundles
// as the outbox does: each bundle holds the device's versions since the
// last one and names the last one's hash.
type monitor struct {
	dir     string
	name    string
	v       *storage.Vault
	signer  *bundle.Signer
	caseID  uuid.UUID
	hearing uuid.UUID
	seq     uint64 // the last bundle's number
	hash    string // and hash
	chain   uint64 // the device chain position it covers
}

// sealed is one bundle.
type sealed struct {
	seq       uint64
	data, sig []byte
}

func newMonitor(t testing.TB, name string) *monitor {
	t.Helper()
	m := &monitor{dir: t.TempDir(), name: name}
	v, err := storage.Create(m.dir, hqtest.Pass, storage.CreateOptions{KDF: storage.TestKDF, DeviceName: name})
	if err != nil {
		t.Fatal(err)
	}
	m.use(t, v)
	k := &storage.Case{Title: "CNRP leaders", Number: "C-1/2024", Court: "Phnom Penh Municipal Court"}
	p := &storage.Person{Name: "Kem Sokha", NameLocal: "កឹម សុខា"}
	if err := v.Put(k, p); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: k.ID, Scheduled: time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC), Courtroom: "2"}
	d := &storage.CaseDefendant{CaseID: k.ID, PersonID: p.ID, Status: storage.StatusDetained}
	if err := v.Put(h, d); err != nil {
		t.Fatal(err)
	}
	m.caseID, m.hearing = k.ID, h.ID
	return m
}

// use makes v the monitor's open vault, closed at the end of the test.
func (m *monitor) use(t testing.TB, v *storage.Vault) {
	t.Helper()
	m.v = v
	s, err := bundle.NewSigner(v.Device().ID.String(), v.SigningKey())
	if err != nil {
		t.Fatal(err)
	}
	m.signer = s
	t.Cleanup(func() { v.Close() })
}

func (m *monitor) id() string { return m.v.Device().ID.String() }

// file is the monitor's device file.
func (m *monitor) file() []byte {
	b, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: m.id(), Monitor: m.name, PublicKey: m.signer.Public().String()})
	return b
}

func (m *monitor) enroll(t testing.TB, dir string) {
	t.Helper()
	if _, _, err := hq.Enroll(dir, m.file()); err != nil {
		t.Fatal(err)
	}
}

func (m *monitor) note(t testing.TB, text string) uuid.UUID {
	t.Helper()
	n := &storage.Note{HearingID: m.hearing, Time: time.Now(), Text: text, Source: storage.SourceSeen}
	if err := m.v.Put(n); err != nil {
		t.Fatal(err)
	}
	return n.ID
}

func (m *monitor) edit(t testing.TB, id uuid.UUID, text string) {
	t.Helper()
	err := m.v.Update(func(tx *storage.Tx) error {
		n := &storage.Note{}
		if err := tx.Get(id, n); err != nil {
			return err
		}
		n.Text = text
		return tx.Put(n)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// seal seals everything since the last bundle as the next one, for the
// HQ in dir.
func (m *monitor) seal(t testing.TB, dir string, attachments map[string][]byte) sealed {
	t.Helper()
	in := bundle.Input{Device: m.id(), Monitor: m.name, Seq: m.seq + 1, Prev: m.hash, Created: time.Now(), Attachments: attachments}
	last := m.chain
	err := m.v.ChainSince(m.chain, func(ver *storage.Version) error {
		in.Records = append(in.Records, bytes.Clone(ver.Raw))
		last = ver.Seq
		return nil
	})
	if err != nil || len(in.Records) == 0 {
		t.Fatalf("seal: %d records, %v", len(in.Records), err)
	}
	data, sig, err := bundle.Seal(in, recipientsOf(t, dir), m.signer)
	if err != nil {
		t.Fatal(err)
	}
	m.seq, m.hash, m.chain = in.Seq, bundle.Hash(data), last
	return sealed{in.Seq, data, sig}
}

func recipientsOf(t testing.TB, dir string) []age.Recipient {
	t.Helper()
	rs, err := hqtest.Profile(t, dir, "http://127.0.0.1:8080").AgeRecipients()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// store writes b as the receiver stores it, under store/<device>/, and
// returns the .cwb path.
func (m *monitor) store(t testing.TB, store string, b sealed) string {
	t.Helper()
	return writeBundle(t, filepath.Join(store, m.id()), fmt.Sprintf("%012d.cwb", b.seq), b)
}

// flat writes b as a folder transport does, as dir/<device>-<seq>.cwb.
func (m *monitor) flat(t testing.TB, dir string, b sealed) string {
	t.Helper()
	return writeBundle(t, dir, fmt.Sprintf("%s-%d.cwb", m.id(), b.seq), b)
}

func writeBundle(t testing.TB, dir, name string, b sealed) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".minisig", b.sig, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// versions lists the raw versions of a monitor's chain.
func (m *monitor) versions(t testing.TB) []string {
	t.Helper()
	var out []string
	if err := m.v.ChainSince(0, func(ver *storage.Version) error { out = append(out, string(ver.Raw)); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// openHQVault opens the HQ vault of dir until the end of the test.
func openHQVault(t testing.TB, dir string) *storage.Vault {
	t.Helper()
	v, err := setup.OpenVault(dir, hqtest.Pass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// hqVersions lists the raw versions the HQ vault holds.
func hqVersions(t testing.TB, v *storage.Vault) []string {
	t.Helper()
	var out []string
	if err := v.Since(0, func(ver *storage.Version) error { out = append(out, string(ver.Raw)); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// snapshot is everything an import can change in the HQ vault: its head,
// its versions (the feed) and the import state.
func snapshot(t testing.TB, v *storage.Vault) string {
	t.Helper()
	var b strings.Builder
	seq, hash := v.Head()
	fmt.Fprintf(&b, "head %d %s\n", seq, hash)
	err := v.Since(0, func(ver *storage.Version) error {
		fmt.Fprintf(&b, "version %s\n", ver.Hash)
		return nil
	})
	if err == nil {
		err = v.View(func(tx *storage.Tx) error {
			return tx.ScanAux("import/", func(k string, val []byte) error {
				fmt.Fprintf(&b, "aux %s %s\n", k, val)
				return nil
			})
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mustImport imports from into the HQ vault v of dir.
func mustImport(t testing.TB, dir string, v *storage.Vault, from string, opt ImportOptions) *ImportReport {
	t.Helper()
	rep, err := Import(dir, v, from, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// problems lists every problem of a report, for failure messages.
func problems(r *ImportReport) string {
	var b strings.Builder
	for _, p := range r.Unreadable {
		fmt.Fprintf(&b, "unreadable %s: %s\n", p.File, p.Reason)
	}
	for _, d := range r.Devices {
		for _, p := range d.Forks {
			fmt.Fprintf(&b, "fork %s: %s\n", p.File, p.Reason)
		}
		for _, p := range d.Rejected {
			fmt.Fprintf(&b, "rejected %s: %s\n", p.File, p.Reason)
		}
	}
	return b.String()
}

// minisignKey is the minisign private key of a device's Ed25519 key, to
// sign what a device never would.
func minisignKey(t testing.TB, key ed25519.PrivateKey) minisign.PrivateKey {
	t.Helper()
	var b [158]byte // see bundle.NewSigner
	binary.LittleEndian.PutUint16(b[0:], minisign.EdDSA)
	binary.LittleEndian.PutUint16(b[4:], 0x3242)
	binary.LittleEndian.PutUint64(b[54:], bundle.KeyID(key.Public().(ed25519.PublicKey)))
	copy(b[62:], key)
	var sk minisign.PrivateKey
	if err := sk.UnmarshalText([]byte("untrusted comment: test\n" + base64.StdEncoding.EncodeToString(b[:]))); err != nil {
		t.Fatal(err)
	}
	return sk
}

// signAs signs data as bundle seq of device, as the device's Signer does.
func signAs(key minisign.PrivateKey, device string, seq uint64, data []byte) []byte {
	r := minisign.NewReader(bytes.NewReader(data))
	io.Copy(io.Discard, r)
	t := verify.Trusted{Device: device, Seq: seq, Hash: bundle.Hash(data)}
	return r.SignWithComments(key, t.String(), "signature from courtwatch device "+device)
}
