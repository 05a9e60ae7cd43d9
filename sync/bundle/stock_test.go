package bundle

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"courtwatch/internal/testtool"
)

// TestStockTools opens a bundle with Debian's age, minisign, zstd and tar,
// as HQ would without Courtwatch.
func TestStockTools(t *testing.T) {
	for _, tool := range [][2]string{{"age", "age"}, {"minisign", "minisign"}, {"zstd", "zstd"}, {"tar", "tar"}, {"sh", "dash"}} {
		testtool.Need(t, tool[0], tool[1])
	}
	// 3,000 records are over streamStart: Seal compresses them while it
	// checks them, in many batches.
	for _, n := range []int{30, 3000} {
		t.Run(fmt.Sprintf("records=%d", n), func(t *testing.T) { testStockTools(t, n) })
	}
}

func testStockTools(t *testing.T, n int) {
	a := newTestDevice(t, devA, seedOf(1))
	hq, other := newIdentity(t), newIdentity(t)
	photo := []byte("\x89PNG not really")
	in := testInput(devA, 3, Hash([]byte("bundle 2")), chainRecords(devA, 10, Hash([]byte("v9")), n, 120), photo)
	if n > 30 && jsonlSize(in.Records) < 2*streamStart {
		t.Fatalf("%d records are %d bytes, not over streamStart", n, jsonlSize(in.Records))
	}
	data, sig := mustSeal(t, in, a.signer, other.Recipient(), hq.Recipient())
	c, err := Open(data, sig, a.signer.Public(), hq)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	for name, b := range map[string][]byte{
		"b.cwb":         data,
		"b.cwb.minisig": sig,
		"hq.key":        []byte("# HQ identity\n" + hq.String() + "\n"),
		"device.pub":    PublicKeyFile(a.signer.Public()),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "out"), 0o700)
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := run("minisign", "-Vm", "b.cwb", "-p", "device.pub")
	if !strings.Contains(out, "Trusted comment: "+c.Trusted.String()) {
		t.Errorf("minisign output lacks the trusted comment:\n%s", out)
	}
	if out := run("sh", "-c", "age -d -i hq.key b.cwb | zstd -d | tar x -C out"); out != "" {
		t.Errorf("the stock pipeline complained:\n%s", out)
	}

	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, "out", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	m, err := ParseManifest(read(manifestName))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, c.Manifest) {
		t.Errorf("manifest.json:\n got %+v\nwant %+v", m, c.Manifest)
	}
	if got, want := read(recordsName), append(bytes.Join(c.Records, []byte("\n")), '\n'); !bytes.Equal(got, want) {
		t.Error("records.jsonl differs")
	}
	if got := read(attachmentsPath + Hash(photo)); !bytes.Equal(got, photo) {
		t.Error("attachment differs")
	}
	fi, err := os.Stat(filepath.Join(dir, "out", recordsName))
	if err != nil || !fi.ModTime().Equal(testCreated) {
		t.Errorf("records.jsonl mtime %v, want %v (%v)", fi.ModTime(), testCreated, err)
	}

	// The stock tools refuse what Verify refuses.
	data[len(data)/2] ^= 1
	os.WriteFile(filepath.Join(dir, "b.cwb"), data, 0o600)
	cmd := exec.Command("minisign", "-Vm", "b.cwb", "-p", "device.pub")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("minisign verified a tampered bundle:\n%s", out)
	}
}
