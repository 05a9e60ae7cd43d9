package hq

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
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/wire"
)

// s3Fixture is an HQ folder and a bucket on a real versitygw.
type s3Fixture struct {
	dir    string
	gw     *s3gw.Gateway
	bucket string
	url    string // s3://bucket/store
	getenv func(string) string
	store  *S3Store
}

func newS3Fixture(t *testing.T) *s3Fixture {
	t.Helper()
	f := &s3Fixture{dir: newHQ(t), gw: s3gw.Start(t)}
	f.bucket = f.gw.Bucket(t, "courtwatch-hq")
	f.url = "s3://" + f.bucket + "/store"
	f.getenv = s3gw.Getenv(f.gw.URL)
	var err error
	if f.store, err = OpenS3(f.url, f.getenv); err != nil {
		t.Fatal(err)
	}
	return f
}

// enroll enrolls the device file at HQ and publishes it to the bucket.
func (f *s3Fixture) enroll(t testing.TB, file []byte) {
	t.Helper()
	d, _, err := Enroll(f.dir, file)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PublishDevice(d); err != nil {
		t.Fatal(err)
	}
}

// receiver runs a receiver on the bucket, through endpoint if not "".
func (f *s3Fixture) receiver(t testing.TB, endpoint string, timeout time.Duration) (string, *logBuffer) {
	t.Helper()
	getenv := f.getenv
	if endpoint != "" {
		getenv = s3gw.Getenv(endpoint)
	}
	srv, _, logs := newServer(t, Config{HQDir: f.dir, Store: f.url, Getenv: getenv, StoreTimeout: timeout})
	return srv.URL, logs
}

// object reads an object of the store from the gateway's disk.
func (f *s3Fixture) object(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.gw.Root, f.bucket, "store", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenS3Errors(t *testing.T) {
	env := s3gw.Env("http://127.0.0.1:1")
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct{ url, want string }{
		{"s3:///x", "is not s3://BUCKET"},
		{"s3://B/x", "not a valid bucket name"},
		{"s3://bucket/../x", "may not have empty or hidden"},
		{"s3://bucket/a//b", "may not have empty or hidden"},
		{"s3://bucket/a/%0a", "control characters"},
		{"s3://bucket/x", "cannot reach 127.0.0.1:1"},
	} {
		_, err := OpenS3(tc.url, getenv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenS3(%q) = %v, want %q", tc.url, err, tc.want)
		}
	}
	if _, err := OpenS3("s3://bucket/x", func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set") {
		t.Errorf("no credentials: %v", err)
	}
	env["AWS_ENDPOINT_URL"] = "ftp://x"
	if _, err := OpenS3("s3://bucket/x", getenv); err == nil || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL") {
		t.Errorf("bad endpoint: %v", err)
	}
}

func TestS3StoreRealServer(t *testing.T) {
	f := newS3Fixture(t)
	if _, err := OpenS3("s3://no-such-bucket/x", f.getenv); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
	env := s3gw.Env(f.gw.URL)
	env["AWS_SECRET_ACCESS_KEY"] = "wrong"
	if _, err := OpenS3(f.url, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "refused the access key") {
		t.Errorf("wrong secret: %v", err)
	}

	// The registry lives in the bucket: an HQ-only enrollment is unknown
	// to the receivers; a published one, and then its revocation, reach
	// both receivers at once.
	d := newDevice(t)
	a, _ := f.receiver(t, "", 0)
	b, _ := f.receiver(t, "", 0)
	p := mustProfile(t, f.dir, a)
	data, sig := d.seal(t, p, 1)
	d.enroll(t, f.dir)
	if status, body := post(t, nil, a, d.id, 1, data, sig); status != http.StatusForbidden {
		t.Fatalf("unpublished device: %d %s", status, body)
	}
	f.enroll(t, d.file())
	status, body := post(t, nil, a, d.id, 1, data, sig)
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	checkReceipt(t, p, body, d.id, 1, data)
	status, again := post(t, nil, b, d.id, 1, data, sig)
	if status != http.StatusOK || !bytes.Equal(again, body) {
		t.Fatalf("resend at the other receiver: %d %s, want the stored receipt %s", status, again, body)
	}
	if status, got := get(t, nil, fmt.Sprintf("%s%s%s/1/receipt", b, wire.BundlesPath, d.id)); status != http.StatusOK || !bytes.Equal(got, body) {
		t.Fatalf("GET receipt: %d %s", status, got)
	}
	other, osig := d.seal(t, p, 1)
	if status, body := post(t, nil, b, d.id, 1, other, osig); status != http.StatusConflict {
		t.Fatalf("another bundle 1: %d %s", status, body)
	}
	if got := f.object(t, d.id+"/000000000001.cwb"); !bytes.Equal(got, data) {
		t.Fatal("the stored bundle changed")
	}

	// Enrolling again with another key is refused by the bucket too.
	dev, _ := f.store.device(d.id)
	dev.PublicKey = newDevice(t).signer.Public().String()
	if err := f.store.PublishDevice(dev); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("publish with another key: %v", err)
	}
	r, err := Revoke(f.dir, d.id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PublishDevice(r); err != nil {
		t.Fatal(err)
	}
	// A late enrollment does not undo the revocation.
	if err := f.store.PublishDevice(Device{Device: r.Device, Enrolled: r.Enrolled}); err != nil {
		t.Fatal(err)
	}
	data2, sig2 := d.seal(t, p, 2)
	for _, url := range []string{a, b} {
		if status, body := post(t, nil, url, d.id, 2, data2, sig2); status != http.StatusForbidden || !strings.Contains(string(body), "revoked") {
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
	logs := [2]*logBuffer{}
	recv[0], logs[0] = f.receiver(t, "", 0)
	recv[1], logs[1] = f.receiver(t, "", 0)
	p := mustProfile(t, f.dir, recv[0])

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
			d.b = append(d.b, m.seal(t, f.dir, nil))
		}
		m.note(t, fmt.Sprintf("note %d of bundle 4", i))
		seq, hash, chain := m.seq, m.hash, m.chain
		d.b = append(d.b, m.seal(t, f.dir, nil))
		m.seq, m.hash, m.chain = seq, hash, chain
		d.fork = m.seal(t, f.dir, nil)
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
				checkReceipt(t, p, body, d.id, b.seq, b.data)
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
		checkReceipt(t, p, receipts[i][k], d.id, 4, winner.data)
		for _, b := range append(slices.Clone(d.b[:plain]), winner) {
			name := fmt.Sprintf("%s/%012d", d.id, b.seq)
			if got := f.object(t, name+".cwb"); !bytes.Equal(got, b.data) {
				t.Fatalf("device %d: the bucket holds other bytes for bundle %d", i, b.seq)
			}
			if got := f.object(t, name+".cwb.minisig"); !bytes.Equal(got, b.sig) {
				t.Fatalf("device %d: the bucket holds another signature for bundle %d", i, b.seq)
			}
			checkReceipt(t, p, f.object(t, name+".receipt.json"), d.id, b.seq, b.data)
			writeBundle(t, filepath.Join(folder, d.id), fmt.Sprintf("%012d.cwb", b.seq), b)
		}
		// A resend of the winner at the receiver that refused it is a duplicate.
		status, body := post(t, nil, recv[1-k], d.id, 4, winner.data, winner.sig)
		if status != http.StatusOK || !bytes.Equal(bytes.TrimSpace(body), bytes.TrimSpace(f.object(t, d.id+"/000000000004.receipt.json"))) {
			t.Fatalf("device %d: resend of the stored bundle 4: %d %s", i, status, body)
		}
	}
	files := f.gw.Files(t, f.bucket)
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
	fromBucket := openHQVault(t, f.dir)
	rep := mustImport(t, f.dir, fromBucket, f.url, ImportOptions{Now: now, Getenv: f.getenv})
	if rep.Failed() || len(rep.Devices) != devices {
		t.Fatalf("import from the bucket: %d devices, %s", len(rep.Devices), problems(rep))
	}
	for _, d := range rep.Devices {
		if !slices.Equal(d.Imported, []uint64{1, 2, 3, 4}) || len(d.Missing) > 0 {
			t.Fatalf("device %s: imported %v, missing %v", d.Device, d.Imported, d.Missing)
		}
	}
	other := newHQ(t)
	copyHQKeys(t, f.dir, other)
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
	rep = mustImport(t, f.dir, fromBucket, f.url, ImportOptions{Now: now, Getenv: f.getenv})
	if after := snapshot(t, fromBucket); after != before || rep.Failed() {
		t.Fatalf("a second import changed the vault: %s", problems(rep))
	}
}

// postRetry uploads as the outbox does: again after a 503.
func postRetry(t testing.TB, base, device string, seq uint64, data, sig []byte) (int, []byte) {
	for {
		status, body := post(t, nil, base, device, seq, data, sig)
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
	for _, name := range []string{ageKeyFile, receiptKeyFile, receiptPubFile} {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ents, err := os.ReadDir(filepath.Join(from, devicesDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, devicesDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, devicesDir, e.Name()), b, 0o600); err != nil {
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

// FuzzParseS3URL: whatever the store flag says, a bucket store's keys stay
// under its prefix: no empty, hidden or dot parts, no control characters.
func FuzzParseS3URL(f *testing.F) {
	for _, s := range []string{"s3://bucket", "s3://bucket/a/b/", "s3://bucket/../x", "s3://b/x", "s3://bucket/a//b", "http://bucket/x", "s3://bucket/a%2f..", "s3://user@bucket/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		bucket, prefix, err := parseS3URL(raw)
		if err != nil {
			return
		}
		if bucket == "" || strings.Contains(bucket, "/") {
			t.Fatalf("%q: bucket %q", raw, bucket)
		}
		if prefix == "" {
			return
		}
		if !strings.HasSuffix(prefix, "/") {
			t.Fatalf("%q: prefix %q does not end in /", raw, prefix)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(prefix, "/"), "/") {
			if seg == "" || strings.HasPrefix(seg, ".") || strings.ContainsAny(seg, "\x00\n\r") {
				t.Fatalf("%q: prefix %q has part %q", raw, prefix, seg)
			}
		}
	})
}
