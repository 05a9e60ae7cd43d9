package importer

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"courtwatch/sync/hq/s3gw"
)

// TestS3ImportFaults imports while the bucket fails some requests: HEAD
// (the signatures in the metadata) stops the import before it merges
// anything; a GET of one bundle leaves that bundle for the next import,
// saying so; a slow listing only takes longer. Nothing is lost.
func TestS3ImportFaults(t *testing.T) {
	f := newS3Fixture(t)
	srv, _ := f.receiver(t, "", 0)
	m := newMonitor(t, "A")
	f.enroll(t, m.file())
	m.upload(t, f.Dir, srv, 3, "note %d")
	proxy := s3gw.NewHTTPProxy(t, f.GW.URL)
	opt := ImportOptions{Getenv: f.Through(proxy.URL)}
	v := openHQVault(t, f.Dir)
	empty := snapshot(t, v)

	proxy.Set(func(method, _ string) s3gw.Fault {
		if method == http.MethodHead {
			return s3gw.Unavailable
		}
		return s3gw.Pass
	}, 0)
	if _, err := Import(f.Dir, v, f.URL, opt); err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("import while HEAD fails: %v", err)
	}
	if snapshot(t, v) != empty {
		t.Fatal("an import that failed changed the vault")
	}

	proxy.Set(func(method, path string) s3gw.Fault {
		if method == http.MethodGet && strings.HasSuffix(path, "/000000000002.cwb") {
			return s3gw.Unavailable
		}
		return s3gw.Pass
	}, 0)
	rep := mustImport(t, f.Dir, v, f.URL, opt)
	d := rep.Device(m.id())
	if d == nil || !slices.Equal(d.Imported, []uint64{1, 3}) || len(d.Rejected) != 1 || !strings.Contains(d.Rejected[0].Reason, "import again") {
		t.Fatalf("import while GET of bundle 2 fails: %+v\n%s", d, problems(rep))
	}
	t.Log(problems(rep))

	proxy.Set(func(method, path string) s3gw.Fault {
		if method == http.MethodGet && path == "/"+f.Bucket+"/" {
			return s3gw.Delay
		}
		return s3gw.Pass
	}, time.Second)
	rep = mustImport(t, f.Dir, v, f.URL, opt)
	if d := rep.Device(m.id()); rep.Failed() || d == nil || !slices.Equal(d.Imported, []uint64{2}) || len(d.Missing) > 0 {
		t.Fatalf("import again, with a slow listing: %+v\n%s", d, problems(rep))
	}
	if proxy.Stats()[s3gw.Delay] == 0 {
		t.Fatal("the listing was not slowed")
	}
}
