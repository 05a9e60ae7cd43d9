//go:build windows

package safefile

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestMakePrivateWindows checks the folder's access control list: protected
// (nothing inherited from the parent), one entry, for the current user,
// inherited by what is made in the folder afterwards.
func TestMakePrivateWindows(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "HQ folder")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := MakePrivate(dir); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "age.key"), []byte("AGE-SECRET-KEY-1"), 0o600); err != nil {
		t.Fatal(err)
	}
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, filepath.Join(dir, "age.key")} {
		sd, err := windows.GetNamedSecurityInfo(p, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
		if err != nil {
			t.Fatal(err)
		}
		dacl, _, err := sd.DACL()
		if err != nil || dacl == nil {
			t.Fatalf("%s: no DACL (%v): everyone may open it", p, err)
		}
		if dacl.AceCount != 1 {
			t.Errorf("%s: %d access entries, want 1 (the owner's)", p, dacl.AceCount)
		}
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, 0, &ace); err != nil {
			t.Fatal(err)
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if !sid.Equals(user.User.Sid) {
			t.Errorf("%s: the entry is for %s, want the current user %s", p, sid, user.User.Sid)
		}
		if p == dir {
			control, _, err := sd.Control()
			if err != nil || control&windows.SE_DACL_PROTECTED == 0 {
				t.Errorf("%s: DACL not protected (%v): the parent's entries still apply", p, err)
			}
		}
	}
}
