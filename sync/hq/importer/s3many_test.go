package importer

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
)

// TestS3ManyObjects imports from a store of some 3,000 objects, more than
// one page of a listing (1,000 keys): 999 keys sort before the bundles of
// device A, so that bundle 1, in the older layout, has its .cwb last on
// the first page and its .cwb.minisig first on the second, and 2,000 sort
// after them. Device B's receiver stores under the neighbouring prefix
// store2 of the same bucket: each import takes its own store's bundles.
func TestS3ManyObjects(t *testing.T) {
	f := newS3Fixture(t)
	b := f.bucket(t)
	srv, _ := f.receiver(t, "", 0)
	ma, mb := newMonitor(t, "A"), newMonitor(t, "B")
	f.enroll(t, ma.file())
	var as []sealed
	for n := range 3 {
		ma.note(t, fmt.Sprintf("note %d", n))
		as = append(as, ma.seal(t, f.Dir, nil))
	}
	base := fmt.Sprintf("store/%s/%012d", ma.id(), 1)
	b.put(t, base+".cwb", as[0].data, nil)
	b.put(t, base+".cwb.minisig", as[0].sig, nil)
	for _, s := range as[1:] {
		if status, body := hqtest.Post(t, nil, srv, ma.id(), s.seq, s.data, s.sig); status != http.StatusOK {
			t.Fatalf("upload: %d %s", status, body)
		}
	}
	// Objects the gateway keeps as files: written there, they are quick.
	junk := func(dir string, n int) {
		d := filepath.Join(f.GW.Root, f.Bucket, "store", dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("%04d.txt", i)), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	junk("0", 999) // sort before store/<A>/; devices/ sorts after it
	junk("zz", 2000)

	other, err := receiver.OpenS3("s3://"+f.Bucket+"/store2", f.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	f.Enroll(t, other, mb.file())
	srv2, _, _ := newServer(t, receiver.Config{HQDir: f.Dir, Store: "s3://" + f.Bucket + "/store2", Getenv: f.Getenv})
	mb.note(t, "note of B")
	sb := mb.seal(t, f.Dir, nil)
	if status, body := hqtest.Post(t, nil, srv2.URL, mb.id(), 1, sb.data, sb.sig); status != http.StatusOK {
		t.Fatalf("upload to store2: %d %s", status, body)
	}
	if status, body := hqtest.Post(t, nil, srv, mb.id(), 1, sb.data, sb.sig); status != http.StatusForbidden {
		t.Fatalf("device B, published to store2 only, at store's receiver: %d %s", status, body)
	}

	var keys []string
	for o := range b.c.ListObjects(t.Context(), f.Bucket, minioList("store/")) {
		keys = append(keys, o.Key)
	}
	if len(keys) < 3000 || keys[999] != base+".cwb" || keys[1000] != base+".cwb.minisig" {
		t.Fatalf("%d keys under store/, the 1,000th and 1,001st %v; want bundle 1's .cwb and .cwb.minisig", len(keys), keys[999:1001])
	}
	v := openHQVault(t, f.Dir)
	rep := mustImport(t, f.Dir, v, f.URL, ImportOptions{Getenv: f.Getenv})
	if rep.Failed() || len(rep.Devices) != 1 || !slices.Equal(rep.Devices[0].Imported, []uint64{1, 2, 3}) {
		t.Fatalf("import of store: %+v\n%s", rep.Devices, problems(rep))
	}
	rep = mustImport(t, f.Dir, v, "s3://"+f.Bucket+"/store2", ImportOptions{Getenv: f.Getenv})
	if rep.Failed() || len(rep.Devices) != 1 || rep.Devices[0].Device != mb.id() || !slices.Equal(rep.Devices[0].Imported, []uint64{1}) {
		t.Fatalf("import of store2: %+v\n%s", rep.Devices, problems(rep))
	}
}
