//go:build ci

package receiver

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/wire"

	"github.com/minio/minio-go/v7"
)

// overwrite replaces object name of the store (<device>/<seq>.cwb, …) as
// someone with the bucket's keys can: any bytes, any metadata.
func (f *s3Fixture) overwrite(t testing.TB, name string, data []byte, meta map[string]string) {
	t.Helper()
	_, err := f.store.client.PutObject(context.Background(), f.Bucket, "store/"+name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{DisableMultipart: true, UserMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
}

// metaOf is the metadata the receiver writes for sig and receipt.
func metaOf(sig, receipt []byte) map[string]string {
	m, _ := bundleMeta(sig, bytes.TrimSpace(receipt))
	return m
}

// Someone with the bucket's keys alters what the receivers stored; a
// device that resends, or asks for its receipt, gets a receipt only for
// the bytes the bucket holds, with a signature and receipt that are
// HQ's, or 409, never a receipt for other bytes nor a 500.
func TestS3TamperedBucketResend(t *testing.T) {
	f := newS3Fixture(t)
	srv, logs := f.receiver(t, "", 0)
	d := hqtest.NewDevice(t)
	d.Enroll(t, f.Dir)
	f.enroll(t, d.File())
	p := hqtest.Profile(t, f.Dir, srv)
	type stored struct{ data, sig, receipt []byte }
	var bs []stored
	for seq := uint64(1); seq <= 4; seq++ {
		data, sig := d.Seal(t, p, seq)
		status, body := hqtest.Post(t, nil, srv, d.ID, seq, data, sig)
		if status != http.StatusOK {
			t.Fatalf("bundle %d: %d %s", seq, status, body)
		}
		bs = append(bs, stored{data, sig, body})
	}
	name := func(seq int) string { return fmt.Sprintf("%s/%012d", d.ID, seq) }
	receiptURL := func(seq int) string { return fmt.Sprintf("%s%s%s/%d/receipt", srv, wire.BundlesPath, d.ID, seq) }

	// 1: other bytes under the stored metadata. The receipt names the
	// device's bytes, which the bucket no longer holds.
	other, _ := d.Seal(t, p, 1)
	f.overwrite(t, name(1)+".cwb", other, metaOf(bs[0].sig, bs[0].receipt))
	if status, body := hqtest.Get(t, nil, receiptURL(1)); status != http.StatusNotFound {
		t.Errorf("receipt of bundle 1, whose bytes were replaced: %d %s, want 404", status, body)
	}
	if status, body := hqtest.Post(t, nil, srv, d.ID, 1, bs[0].data, bs[0].sig); status != http.StatusConflict || !strings.Contains(string(body), "altered HQ's store") {
		t.Errorf("resend of bundle 1, whose bytes were replaced: %d %s, want 409 that names an altered store", status, body)
	}

	// 2: the receipt of bundle 3 in bundle 2's metadata. The resend gets
	// a receipt for bundle 2, stored next to it.
	f.overwrite(t, name(2)+".cwb", bs[1].data, metaOf(bs[1].sig, bs[2].receipt))
	if status, body := hqtest.Get(t, nil, receiptURL(2)); status != http.StatusNotFound {
		t.Errorf("receipt of bundle 2, with bundle 3's in its metadata: %d %s, want 404", status, body)
	}
	status, body := hqtest.Post(t, nil, srv, d.ID, 2, bs[1].data, bs[1].sig)
	if status != http.StatusOK {
		t.Fatalf("resend of bundle 2, with bundle 3's receipt in its metadata: %d %s\n%s", status, body, logs)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 2, bs[1].data)
	if status, got := hqtest.Get(t, nil, receiptURL(2)); status != http.StatusOK || !bytes.Equal(got, body) {
		t.Errorf("receipt of bundle 2 after its resend: %d %s, want %s", status, got, body)
	}

	// 3: garbage metadata on an older-layout bundle whose .cwb.minisig
	// and .receipt.json are right: they are not shadowed.
	f.overwrite(t, name(3)+".cwb.minisig", bs[2].sig, nil)
	f.overwrite(t, name(3)+".receipt.json", bytes.TrimSpace(bs[2].receipt), nil)
	for _, meta := range []map[string]string{
		{MetaSignature: "!!not base64", MetaReceipt: "!!"},
		{MetaSignature: base64.StdEncoding.EncodeToString(bs[2].sig)},
		{MetaReceipt: ""},
	} {
		f.overwrite(t, name(3)+".cwb", bs[2].data, meta)
		if status, got := hqtest.Get(t, nil, receiptURL(3)); status != http.StatusOK || !bytes.Equal(got, bs[2].receipt) {
			t.Errorf("receipt of bundle 3 with metadata %v: %d %s, want the one in .receipt.json", meta, status, got)
		}
		if status, got := hqtest.Post(t, nil, srv, d.ID, 3, bs[2].data, bs[2].sig); status != http.StatusOK || !bytes.Equal(got, bs[2].receipt) {
			t.Errorf("resend of bundle 3 with metadata %v: %d %s, want the one in .receipt.json", meta, status, got)
		}
	}

	// 4: a forged receipt (not signed by HQ) for the right bytes.
	forged := bytes.Replace(bytes.TrimSpace(bs[3].receipt), []byte(`"signature":"`), []byte(`"signature":"x`), 1)
	f.overwrite(t, name(4)+".cwb", bs[3].data, metaOf(bs[3].sig, forged))
	status, body = hqtest.Post(t, nil, srv, d.ID, 4, bs[3].data, bs[3].sig)
	if status != http.StatusOK {
		t.Fatalf("resend of bundle 4, with a forged receipt: %d %s\n%s", status, body, logs)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 4, bs[3].data)
}

// A store that fails only some requests: HEAD (the lookup of a resend
// and of a receipt), GET (the registry), or that carries out a PUT and
// loses its answer. The device gets 503 with Retry-After, or the same
// receipt as the stored one, never 409 for its own bundle.
func TestS3PartialFaults(t *testing.T) {
	f := newS3Fixture(t)
	proxy := s3gw.NewHTTPProxy(t, f.GW.URL)
	srv, logs := f.receiver(t, proxy.URL, 2*time.Second) // a margin for a busy machine
	d := hqtest.NewDevice(t)
	d.Enroll(t, f.Dir)
	f.enroll(t, d.File())
	p := hqtest.Profile(t, f.Dir, srv)
	only := func(method string, fault s3gw.Fault) s3gw.Rule {
		return func(m, _ string) s3gw.Fault {
			if m == method {
				return fault
			}
			return s3gw.Pass
		}
	}
	want503 := func(what string, status int, body []byte, h http.Header) {
		t.Helper()
		if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
			t.Fatalf("%s: %d %s, Retry-After %q; want 503 with Retry-After\n%s", what, status, body, h.Get("Retry-After"), logs)
		}
	}
	post := func(seq uint64, data, sig []byte) (int, []byte, http.Header) {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/%d", srv, wire.BundlesPath, d.ID, seq), bytes.NewReader(data))
		req.Header.Set(wire.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.Bytes(), resp.Header
	}
	get := func(seq uint64) (int, []byte, http.Header) {
		resp, err := http.Get(fmt.Sprintf("%s%s%s/%d/receipt", srv, wire.BundlesPath, d.ID, seq))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.Bytes(), resp.Header
	}

	data, sig := d.Seal(t, p, 1)
	status, receipt, _ := post(1, data, sig)
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, receipt)
	}
	for _, fault := range []s3gw.Fault{s3gw.Unavailable, s3gw.Drop, s3gw.Delay} {
		proxy.Set(only(http.MethodHead, fault), 3*time.Second)
		status, body, h := post(1, data, sig)
		want503(fmt.Sprintf("resend with HEAD meeting %s", fault), status, body, h)
		status, body, h = get(1)
		want503(fmt.Sprintf("receipt with HEAD meeting %s", fault), status, body, h)
		proxy.Set(only(http.MethodGet, fault), 3*time.Second)
		data2, sig2 := d.Seal(t, p, 2)
		status, body, h = post(2, data2, sig2)
		want503(fmt.Sprintf("upload with GET meeting %s", fault), status, body, h)
	}
	proxy.Set(only(http.MethodPut, s3gw.RaceConflict), 0)
	data2, sig2 := d.Seal(t, p, 2)
	status, body, h := post(2, data2, sig2)
	want503("upload with PUT meeting Amazon's 409 ConditionalRequestConflict", status, body, h)
	proxy.Set(nil, 0)
	if status, got, _ := post(1, data, sig); status != http.StatusOK || !bytes.Equal(got, receipt) {
		t.Fatalf("resend after the faults: %d %s, want the stored receipt", status, got)
	}

	// The bucket stores the .cwb but the answer is lost: the client's
	// retry (minio-go's, or the device's after a 503) meets the stored
	// bundle, which is its own.
	var puts atomic.Int32
	proxy.Set(func(m, path string) s3gw.Fault {
		if m == http.MethodPut && strings.HasSuffix(path, ".cwb") && puts.Add(1) == 1 {
			return s3gw.LoseAnswer
		}
		return s3gw.Pass
	}, 0)
	data, sig = d.Seal(t, p, 2)
	status, body, _ = post(2, data, sig)
	if status != http.StatusOK {
		t.Fatalf("upload whose first PUT answer was lost: %d %s\n%s", status, body, logs)
	}
	hqtest.CheckReceipt(t, p, body, d.ID, 2, data)
	if _, got, err := f.store.Extras(StoredBundle{Key: "store/" + d.ID + "/000000000002.cwb"}); err != nil || !bytes.Equal(got, bytes.TrimSpace(body)) {
		t.Fatalf("answered %s, stored %s (%v)", body, got, err)
	}
	proxy.Set(only(http.MethodPut, s3gw.LoseAnswer), 0)
	data, sig = d.Seal(t, p, 3)
	status, body, h = post(3, data, sig)
	want503("upload whose PUT answers are all lost", status, body, h)
	proxy.Set(nil, 0)
	status, got, _ := get(3)
	if status != http.StatusOK {
		t.Fatalf("receipt of bundle 3, stored while every answer was lost: %d %s", status, got)
	}
	hqtest.CheckReceipt(t, p, got, d.ID, 3, data)
	if status, again, _ := post(3, data, sig); status != http.StatusOK || !bytes.Equal(again, got) {
		t.Fatalf("resend of bundle 3: %d %s, want %s", status, again, got)
	}
	t.Logf("requests per fault: %v", proxy.Stats())
}
