package outbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/google/uuid"
)

var testPass = []byte("correct horse battery staple")

// hqKeys are an HQ's decryption identity and receipt key.
type hqKeys struct {
	id         *age.X25519Identity
	receipt    minisign.PrivateKey
	receiptPub minisign.PublicKey
}

func newHQKeys(t testing.TB) *hqKeys {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &hqKeys{id: id, receipt: priv, receiptPub: pub}
}

// profile is an HQ profile named "hq" for these keys and url.
func (k *hqKeys) profile(url string) hqprofile.Profile {
	return hqprofile.Profile{
		Format: hqprofile.Format, Name: "hq", URL: url,
		Recipients: []string{k.id.Recipient().String()}, ReceiptKey: k.receiptPub.String(),
	}
}

// fixture is a real vault in a temp dir with a case and a hearing.
type fixture struct {
	t           testing.TB
	dir         string
	v           *storage.Vault
	caseID      uuid.UUID
	hearing     uuid.UUID
	hq          *hqKeys
	checkedUpTo uint64 // bundles compareNew found delivered
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), hq: newHQKeys(t)}
	v, err := storage.Create(f.dir, testPass, storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "Sok Dara"})
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
	t.Cleanup(func() { f.v.Close() })
	f.caseID, f.hearing = f.addCase("C-1/2024")
	return f
}

// addCase adds a case with one hearing.
func (f *fixture) addCase(number string) (caseID, hearing uuid.UUID) {
	f.t.Helper()
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: number, Title: "CNRP leaders"}
	f.put(c)
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2024, 5, 2, 8, 30, 0, 0, time.UTC)}
	f.put(h)
	return c.ID, h.ID
}

func (f *fixture) put(rs ...storage.Record) {
	f.t.Helper()
	if err := f.v.Put(rs...); err != nil {
		f.t.Fatal(err)
	}
}

// notes adds n notes to hearing in one batch and returns them.
func (f *fixture) notes(hearing uuid.UUID, n int) []*storage.Note {
	f.t.Helper()
	out := make([]*storage.Note, n)
	rs := make([]storage.Record, n)
	for i := range n {
		out[i] = &storage.Note{HearingID: hearing, Time: time.Date(2024, 5, 2, 9, 0, i, 0, time.UTC),
			Text: fmt.Sprintf("កឹម សុខា ត្រូវបាននាំចូល — note %d", i), Source: storage.SourceSeen}
		rs[i] = out[i]
	}
	f.put(rs...)
	return out
}

// noteAt is a note for hearing, numbered i.
func noteAt(hearing uuid.UUID, i int) *storage.Note {
	return &storage.Note{HearingID: hearing, Time: time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Text: fmt.Sprintf("ជនជាប់ចោទ សម រង្ស៊ី មិនមានវត្តមាន — note %d", i), Source: storage.SourceSeen}
}

// install installs the fixture's HQ profile with url as the default.
func (f *fixture) install(url string) {
	f.t.Helper()
	if err := AddProfile(f.v, f.hq.profile(url), "", true); err != nil {
		f.t.Fatal(err)
	}
}

// bundleKey is the fixture's device key as HQ enrolls it.
func bundleKey(f *fixture) minisign.PublicKey { return bundle.PublicKey(f.v.Device().PublicKey) }

func (f *fixture) reopen() {
	f.t.Helper()
	if err := f.v.Close(); err != nil {
		f.t.Fatal(err)
	}
	v, err := storage.Open(f.dir, testPass)
	if err != nil {
		f.t.Fatal(err)
	}
	f.v = v
}

func (f *fixture) seal() *Entry {
	f.t.Helper()
	e, err := Seal(f.v)
	if err != nil {
		f.t.Fatal(err)
	}
	if e == nil {
		f.t.Fatal("Seal: nothing to export")
	}
	return e
}

func (f *fixture) entries() []Entry {
	f.t.Helper()
	all, err := Entries(f.v)
	if err != nil {
		f.t.Fatal(err)
	}
	return all
}

// runUploader runs an uploader until every bundle is settled, or fails the
// test after timeout.
func (f *fixture) runUploader(tf TransportFunc, opt Options, timeout time.Duration) {
	f.t.Helper()
	if err := runUntilSettled(f.v, tf, opt, timeout); err != nil {
		f.t.Fatal(err)
	}
}

func runUntilSettled(v *storage.Vault, tf TransportFunc, opt Options, timeout time.Duration) error {
	u := New(v, tf, opt)
	settled := make(chan struct{}, 1)
	u.Subscribe(func(s Status) {
		if s.Running && s.Pending == 0 && s.Uploading == 0 {
			select {
			case settled <- struct{}{}:
			default:
			}
		}
	})
	errc := make(chan error, 1)
	go func() { errc <- u.Run(context.Background()) }()
	defer u.Close()
	select {
	case <-settled:
		return nil
	case err := <-errc:
		return fmt.Errorf("Run returned early: %v", err)
	case <-time.After(timeout):
		return fmt.Errorf("bundles still pending after %v: %+v", timeout, u.Status())
	}
}

// fast are HTTPS options for loopback tests.
var fast = HTTPSOptions{DialTimeout: time.Second, TLSHandshakeTimeout: time.Second, ResponseHeaderTimeout: 2 * time.Second}

// quick are uploader options for tests: tiny backoff.
var quick = Options{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, Seed: 1}
