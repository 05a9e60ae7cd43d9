package receiver

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/wire"
)

// s3Fixture is hqtest's HQ folder and bucket, with the receiver's store
// on the bucket.
type s3Fixture struct {
	*hqtest.S3
	store *S3Store
}

func newS3Fixture(t *testing.T) *s3Fixture {
	t.Helper()
	f := &s3Fixture{S3: hqtest.NewS3(t)}
	var err error
	if f.store, err = OpenS3(f.URL, f.Getenv); err != nil {
		t.Fatal(err)
	}
	return f
}

// enroll enrolls the device file at HQ and publishes it to the bucket.
func (f *s3Fixture) enroll(t testing.TB, file []byte) { f.Enroll(t, f.store, file) }

// receiver runs a receiver on the bucket, through endpoint if not "".
func (f *s3Fixture) receiver(t testing.TB, endpoint string, timeout time.Duration) (string, *hqtest.LogBuffer) {
	t.Helper()
	srv, _, logs := newServer(t, Config{HQDir: f.Dir, Store: f.URL, Getenv: f.Through(endpoint), StoreTimeout: timeout})
	return srv.URL, logs
}

type pausedBody struct {
	data  []byte
	off   int
	pause func()
}

func (b *pausedBody) Read(p []byte) (int, error) {
	if b.off >= len(b.data) {
		return 0, io.EOF
	}
	half := len(b.data) / 2
	if b.off == half && b.pause != nil {
		b.pause()
		b.pause = nil
	}
	end := len(b.data)
	if b.off < half {
		end = half
	}
	n := copy(p, b.data[b.off:end])
	b.off += n
	return n, nil
}

// postSlow uploads data, calling pause in the middle of the body.
func postSlow(t *testing.T, base, device string, seq uint64, data, sig []byte, pause func()) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/%d", base, wire.BundlesPath, device, seq), &pausedBody{data: data, pause: pause})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(data))
	req.Header.Set(wire.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
	// The body waits for the receiver's 100 Continue, which it sends when
	// it first reads the body, after its registry check at the start: so
	// pause runs during the upload, never before that check.
	req.Header.Set("Expect", "100-continue")
	c := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	defer c.CloseIdleConnections()
	return hqtest.Do(t, c, req)
}

// The revocation re-check after a long upload reads the bucket's registry:
// a receiver whose HQ folder never enrolled the device (another HQ
// machine) accepts it, and a revocation published in the bucket during
// the upload is refused without a receipt.
func TestS3RevokedDuringUpload(t *testing.T) {
	f := newS3Fixture(t)
	other := filepath.Join(t.TempDir(), "hq")
	if err := os.CopyFS(other, os.DirFS(f.Dir)); err != nil {
		t.Fatal(err)
	}
	d := hqtest.NewDevice(t)
	f.enroll(t, d.File())
	srv, _, _ := newServer(t, Config{HQDir: other, Store: f.URL, Getenv: f.Getenv})
	p := hqtest.Profile(t, f.Dir, srv.URL)
	wait := func() { time.Sleep(recheckAfter + 100*time.Millisecond) }

	data, sig := d.Seal(t, p, 1)
	status, body := postSlow(t, srv.URL, d.ID, 1, data, sig, wait)
	if status != http.StatusOK {
		t.Fatalf("slow upload to a receiver of another HQ folder: %d %s", status, body)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 1, data)

	data, sig = d.Seal(t, p, 2)
	status, body = postSlow(t, srv.URL, d.ID, 2, data, sig, func() {
		r, err := hq.Revoke(f.Dir, d.ID)
		if err != nil {
			t.Error(err)
		}
		if err := f.store.PublishDevice(r); err != nil {
			t.Error(err)
		}
		wait()
	})
	if status != http.StatusForbidden || !strings.Contains(string(body), "revoked during the upload") {
		t.Fatalf("revoked during the upload: %d %s", status, body)
	}
	for _, ext := range []string{".cwb", ".receipt.json"} {
		if _, ok, err := f.store.get(f.store.base(d.ID, 2)+ext, maxSmallObject); ok || err != nil {
			t.Fatalf("%s was stored for an upload that ended after the revocation (%v)", ext, err)
		}
	}
}

// requestLog is an HTTP proxy in front of the gateway that records each
// request as "METHOD key". It keeps the client's Host header, which the
// request's signature covers.
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) start(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host
		l.mu.Lock()
		l.reqs = append(l.reqs, r.In.Method+" "+r.In.URL.Path)
		l.mu.Unlock()
	}}
	s := httptest.NewServer(rp)
	t.Cleanup(s.Close)
	return s.URL
}

func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.reqs
	l.reqs = nil
	return r
}

// A new upload costs two requests to the bucket: the registry entry and
// the conditional write of the .cwb, which carries the signature and the
// receipt in its metadata; no lookup of the seq before (the write tells a
// new seq from a taken one). A resend costs the registry entry, the
// refused write and a HEAD of the stored .cwb, and is answered with the
// stored receipt; a conflicting upload gets 409.
func TestS3RequestsPerUpload(t *testing.T) {
	f := newS3Fixture(t)
	log := new(requestLog)
	srv, _ := f.receiver(t, log.start(t, f.GW.URL), 0)
	d := hqtest.NewDevice(t)
	d.Enroll(t, f.Dir)
	f.enroll(t, d.File())
	p := hqtest.Profile(t, f.Dir, srv)
	data, sig := d.Seal(t, p, 1)
	log.take()
	status, body := hqtest.Post(t, nil, srv, d.ID, 1, data, sig)
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 1, data)
	base := "/" + f.Bucket + "/store/" + d.ID + "/000000000001"
	registry := "GET /" + f.Bucket + "/store/devices/" + d.ID + ".json"
	want := []string{registry, "PUT " + base + ".cwb"}
	if got := log.take(); !slices.Equal(got, want) {
		t.Errorf("requests for a new upload:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	gotSig, receipt, err := f.store.Extras(StoredBundle{Key: "store/" + d.ID + "/000000000001.cwb"})
	if err != nil || !bytes.Equal(gotSig, sig) || !bytes.Equal(receipt, bytes.TrimSpace(body)) {
		t.Fatalf("the .cwb's metadata holds signature %q and receipt %q (%v), want the upload's and the answer's", gotSig, receipt, err)
	}
	if status, again := hqtest.Post(t, nil, srv, d.ID, 1, data, sig); status != http.StatusOK || !bytes.Equal(again, body) {
		t.Fatalf("resend: %d %s, want the stored receipt", status, again)
	}
	want = []string{registry, "PUT " + base + ".cwb", "HEAD " + base + ".cwb"}
	if got := log.take(); !slices.Equal(got, want) {
		t.Errorf("requests for a resend:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	other, osig := d.Seal(t, p, 1)
	if status, body := hqtest.Post(t, nil, srv, d.ID, 1, other, osig); status != http.StatusConflict {
		t.Fatalf("another bundle 1: %d %s", status, body)
	}
	if got := f.Object(t, d.ID+"/000000000001.cwb"); !bytes.Equal(got, data) {
		t.Fatal("the stored bundle changed")
	}
}

// A signature too long for the .cwb's metadata (S3 allows 2 KB; this one
// has a long untrusted comment, which its signature does not cover) is
// stored as the older layout stored every bundle: the .cwb, then the
// .cwb.minisig and .receipt.json objects. A resend gets the same receipt.
func TestS3LongSignature(t *testing.T) {
	f := newS3Fixture(t)
	log := new(requestLog)
	srv, _ := f.receiver(t, log.start(t, f.GW.URL), 0)
	d := hqtest.NewDevice(t)
	d.Enroll(t, f.Dir)
	f.enroll(t, d.File())
	p := hqtest.Profile(t, f.Dir, srv)
	data, sig := d.Seal(t, p, 1)
	_, rest, _ := bytes.Cut(sig, []byte("\n"))
	sig = append([]byte("untrusted comment: "+strings.Repeat("long ", 300)+"\n"), rest...)
	if _, fits := bundleMeta(sig, make([]byte, 600)); fits {
		t.Fatal("the long signature fits in the metadata")
	}
	log.take()
	status, body := hqtest.Post(t, nil, srv, d.ID, 1, data, sig)
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 1, data)
	base := "/" + f.Bucket + "/store/" + d.ID + "/000000000001"
	want := []string{"GET /" + f.Bucket + "/store/devices/" + d.ID + ".json",
		"PUT " + base + ".cwb", "PUT " + base + ".cwb.minisig", "PUT " + base + ".receipt.json"}
	if got := log.take(); !slices.Equal(got, want) {
		t.Errorf("requests for an upload with a long signature:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	name := d.ID + "/000000000001"
	if got := f.Object(t, name+".cwb.minisig"); !bytes.Equal(got, sig) {
		t.Fatalf("stored signature %q", got)
	}
	if got := f.Object(t, name+".receipt.json"); !bytes.Equal(got, bytes.TrimSpace(body)) {
		t.Fatalf("stored receipt %s, answered %s", got, body)
	}
	if gotSig, receipt, err := f.store.Extras(StoredBundle{Key: "store/" + name + ".cwb", Sidecars: true}); err != nil || !bytes.Equal(gotSig, sig) || receipt != nil {
		t.Fatalf("Extras: %q %q %v", gotSig, receipt, err)
	}
	if status, again := hqtest.Post(t, nil, srv, d.ID, 1, data, sig); status != http.StatusOK || !bytes.Equal(again, body) {
		t.Fatalf("resend: %d %s, want the stored receipt", status, again)
	}
}
