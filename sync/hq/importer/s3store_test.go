package importer

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/wire"
)

// s3Fixture is hqtest's HQ folder and bucket, with the receiver's store
// on the bucket.
type s3Fixture struct {
	*hqtest.S3
	store *receiver.S3Store
}

func newS3Fixture(t *testing.T) *s3Fixture {
	t.Helper()
	f := &s3Fixture{S3: hqtest.NewS3(t)}
	var err error
	if f.store, err = receiver.OpenS3(f.URL, f.Getenv); err != nil {
		t.Fatal(err)
	}
	return f
}

// enroll enrolls the device file at HQ and publishes it to the bucket.
func (f *s3Fixture) enroll(t testing.TB, file []byte) { f.Enroll(t, f.store, file) }

// receiver runs a receiver on the bucket, through endpoint if not "".
func (f *s3Fixture) receiver(t testing.TB, endpoint string, timeout time.Duration) (string, *hqtest.LogBuffer) {
	t.Helper()
	srv, _, logs := newServer(t, receiver.Config{HQDir: f.Dir, Store: f.URL, Getenv: f.Through(endpoint), StoreTimeout: timeout})
	return srv.URL, logs
}

// extras reads the signature and receipt that the bucket keeps in the
// metadata of bundle name (<device>/<seq>, without .cwb).
func (f *s3Fixture) extras(t testing.TB, name string) (sig, receipt []byte) {
	t.Helper()
	sig, receipt, err := f.store.Extras(receiver.StoredBundle{Key: "store/" + name + ".cwb"})
	if err != nil || sig == nil || receipt == nil {
		t.Fatalf("bundle %s: signature %q, receipt %q in its metadata (%v)", name, sig, receipt, err)
	}
	return sig, receipt
}

func TestS3StoreRealServer(t *testing.T) {
	f := newS3Fixture(t)
	if _, err := receiver.OpenS3("s3://no-such-bucket/x", f.Getenv); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
	env := s3gw.Env(f.GW.URL)
	env["AWS_SECRET_ACCESS_KEY"] = "wrong"
	if _, err := receiver.OpenS3(f.URL, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "refused the access key") {
		t.Errorf("wrong secret: %v", err)
	}

	// The registry lives in the bucket: an HQ-only enrollment is unknown
	// to the receivers; a published one, and then its revocation, reach
	// both receivers at once.
	d := hqtest.NewDevice(t)
	a, _ := f.receiver(t, "", 0)
	b, _ := f.receiver(t, "", 0)
	p := hqtest.Profile(t, f.Dir, a)
	data, sig := d.Seal(t, p, 1)
	d.Enroll(t, f.Dir)
	if status, body := hqtest.Post(t, nil, a, d.ID, 1, data, sig); status != http.StatusForbidden {
		t.Fatalf("unpublished device: %d %s", status, body)
	}
	f.enroll(t, d.File())
	status, body := hqtest.Post(t, nil, a, d.ID, 1, data, sig)
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 1, data)
	status, again := hqtest.Post(t, nil, b, d.ID, 1, data, sig)
	if status != http.StatusOK || !bytes.Equal(again, body) {
		t.Fatalf("resend at the other receiver: %d %s, want the stored receipt %s", status, again, body)
	}
	if status, got := hqtest.Get(t, nil, fmt.Sprintf("%s%s%s/1/receipt", b, wire.BundlesPath, d.ID)); status != http.StatusOK || !bytes.Equal(got, body) {
		t.Fatalf("GET receipt: %d %s", status, got)
	}
	other, osig := d.Seal(t, p, 1)
	if status, body := hqtest.Post(t, nil, b, d.ID, 1, other, osig); status != http.StatusConflict {
		t.Fatalf("another bundle 1: %d %s", status, body)
	}
	if got := f.Object(t, d.ID+"/000000000001.cwb"); !bytes.Equal(got, data) {
		t.Fatal("the stored bundle changed")
	}

	// Enrolling again with another key is refused by the bucket too.
	dev, _ := hq.LoadDevice(f.Dir, d.ID)
	dev.PublicKey = hqtest.NewDevice(t).Signer.Public().String()
	if err := f.store.PublishDevice(dev); !errors.Is(err, hq.ErrKeyMismatch) {
		t.Fatalf("publish with another key: %v", err)
	}
	r, err := hq.Revoke(f.Dir, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PublishDevice(r); err != nil {
		t.Fatal(err)
	}
	// A late enrollment does not undo the revocation.
	if err := f.store.PublishDevice(hq.Device{Device: r.Device, Enrolled: r.Enrolled}); err != nil {
		t.Fatal(err)
	}
	data2, sig2 := d.Seal(t, p, 2)
	for _, url := range []string{a, b} {
		if status, body := hqtest.Post(t, nil, url, d.ID, 2, data2, sig2); status != http.StatusForbidden || !strings.Contains(string(body), "revoked") {
			t.Fatalf("revoked device at %s: %d %s", url, status, body)
		}
	}
}

// TestS3TwoReceivers runs two receivers on one bucket: 20 devices upload
// at once, alternating between them, and each device sends its last
// bundle number with different bytes to both receivers at the same time.
// One copy is stored, the other upload gets 409, every receipt verifies,
// and importing the bucket gives the same HQ vault as importing the same
// bundles from a folder.
func TestS3TwoReceivers(t *testing.T) {
	f := newS3Fixture(t)
	recv := [2]string{}
	logs := [2]*hqtest.LogBuffer{}
	recv[0], logs[0] = f.receiver(t, "", 0)
	recv[1], logs[1] = f.receiver(t, "", 0)
	p := hqtest.Profile(t, f.Dir, recv[0])

	const devices, plain = 20, 3 // bundles 1..3, then a forked bundle 4
	type device struct {
		id    string
		b     []sealed // 1..3 and the first bundle 4
		fork  sealed   // the other bundle 4
		right [2]bool  // which bundle 4 was stored
	}
	devs := make([]*device, devices)
	for i := range devs {
		m := newMonitor(t, fmt.Sprintf("Monitor %d", i))
		f.enroll(t, m.file())
		d := &device{id: m.id()}
		for n := range plain {
			m.note(t, fmt.Sprintf("note %d of bundle %d", i, n+1))
			d.b = append(d.b, m.seal(t, f.Dir, nil))
		}
		m.note(t, fmt.Sprintf("note %d of bundle 4", i))
		seq, hash, chain := m.seq, m.hash, m.chain
		d.b = append(d.b, m.seal(t, f.Dir, nil))
		m.seq, m.hash, m.chain = seq, hash, chain
		d.fork = m.seal(t, f.Dir, nil)
		m.v.Close() // keep memory low: 20 vaults
		devs[i] = d
	}

	var wg sync.WaitGroup
	errs := make(chan error, devices*8)
	receipts := make([][2][]byte, devices)
	for i, d := range devs {
		wg.Go(func() {
			for n, b := range d.b[:plain] {
				status, body := postRetry(t, recv[(i+n)%2], d.id, b.seq, b.data, b.sig)
				if status != http.StatusOK {
					errs <- fmt.Errorf("device %d bundle %d: %d %s", i, b.seq, status, body)
					return
				}
				hqtest.CheckReceipt(t, p, body, d.id, b.seq, b.data)
			}
			var race sync.WaitGroup
			var status [2]int
			for k, b := range []sealed{d.b[plain], d.fork} {
				race.Go(func() { status[k], receipts[i][k] = postRetry(t, recv[k], d.id, b.seq, b.data, b.sig) })
			}
			race.Wait()
			switch {
			case status == [2]int{http.StatusOK, http.StatusConflict}:
				d.right[0] = true
			case status == [2]int{http.StatusConflict, http.StatusOK}:
				d.right[1] = true
			default:
				errs <- fmt.Errorf("device %d: the two bundles 4 got %v, want one 200 and one 409: %s / %s", i, status, receipts[i][0], receipts[i][1])
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.Fatalf("logs A:\n%s\nlogs B:\n%s", logs[0], logs[1])
	}

	folder := filepath.Join(t.TempDir(), "bundles")
	won := [2]int{}
	for i, d := range devs {
		k := 0
		if d.right[1] {
			k = 1
		}
		won[k]++
		winner := []sealed{d.b[plain], d.fork}[k]
		hqtest.CheckReceipt(t, p, receipts[i][k], d.id, 4, winner.data)
		for _, b := range append(slices.Clone(d.b[:plain]), winner) {
			name := fmt.Sprintf("%s/%012d", d.id, b.seq)
			if got := f.Object(t, name+".cwb"); !bytes.Equal(got, b.data) {
				t.Fatalf("device %d: the bucket holds other bytes for bundle %d", i, b.seq)
			}
			sig, receipt := f.extras(t, name)
			if !bytes.Equal(sig, b.sig) {
				t.Fatalf("device %d: the bucket holds another signature for bundle %d", i, b.seq)
			}
			hqtest.CheckReceipt(t, p, receipt, d.id, b.seq, b.data)
			writeBundle(t, filepath.Join(folder, d.id), fmt.Sprintf("%012d.cwb", b.seq), b)
		}
		// A resend of the winner at the receiver that refused it is a duplicate.
		status, body := hqtest.Post(t, nil, recv[1-k], d.id, 4, winner.data, winner.sig)
		if _, receipt := f.extras(t, d.id+"/000000000004"); status != http.StatusOK || !bytes.Equal(bytes.TrimSpace(body), receipt) {
			t.Fatalf("device %d: resend of the stored bundle 4: %d %s", i, status, body)
		}
	}
	files := f.GW.Files(t, f.Bucket)
	var cwb int
	for _, name := range files {
		if strings.HasSuffix(name, ".cwb") {
			cwb++
		}
	}
	if cwb != devices*(plain+1) {
		t.Fatalf("the bucket holds %d bundles, want %d: %v", cwb, devices*(plain+1), files)
	}
	t.Logf("bundle 4 stored from receiver A for %d devices, from B for %d", won[0], won[1])

	// Import from the bucket and from the folder into two HQ vaults.
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	fromBucket := openHQVault(t, f.Dir)
	rep := mustImport(t, f.Dir, fromBucket, f.URL, ImportOptions{Now: now, Getenv: f.Getenv})
	if rep.Failed() || len(rep.Devices) != devices {
		t.Fatalf("import from the bucket: %d devices, %s", len(rep.Devices), problems(rep))
	}
	for _, d := range rep.Devices {
		if !slices.Equal(d.Imported, []uint64{1, 2, 3, 4}) || len(d.Missing) > 0 {
			t.Fatalf("device %s: imported %v, missing %v", d.Device, d.Imported, d.Missing)
		}
	}
	other := hqtest.NewHQ(t)
	copyHQKeys(t, f.Dir, other)
	fromFolder := openHQVault(t, other)
	rep = mustImport(t, other, fromFolder, folder, ImportOptions{Now: now})
	if rep.Failed() {
		t.Fatal(problems(rep))
	}
	if a, b := versionsAndState(t, fromBucket), versionsAndState(t, fromFolder); a != b {
		t.Fatalf("the vault imported from the bucket differs from the one imported from a folder:\n%s\n---\n%s", a, b)
	}
	// Importing the bucket again changes nothing.
	before := snapshot(t, fromBucket)
	rep = mustImport(t, f.Dir, fromBucket, f.URL, ImportOptions{Now: now, Getenv: f.Getenv})
	if after := snapshot(t, fromBucket); after != before || rep.Failed() {
		t.Fatalf("a second import changed the vault: %s", problems(rep))
	}
}

// postRetry uploads as the outbox does: again after a 503.
func postRetry(t testing.TB, base, device string, seq uint64, data, sig []byte) (int, []byte) {
	for {
		status, body := hqtest.Post(t, nil, base, device, seq, data, sig)
		if status != http.StatusServiceUnavailable {
			return status, body
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// copyHQKeys makes the HQ folder to a copy of from's keys and registry,
// with its own vault.
func copyHQKeys(t testing.TB, from, to string) {
	t.Helper()
	for _, name := range []string{hq.AgeKeyFile, hq.ReceiptKeyFile, hq.ReceiptPubFile} {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ents, err := os.ReadDir(filepath.Join(from, hq.DevicesDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, hq.DevicesDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, hq.DevicesDir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// versionsAndState is what an import puts in an HQ vault: the versions
// and the import state, without the vault's own head.
func versionsAndState(t testing.TB, v *storage.Vault) string {
	t.Helper()
	s := snapshot(t, v)
	_, rest, _ := strings.Cut(s, "\n")
	return rest
}
