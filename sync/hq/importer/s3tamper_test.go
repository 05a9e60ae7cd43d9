package importer

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/s3gw"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// bucket is a client of the fixture's bucket with its keys: what someone
// who holds them can do.
type bucket struct {
	f *s3Fixture
	c *minio.Client
}

func (f *s3Fixture) bucket(t testing.TB) bucket {
	t.Helper()
	env := s3gw.Env(f.GW.URL)
	u, _ := url.Parse(f.GW.URL)
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
		Region: s3gw.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	return bucket{f, c}
}

// put writes object key of the bucket (not only under the store's prefix).
func (b bucket) put(t testing.TB, key string, data []byte, meta map[string]string) {
	t.Helper()
	if _, err := b.c.PutObject(context.Background(), b.f.Bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{DisableMultipart: true, UserMetadata: meta}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// meta reads the Courtwatch metadata of object key, base64 as stored.
func (b bucket) meta(t testing.TB, key string) map[string]string {
	t.Helper()
	info, err := b.c.StatObject(context.Background(), b.f.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{receiver.MetaSignature: info.UserMetadata[receiver.MetaSignature], receiver.MetaReceipt: info.UserMetadata[receiver.MetaReceipt]}
}

// TestS3TamperedBucket alters a bucket as someone with its keys can, after
// HQ imported it once: import again changes nothing in the HQ vault, and
// a new HQ vault imports exactly the bundles whose signatures verify,
// whichever of the metadata and the older objects holds them, and the
// report names every object that was altered.
func TestS3TamperedBucket(t *testing.T) {
	f := newS3Fixture(t)
	srv, _ := f.receiver(t, "", 0)
	b := f.bucket(t)
	upload := func(m *monitor, n int) []sealed { return m.upload(t, f.Dir, srv, n, "note %d of "+m.name) }
	ma, mb := newMonitor(t, "A"), newMonitor(t, "B")
	f.enroll(t, ma.file())
	f.enroll(t, mb.file())
	as, bs := upload(ma, 6), upload(mb, 3)
	key := func(m *monitor, seq int) string { return fmt.Sprintf("store/%s/%012d.cwb", m.id(), seq) }
	b64 := base64.StdEncoding.EncodeToString

	hqv := openHQVault(t, f.Dir)
	if rep := mustImport(t, f.Dir, hqv, f.URL, ImportOptions{Getenv: f.Getenv}); rep.Failed() {
		t.Fatal(problems(rep))
	}
	before := snapshot(t, hqv)

	// A3 and A4 swap signatures; A5's is cut short; A6 gets a .minisig
	// that is not one, A2 one of A1; B1's receipt is not base64; B2 is in the older
	// layout, right, under metadata that is not; B3's bytes are
	// replaced; A1 is copied to B's bundle 9.
	m3, m4 := b.meta(t, key(ma, 3)), b.meta(t, key(ma, 4))
	b.put(t, key(ma, 3), as[2].data, map[string]string{receiver.MetaSignature: m4[receiver.MetaSignature], receiver.MetaReceipt: m3[receiver.MetaReceipt]})
	b.put(t, key(ma, 4), as[3].data, map[string]string{receiver.MetaSignature: m3[receiver.MetaSignature], receiver.MetaReceipt: m4[receiver.MetaReceipt]})
	m5 := b.meta(t, key(ma, 5))
	b.put(t, key(ma, 5), as[4].data, map[string]string{receiver.MetaSignature: b64(as[4].sig[:len(as[4].sig)/2]), receiver.MetaReceipt: m5[receiver.MetaReceipt]})
	b.put(t, key(ma, 6)+".minisig", []byte("not a signature\n"), nil)
	b.put(t, key(ma, 2)+".minisig", as[0].sig, nil)
	m1 := b.meta(t, key(mb, 1))
	b.put(t, key(mb, 1), bs[0].data, map[string]string{receiver.MetaSignature: m1[receiver.MetaSignature], receiver.MetaReceipt: "%%%"})
	b.put(t, key(mb, 2), bs[1].data, map[string]string{receiver.MetaSignature: "", receiver.MetaReceipt: b64([]byte("x"))})
	b.put(t, key(mb, 2)+".minisig", bs[1].sig, nil)
	b.put(t, key(mb, 3), as[0].data, b.meta(t, key(mb, 3)))
	b.put(t, key(mb, 9), as[0].data, b.meta(t, key(ma, 1)))
	// Objects that are not Courtwatch's, and neighbours of the prefix.
	b.put(t, "store/README.txt", []byte("hello"), nil)
	b.put(t, "store/junk.cwb", []byte("junk"), nil)
	b.put(t, "store/ü/ñ.cwb", []byte("junk"), map[string]string{receiver.MetaSignature: b64([]byte("x")), receiver.MetaReceipt: b64([]byte("y"))})
	b.put(t, "store/devices/x.cwb", []byte("junk"), nil)
	b.put(t, "store2/"+ma.id()+"/000000000007.cwb", []byte("junk"), nil)
	b.put(t, "store-old/x.cwb", []byte("junk"), nil)

	rep := mustImport(t, f.Dir, hqv, f.URL, ImportOptions{Getenv: f.Getenv})
	if after := snapshot(t, hqv); after != before {
		t.Fatalf("importing the altered bucket changed the HQ vault:\n%s", problems(rep))
	}
	t.Logf("again:\n%s", problems(rep))
	checkMisplaced(t, rep, ma.id(), 1, "/"+key(mb, 9))

	fresh := hqtest.NewHQ(t)
	copyHQKeys(t, f.Dir, fresh)
	v := openHQVault(t, fresh)
	rep = mustImport(t, fresh, v, f.URL, ImportOptions{Getenv: f.Getenv})
	t.Logf("fresh:\n%s", problems(rep))
	want := map[string][]uint64{ma.id(): {1, 2, 6}, mb.id(): {1, 2}}
	for id, seqs := range want {
		if d := rep.Device(id); d == nil || !slices.Equal(d.Imported, seqs) {
			t.Errorf("device %s: imported %v, want %v", id, d, seqs)
		}
	}
	checkMisplaced(t, rep, ma.id(), 1, "/"+key(mb, 9))
	all := problems(rep)
	for _, name := range []string{key(mb, 9), key(ma, 3), key(ma, 4), key(ma, 5), key(ma, 6) + ".minisig", key(ma, 2), key(mb, 3), "store/junk.cwb", "store/ü/ñ.cwb"} {
		if !strings.Contains(all, "/"+name) {
			t.Errorf("the report does not name %s:\n%s", name, all)
		}
	}
	for _, p := range rep.Unreadable {
		if strings.HasSuffix(p.File, "/store/junk.cwb") && (!strings.Contains(p.Reason, "drops object metadata") || !strings.Contains(p.Reason, "README")) {
			t.Errorf("a bundle without a signature anywhere: %s; want the likely cause and where the fix is", p.Reason)
		}
	}
	for _, name := range []string{"README.txt", "devices/x.cwb", "store2/", "store-old/"} {
		if strings.Contains(all, name) {
			t.Errorf("the report names %s, which is not a bundle of the store:\n%s", name, all)
		}
	}
}

func minioList(prefix string) minio.ListObjectsOptions {
	return minio.ListObjectsOptions{Prefix: prefix, Recursive: true}
}

// TestS3SwappedReceiptRevoked swaps the receipts in the metadata of a
// device's bundles 1 and 2: the device's resend of bundle 1 gets a
// receipt that the receiver stores as .receipt.json next to it, and once
// the device is revoked, import takes bundle 1 on that receipt (the one
// in its metadata is bundle 2's) and refuses bundle 2, whose only receipt
// is bundle 1's.
func TestS3SwappedReceiptRevoked(t *testing.T) {
	f := newS3Fixture(t)
	srv, _ := f.receiver(t, "", 0)
	b := f.bucket(t)
	m := newMonitor(t, "R")
	f.enroll(t, m.file())
	bs := m.upload(t, f.Dir, srv, 2, "note %d")
	key := func(seq int) string { return fmt.Sprintf("store/%s/%012d.cwb", m.id(), seq) }
	m1, m2 := b.meta(t, key(1)), b.meta(t, key(2))
	m1[receiver.MetaReceipt], m2[receiver.MetaReceipt] = m2[receiver.MetaReceipt], m1[receiver.MetaReceipt]
	b.put(t, key(1), bs[0].data, m1)
	b.put(t, key(2), bs[1].data, m2)
	status, body := hqtest.Post(t, nil, srv, m.id(), 1, bs[0].data, bs[0].sig)
	if status != http.StatusOK {
		t.Fatalf("resend of bundle 1: %d %s", status, body)
	}
	hqtest.CheckReceipt(t, hqtest.Profile(t, f.Dir, srv), body, m.id(), 1, bs[0].data)
	if r, err := hq.Revoke(f.Dir, m.id()); err != nil {
		t.Fatal(err)
	} else if err := f.store.PublishDevice(r); err != nil {
		t.Fatal(err)
	}
	rep := mustImport(t, f.Dir, openHQVault(t, f.Dir), f.URL, ImportOptions{Getenv: f.Getenv})
	d := rep.Device(m.id())
	if d == nil || !slices.Equal(d.Imported, []uint64{1}) || len(d.Rejected) != 1 || d.Rejected[0].Seq != 2 || !errors.Is(d.Rejected[0].Err, hq.ErrRevoked) {
		t.Fatalf("import after revocation: %+v\n%s", d, problems(rep))
	}
}
