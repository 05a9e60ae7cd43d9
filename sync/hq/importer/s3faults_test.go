package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire"
)

// TestS3StoreFaults puts a TCP proxy between the receiver and versitygw
// that drops connections, stalls past the store timeout and answers 503,
// while a monitor's outbox delivers: the receiver answers 503 with
// Retry-After, the outbox retries, and in the end every bundle is
// receipt-verified, stored once and imported.
func TestS3StoreFaults(t *testing.T) {
	f := newS3Fixture(t)
	proxy := s3gw.NewProxy(t, f.GW.URL)
	url, logs := f.receiver(t, proxy.URL, 500*time.Millisecond)
	m := newMonitor(t, "Faulty")
	f.enroll(t, m.file())
	if err := outbox.AddProfile(m.v, hqtest.Profile(t, f.Dir, url), "hq", true); err != nil {
		t.Fatal(err)
	}
	seal := func() {
		t.Helper()
		m.note(t, fmt.Sprintf("note at %s", time.Now()))
		if _, err := outbox.Seal(m.v); err != nil {
			t.Fatal(err)
		}
	}
	seal()

	// Each fault alone: the answer is 503 with Retry-After, and the
	// store holds nothing.
	_, data, sig, err := outbox.Bundle(m.v, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, fault := range []s3gw.Fault{s3gw.Unavailable, s3gw.Drop, s3gw.Delay} {
		proxy.Set(fault, 2*time.Second)
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/1", url, wire.BundlesPath, m.id()), bytes.NewReader(data))
		req.Header.Set(wire.SignatureHeader, hqtest.B64(sig))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("store fault %s: %d, Retry-After %q; want 503 with Retry-After\n%s", fault, resp.StatusCode, resp.Header.Get("Retry-After"), logs)
		}
	}
	if files := f.GW.Files(t, f.Bucket); slices.ContainsFunc(files, func(s string) bool { return strings.HasSuffix(s, ".cwb") }) {
		t.Fatalf("a failed upload left a bundle: %v", files)
	}

	// The outbox delivers while faults come and go; more bundles are
	// sealed meanwhile.
	proxy.Set(s3gw.Pass, 0)
	u := outbox.New(m.v, outbox.HTTPSFunc(outbox.HTTPSOptions{DialTimeout: time.Second, ResponseHeaderTimeout: 10 * time.Second}),
		outbox.Options{BaseDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond, Seed: 7})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	defer u.Close()
	schedule := []struct {
		fault s3gw.Fault
		for_  time.Duration
	}{
		{s3gw.Drop, 300 * time.Millisecond}, {s3gw.Pass, 100 * time.Millisecond},
		{s3gw.Unavailable, 400 * time.Millisecond}, {s3gw.Pass, 50 * time.Millisecond},
		{s3gw.Delay, 1200 * time.Millisecond}, {s3gw.Pass, 100 * time.Millisecond},
	}
	for round := range 3 {
		for _, step := range schedule {
			proxy.Set(step.fault, time.Second)
			seal()
			u.SyncNow()
			time.Sleep(step.for_)
		}
		_ = round
	}
	proxy.Set(s3gw.Pass, 0)
	u.SyncNow()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := u.Status()
		if s.Pending == 0 && s.Uploading == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bundles still pending after the faults ended: %+v\n%s", s, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done

	entries, err := outbox.Entries(m.v)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1+3*len(schedule) {
		t.Fatalf("%d bundles in the outbox, want %d", len(entries), 1+3*len(schedule))
	}
	for _, e := range entries {
		if e.State != outbox.ReceiptVerified {
			t.Fatalf("bundle %d is %s (%s), want receipt verified", e.Seq, e.State, e.LastError)
		}
		if got := f.Object(t, fmt.Sprintf("%s/%012d.cwb", e.Device, e.Seq)); fmt.Sprintf("%x", sha256Sum(got)) != e.Hash {
			t.Fatalf("bundle %d: the bucket holds other bytes", e.Seq)
		}
	}
	stats := proxy.Stats()
	if stats[s3gw.Drop] == 0 || stats[s3gw.Unavailable] == 0 || stats[s3gw.Delay] == 0 {
		t.Fatalf("the faults were not met: %v", stats)
	}
	if n := strings.Count(logs.String(), "store unavailable"); n < 3 {
		t.Fatalf("the receiver answered 503 for the store %d times, want at least 3:\n%s", n, logs)
	}
	t.Logf("connections per fault: %v; 503 answers for the store: %d", stats, strings.Count(logs.String(), "store unavailable"))

	// Nothing lost: the bucket imports to every version of the monitor.
	hqv := openHQVault(t, f.Dir)
	rep := mustImport(t, f.Dir, hqv, f.URL, ImportOptions{Getenv: f.Getenv})
	if rep.Failed() || len(rep.Device(m.id()).Missing) > 0 {
		t.Fatalf("import: %s, missing %v", problems(rep), rep.Device(m.id()).Missing)
	}
	want := m.versions(t)
	got := hqVersions(t, hqv)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Fatalf("a version of the monitor is not at HQ: %.80s", w)
		}
	}
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
