//go:build linux

package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
)

// TestImportUnreadableFolder lists, as import does, the top of a USB
// stick whose lost+found (root's, mode 0700) this user cannot read: the
// bundles beside it are found, and the folder is listed as not read (the
// report's Unreadable), instead of the whole import failing on it. Root reads every folder, so
// as root the listing runs in a child process as nobody.
func TestImportUnreadableFolder(t *testing.T) {
	base, err := os.MkdirTemp("", "courtwatch-usb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(base, "usb", "lost+found"), 0o700); os.RemoveAll(base) })
	dir := hqtest.NewHQ(t)
	m := newMonitor(t, "A")
	usb := filepath.Join(base, "usb")
	m.flat(t, usb, m.seal(t, dir, nil))
	lost := filepath.Join(usb, "lost+found")
	if err := os.Mkdir(lost, 0o700); err != nil {
		t.Fatal(err)
	}
	var files []listed
	if os.Geteuid() != 0 {
		os.Chmod(lost, 0)
		files = listBundles(t, usb)
	} else {
		// nobody may enter base and usb and read the bundle, not lost+found.
		for _, p := range []string{base, usb} {
			os.Chmod(p, 0o755)
		}
		matches, _ := filepath.Glob(filepath.Join(usb, "*.cwb*"))
		for _, p := range matches {
			os.Chmod(p, 0o644)
		}
		bin := filepath.Join(base, "importer.test")
		exe, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, exe, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-test.run=^TestListBundlesHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "COURTWATCH_LIST_BUNDLES="+usb)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("listing as nobody: %v\n%s", err, out)
		}
		line, _, _ := strings.Cut(string(out), "\n")
		if err := json.Unmarshal([]byte(line), &files); err != nil {
			t.Fatalf("listing as nobody printed %q: %v", out, err)
		}
	}
	if len(files) != 2 || files[0].Err != "" || files[0].Device != m.id() {
		t.Fatalf("listed %+v, want the bundle, then lost+found", files)
	}
	if f := files[1]; f.Path != lost || !f.Permission || !strings.Contains(f.Err, "the folder "+lost+" cannot be read (permission denied)") {
		t.Errorf("lost+found listed as %+v", f)
	}
}

// listed is what findBundles found, as the helper prints it.
type listed struct {
	Path, Device, Err string
	Permission        bool // the error is fs.ErrPermission
}

func listBundles(t testing.TB, from string) []listed {
	t.Helper()
	found, err := findBundles(from)
	if err != nil {
		t.Fatalf("findBundles: %v", err)
	}
	var out []listed
	for _, f := range found {
		l := listed{Path: f.path, Device: f.t.Device}
		if f.err != nil {
			l.Err, l.Permission = f.err.Error(), errors.Is(f.err, fs.ErrPermission)
		}
		out = append(out, l)
	}
	return out
}

// TestListBundlesHelper is the child process of TestImportUnreadableFolder.
func TestListBundlesHelper(t *testing.T) {
	from := os.Getenv("COURTWATCH_LIST_BUNDLES")
	if from == "" {
		t.Skip("run by TestImportUnreadableFolder")
	}
	b, _ := json.Marshal(listBundles(t, from))
	fmt.Println(string(b))
}
