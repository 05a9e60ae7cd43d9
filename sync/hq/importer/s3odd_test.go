package importer

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"courtwatch/sync/bundle"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/s3gw"
)

// TestS3OddObjects puts in the bucket what a careless tool or someone
// with its keys may: a zero-byte copy of a bundle under its signature, a
// zero-byte object without one, an object whose name holds control
// characters, and two 600 MB objects (sparse, on the gateway's disk), one
// with no signature and one signed as bundle 4. Import reports each by
// name, downloads neither the unsigned ones nor the huge ones (the
// listing gives their size), and imports the good bundles.
func TestS3OddObjects(t *testing.T) {
	f := newS3Fixture(t)
	srv, _ := f.receiver(t, "", 0)
	m := newMonitor(t, "A")
	f.enroll(t, m.file())
	m.upload(t, f.Dir, srv, 2, "note %d")
	m.note(t, "note 3")
	s3 := m.seal(t, f.Dir, nil)
	b := f.bucket(t)
	key := func(seq int) string { return fmt.Sprintf("store/%s/%012d.cwb", m.id(), seq) }
	b.put(t, key(3), nil, map[string]string{receiver.MetaSignature: base64.StdEncoding.EncodeToString(s3.sig)})
	b.put(t, "store/empty.cwb", nil, nil)
	odd := "store/\x1b[31mred\u202e\tx.cwb"
	b.put(t, odd, []byte("junk"), nil)
	huge := key(9)
	b.put(t, huge, []byte("x"), nil)
	// And one with a signature, as if a device had signed it.
	hugeSigned := key(4)
	b.put(t, hugeSigned, []byte("x"), map[string]string{receiver.MetaSignature: base64.StdEncoding.EncodeToString(signAs(minisignKey(t, m.v.SigningKey()), m.id(), 4, []byte("x")))})
	for _, k := range []string{huge, hugeSigned} {
		if err := os.Truncate(filepath.Join(f.GW.Root, f.Bucket, k), 600<<20); err != nil {
			t.Fatal(err)
		}
	}

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
	rep := mustImport(t, f.Dir, v, f.URL, ImportOptions{Getenv: f.Through(p.URL)})
	t.Logf("report:\n%s", problems(rep))
	d := rep.Device(m.id())
	if d == nil || !slices.Equal(d.Imported, []uint64{1, 2}) {
		t.Fatalf("imported %+v\n%s", d, problems(rep))
	}
	if len(d.Rejected) != 2 || d.Rejected[0].Seq != 3 || !errors.Is(d.Rejected[0].Err, bundle.ErrTampered) {
		t.Errorf("the zero-byte bundle 3: %+v", d.Rejected)
	}
	if len(d.Rejected) == 2 && (d.Rejected[1].Seq != 4 || !errors.Is(d.Rejected[1].Err, bundle.ErrTooLarge)) {
		t.Errorf("the 600 MB bundle 4: %+v", d.Rejected[1])
	}
	// versitygw lists the odd name with U+FFFD for the escape character,
	// and has no object under the listed name: import says so.
	var unread []string
	for _, p := range rep.Unreadable {
		name := strings.TrimPrefix(p.File, "s3://"+f.Bucket+"/")
		switch {
		case strings.HasSuffix(name, "x.cwb"):
			if !strings.Contains(p.Reason, "has none under that name") || !strings.Contains(p.Reason, "move it aside") {
				t.Errorf("%q: %s", p.File, p.Reason)
			}
			name = "odd"
		case !errors.Is(p.Err, bundle.ErrBadSignature) || !strings.Contains(p.Reason, "has no signature"):
			t.Errorf("%q: %s", p.File, p.Reason)
		}
		unread = append(unread, name)
	}
	slices.Sort(unread)
	if want := []string{huge, "odd", "store/empty.cwb"}; !slices.Equal(unread, sortedCopy(want)) {
		t.Errorf("unreadable %q, want %q", unread, sortedCopy(want))
	}
	for _, path := range got {
		if strings.HasSuffix(path, "/000000000009.cwb") || strings.HasSuffix(path, "/000000000004.cwb") || strings.HasSuffix(path, "/empty.cwb") || strings.HasSuffix(path, "x.cwb") {
			t.Errorf("downloaded %q, which import refuses unread", path)
		}
	}
	if n := len(hqVersions(t, v)); n != len(m.versions(t))-1 {
		t.Errorf("the HQ vault holds %d versions, want %d", n, len(m.versions(t))-1)
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
