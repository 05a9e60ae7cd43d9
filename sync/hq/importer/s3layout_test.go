package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/wire"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// TestS3OlderLayout reads a bucket that receivers wrote before the
// signature and receipt went into the .cwb's metadata: bundle 1 as
// .cwb, .cwb.minisig and .receipt.json objects, bundle 2 as a .cwb only
// (its receiver stopped after it). Today's receiver answers receipt
// lookups and resends of both (for bundle 2 it writes the missing
// objects), refuses another bundle 1, stores bundles 3 and 4 in the
// metadata layout, and importing the bucket, after the device was
// revoked, takes all four on their receipts and gives the same vault as
// importing the same files from a folder.
func TestS3OlderLayout(t *testing.T) {
	f := newS3Fixture(t)
	srv, _ := f.receiver(t, "", 0)
	p := hqtest.Profile(t, f.Dir, srv)
	m := newMonitor(t, "Older")
	f.enroll(t, m.file())
	var bs []sealed
	var fork sealed
	for n := range 4 {
		m.note(t, fmt.Sprintf("note of bundle %d", n+1))
		if n == 0 {
			seq, hash, chain := m.seq, m.hash, m.chain
			fork = m.seal(t, f.Dir, nil)
			m.seq, m.hash, m.chain = seq, hash, chain
		}
		bs = append(bs, m.seal(t, f.Dir, nil))
	}
	id := m.id()

	// The older layout, written as its receivers did.
	env := s3gw.Env(f.GW.URL)
	u, _ := url.Parse(f.GW.URL)
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
		Region: s3gw.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	put := func(name string, b []byte) {
		t.Helper()
		if _, err := c.PutObject(context.Background(), f.Bucket, "store/"+id+"/"+name, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := hq.ReceiptKey(f.Dir)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := wire.SignReceipt(wire.Receipt{Device: id, Seq: 1, Hash: bundle.Hash(bs[0].data), Received: time.Now().Add(-time.Hour).UTC().Truncate(time.Second)}, key)
	if err != nil {
		t.Fatal(err)
	}
	receipt1, _ := json.Marshal(sr)
	put("000000000001.cwb", bs[0].data)
	put("000000000001.cwb.minisig", bs[0].sig)
	put("000000000001.receipt.json", receipt1)
	put("000000000002.cwb", bs[1].data)

	receiptURL := func(seq int) string { return fmt.Sprintf("%s%s%s/%d/receipt", srv, wire.BundlesPath, id, seq) }
	if status, got := hqtest.Get(t, nil, receiptURL(1)); status != http.StatusOK || !bytes.Equal(bytes.TrimSpace(got), receipt1) {
		t.Fatalf("receipt of the older bundle 1: %d %s, want the stored one", status, got)
	}
	if status, got := hqtest.Post(t, nil, srv, id, 1, bs[0].data, bs[0].sig); status != http.StatusOK || !bytes.Equal(bytes.TrimSpace(got), receipt1) {
		t.Fatalf("resend of the older bundle 1: %d %s, want the stored receipt", status, got)
	}
	if status, got := hqtest.Post(t, nil, srv, id, 1, fork.data, fork.sig); status != http.StatusConflict {
		t.Fatalf("another bundle 1: %d %s, want 409", status, got)
	}
	if status, got := hqtest.Get(t, nil, receiptURL(2)); status != http.StatusNotFound {
		t.Fatalf("receipt of bundle 2, stored without one: %d %s, want 404", status, got)
	}
	if status, got := hqtest.Get(t, nil, receiptURL(9)); status != http.StatusNotFound {
		t.Fatalf("receipt of bundle 9, not stored: %d %s, want 404", status, got)
	}
	status, receipt2 := hqtest.Post(t, nil, srv, id, 2, bs[1].data, bs[1].sig)
	if status != http.StatusOK {
		t.Fatalf("resend of bundle 2, stored without signature and receipt: %d %s", status, receipt2)
	}
	hqtest.CheckReceipt(t, p, receipt2, id, 2, bs[1].data)
	if got := f.Object(t, id+"/000000000002.cwb.minisig"); !bytes.Equal(got, bs[1].sig) {
		t.Fatalf("the resend of bundle 2 stored signature %q", got)
	}
	if got := f.Object(t, id+"/000000000002.receipt.json"); !bytes.Equal(got, bytes.TrimSpace(receipt2)) {
		t.Fatalf("the resend of bundle 2 stored receipt %s, answered %s", got, receipt2)
	}
	if status, got := hqtest.Get(t, nil, receiptURL(2)); status != http.StatusOK || !bytes.Equal(got, receipt2) {
		t.Fatalf("receipt of bundle 2 after its resend: %d %s", status, got)
	}
	receipts := [][]byte{receipt1, bytes.TrimSpace(receipt2)}
	for _, b := range bs[2:] {
		status, body := hqtest.Post(t, nil, srv, id, b.seq, b.data, b.sig)
		if status != http.StatusOK {
			t.Fatalf("bundle %d: %d %s", b.seq, status, body)
		}
		receipts = append(receipts, bytes.TrimSpace(body))
	}
	for _, b := range bs[2:] {
		name := fmt.Sprintf("%s/%012d", id, b.seq)
		if sig, receipt := f.extras(t, name); !bytes.Equal(sig, b.sig) || !bytes.Equal(receipt, receipts[b.seq-1]) {
			t.Fatalf("bundle %d: metadata %q, %q", b.seq, sig, receipt)
		}
	}

	// Revoked now: import takes each bundle on its receipt, from the
	// older objects or from the metadata.
	if _, err := hq.Revoke(f.Dir, id); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(t.TempDir(), "bundles", id)
	for i, b := range bs {
		path := writeBundle(t, folder, fmt.Sprintf("%012d.cwb", b.seq), b)
		if err := os.WriteFile(receiptPath(path), receipts[i], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	fromBucket := openHQVault(t, f.Dir)
	rep := mustImport(t, f.Dir, fromBucket, f.URL, ImportOptions{Now: now, Getenv: f.Getenv})
	if rep.Failed() || len(rep.Devices) != 1 || !slices.Equal(rep.Devices[0].Imported, []uint64{1, 2, 3, 4}) {
		t.Fatalf("import from the bucket: %+v\n%s", rep.Devices, problems(rep))
	}
	other := hqtest.NewHQ(t)
	copyHQKeys(t, f.Dir, other)
	fromFolder := openHQVault(t, other)
	if rep := mustImport(t, other, fromFolder, filepath.Dir(folder), ImportOptions{Now: now}); rep.Failed() {
		t.Fatal(problems(rep))
	}
	if a, b := versionsAndState(t, fromBucket), versionsAndState(t, fromFolder); a != b {
		t.Fatalf("the vault imported from the bucket differs from the one imported from a folder:\n%s\n---\n%s", a, b)
	}
}
