package outbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	hqreceiver "courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"
)

// TestTooLarge: HQ's real receiver, set below the bundle's size, answers
// 413. The bundle is not retried by the background uploader, its error
// says what to do (carry it with export --to, or have HQ raise the
// limit) instead of "split it", and the bundles after it are delivered.
// An explicit sync tries it once more, in case HQ raised its limit.
func TestTooLarge(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "hq")
	if err := setup.Init(dir, setup.InitOptions{Passphrase: testPass, KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	dev := f.v.Device()
	file, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: dev.ID.String(), Monitor: dev.Name, PublicKey: bundle.PublicKey(dev.PublicKey).String()})
	if _, _, err := hq.Enroll(dir, file); err != nil {
		t.Fatal(err)
	}
	const limit = 16 << 10
	rv, err := hqreceiver.New(hqreceiver.Config{HQDir: dir, Store: t.TempDir(), MaxBody: limit})
	if err != nil {
		t.Fatal(err)
	}
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		rv.ServeHTTP(w, r)
	}))
	defer srv.Close()
	p, err := setup.Profile(dir, srv.URL, nil, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := AddProfile(f.v, p, "", true); err != nil {
		t.Fatal(err)
	}

	big := make([]byte, 3*limit)
	rand.Read(big)
	n := noteAt(f.hearing, 0)
	n.Text = hex.EncodeToString(big) // incompressible
	f.put(n)
	if e := f.seal(); e.Size <= limit {
		t.Fatalf("bundle 1 has %d bytes, not over the limit", e.Size)
	}
	f.notes(f.hearing, 1)
	f.seal()

	tf := HTTPSFunc(HTTPSOptions{})
	res, err := Deliver(context.Background(), f.v, tf, nil)
	if err != nil {
		t.Fatalf("a refused bundle stopped the pass: %v", err)
	}
	if len(res.Verified) != 1 || res.Verified[0].Seq != 2 {
		t.Fatalf("bundle 2 after the refused one: %+v", res)
	}
	e := f.entries()[0]
	if e.State != Sealed || e.RefusedBy == "" || !strings.Contains(e.LastError, "export --to DIR") ||
		!strings.Contains(e.LastError, "--max-body-mib") || strings.Contains(e.LastError, "split") {
		t.Fatalf("bundle 1: %+v", e)
	}
	t.Logf("bundle 1: %s", e.LastError)

	// The background uploader's pass skips it without a request.
	before := posts.Load()
	d := newDeliverer(f.v, tf)
	defer d.close()
	res, err = d.pass(context.Background(), hooks{skipRefused: true})
	if err != nil || posts.Load() != before || res.Skipped[1] == "" {
		t.Fatalf("uploader pass: %v, %d more uploads, skipped %v", err, posts.Load()-before, res.Skipped)
	}
	// sync tries once more.
	if _, err := Deliver(context.Background(), f.v, tf, nil); err != nil || posts.Load() != before+1 {
		t.Fatalf("sync: %v, %d more uploads, want 1", err, posts.Load()-before)
	}
	if !errors.Is(&HTTPError{Status: 413}, ErrTooLarge) {
		t.Error("a 413 is not ErrTooLarge")
	}
}

// TestSealCountsAttachmentsFirst: an attachment that would bring a bundle
// over its budget goes into the next bundle, so that a bundle never holds
// a budget of records plus a whole attachment, and stays below
// wire.MaxUpload, which every receiver accepts.
func TestSealCountsAttachmentsFirst(t *testing.T) {
	old := maxBundleInput
	maxBundleInput = 256 << 10
	defer func() { maxBundleInput = old }()
	// A bundle holds at most the budget, or one record alone: tar headers
	// (maxBundleAttachments of 1 KiB at most), zstd and age add little.
	if max(old, storage.MaxAttachmentSize)+maxBundleAttachments<<10+1<<20 > wire.MaxUpload {
		t.Fatalf("the budget %d or an attachment of %d, with overhead, is over wire.MaxUpload %d", old, storage.MaxAttachmentSize, wire.MaxUpload)
	}
	f := newFixture(t)
	f.install("https://hq.example.org")
	for i := range 40 {
		n := noteAt(f.hearing, i)
		n.Text = strings.Repeat("ក", 1500) // 4.5 kB each, 180 kB in all
		f.put(n)
	}
	photo := make([]byte, 200<<10)
	rand.Read(photo)
	if err := f.v.AddAttachment(&storage.Attachment{HearingID: f.hearing, Name: "gate.jpg", MediaType: "image/jpeg"}, bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	e1, e2 := f.seal(), f.seal()
	if e1.Attachments != 0 || e2.Attachments != 1 || e1.Size > int64(maxBundleInput) {
		t.Fatalf("bundle 1: %d attachments, %d bytes; bundle 2: %d attachments; want the photo in bundle 2 alone", e1.Attachments, e1.Size, e2.Attachments)
	}
}
