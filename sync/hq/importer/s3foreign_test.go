package importer

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/s3gw"
)

// TestS3ForeignPrefix imports, by mistake, a prefix of the bucket that
// another organisation's receivers write to: their monitors' bundles,
// sealed for their HQ. Each is reported as not enrolled, none is
// downloaded (only its metadata is read), and the HQ vault is unchanged;
// the whole bucket imports this HQ's bundles and refuses the others'.
func TestS3ForeignPrefix(t *testing.T) {
	f := newS3Fixture(t)
	srv, _ := f.receiver(t, "", 0)
	ours := newMonitor(t, "ours")
	f.enroll(t, ours.file())
	ours.upload(t, f.Dir, srv, 2, "our note %d")
	// The other organisation: its HQ, receiver on other/, two monitors.
	other := hqtest.NewHQ(t)
	otherURL := "s3://" + f.Bucket + "/other"
	otherStore, err := receiver.OpenS3(otherURL, f.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	otherSrv, _, _ := newServer(t, receiver.Config{HQDir: other, Store: otherURL, Getenv: f.Getenv})
	var theirs []*monitor
	for _, name := range []string{"X", "Y"} {
		m := newMonitor(t, name)
		d, _, err := hq.Enroll(other, m.file())
		if err != nil {
			t.Fatal(err)
		}
		if err := otherStore.PublishDevice(d); err != nil {
			t.Fatal(err)
		}
		m.upload(t, other, otherSrv.URL, 3, "their note %d")
		theirs = append(theirs, m)
	}

	// Every request goes through a proxy that notes the bundles read.
	p := s3gw.NewHTTPProxy(t, f.GW.URL)
	var mu sync.Mutex
	var got []string
	p.Set(func(method, path string) s3gw.Fault {
		if method == http.MethodGet && strings.HasSuffix(path, ".cwb") {
			mu.Lock()
			got = append(got, path)
			mu.Unlock()
		}
		return s3gw.Pass
	}, 0)
	v := openHQVault(t, f.Dir)
	before := snapshot(t, v)
	rep := mustImport(t, f.Dir, v, otherURL, ImportOptions{Getenv: f.Through(p.URL)})
	if !rep.Failed() || len(rep.Devices) != 2 || len(rep.Unreadable) != 0 {
		t.Fatalf("import of the other organisation's prefix: %d devices\n%s", len(rep.Devices), problems(rep))
	}
	for _, m := range theirs {
		d := rep.Device(m.id())
		if d == nil || d.Enrolled || len(d.Imported) != 0 || len(d.Rejected) != 3 {
			t.Fatalf("device %s: %+v", m.name, d)
		}
		for i, r := range d.Rejected {
			if !errors.Is(r.Err, hq.ErrUnknownDevice) || r.Seq != uint64(i+1) || !strings.Contains(r.Reason, "has not enrolled") {
				t.Errorf("device %s: %s: %d, %s", m.name, r.File, r.Seq, r.Reason)
			}
		}
	}
	if len(got) != 0 {
		t.Errorf("bundles of devices that are not enrolled were downloaded: %v", got)
	}
	if after := snapshot(t, v); after != before {
		t.Fatal("importing the other organisation's bundles changed the HQ vault")
	}

	// The whole bucket: ours imported, theirs refused.
	rep = mustImport(t, f.Dir, v, "s3://"+f.Bucket, ImportOptions{Getenv: f.Getenv})
	if d := rep.Device(ours.id()); d == nil || !slices.Equal(d.Imported, []uint64{1, 2}) {
		t.Fatalf("our device: %+v\n%s", d, problems(rep))
	}
	for _, m := range theirs {
		if d := rep.Device(m.id()); d == nil || len(d.Rejected) != 3 || len(d.Imported) != 0 {
			t.Fatalf("device %s in the whole bucket: %+v", m.name, d)
		}
	}
}
