package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/internal/testtool"
)

// On a small disk, 8 KB notes are saved until the disk is nearly full; then
// every save is refused with ErrDiskFull ("the disk is full: X MB free;
// nothing was lost") before Badger meets the full disk, and the vault can
// still be closed, reopened, listed and searched, with every acknowledged
// note there. Before the free-space check, the 51st note on a 3 MB tmpfs
// killed the process with SIGBUS.
func TestDiskFull(t *testing.T) {
	mnt := testtool.SmallDisk(t, 24<<20)
	dir := filepath.Join(mnt, "vault")
	v, err := Create(dir, testPass, CreateOptions{KDF: TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	_, h := seedHearing(t, v)
	text := strings.Repeat("The judge refuses the defence's request to call witnesses. ", 140)[:8<<10]
	var saved int
	var full error
	for i := range 10_000 {
		err := v.Put(&Note{HearingID: h.ID, Time: time.Now(), Text: fmt.Sprintf("note%d %s", i, text)})
		if err != nil {
			full = err
			break
		}
		saved++
	}
	t.Logf("saved %d notes of 8 KB before: %v", saved, full)
	if !errors.Is(full, ErrDiskFull) || !strings.Contains(full.Error(), "MB free; nothing was lost") {
		t.Fatalf("the save that filled the disk: %v, want ErrDiskFull saying nothing was lost", full)
	}
	if saved < 100 {
		t.Errorf("only %d notes saved on a 24 MB disk", saved)
	}
	// A few more attempts keep being refused, without a crash.
	for range 5 {
		if err := v.Put(&Note{HearingID: h.ID, Time: time.Now(), Text: text}); !errors.Is(err, ErrDiskFull) {
			t.Fatalf("save on a full disk: %v", err)
		}
	}
	check := func(v *Vault, when string) {
		t.Helper()
		if got := noteCount(t, v, h.ID); got != saved {
			t.Errorf("%s: %d notes listed, want %d", when, got, saved)
		}
		for _, i := range []int{0, saved - 1} {
			hits, err := v.Search(fmt.Sprintf("note%d", i), 0)
			if err != nil || len(hits) != 1 {
				t.Errorf("%s: search for note %d: %d hits, %v", when, i, len(hits), err)
			}
		}
	}
	check(v, "full disk, still open")
	if err := v.Close(); err != nil {
		t.Fatalf("close on a full disk: %v", err)
	}
	// Fill what the reserve kept, as another program would.
	testtool.Fill(t, filepath.Join(mnt, "filler"))
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatalf("open on a full disk: %v", err)
	}
	t.Logf("notices: %q", v.Notices())
	check(v, "reopened on a full disk")
	if err := v.Put(&Note{HearingID: h.ID, Time: time.Now(), Text: "x"}); !errors.Is(err, ErrDiskFull) {
		t.Errorf("save after reopening on a full disk: %v, want ErrDiskFull", err)
	}
	if err := v.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	// Free the space: the vault takes saves again.
	os.Remove(filepath.Join(mnt, "filler"))
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	mustPut(t, v, &Note{HearingID: h.ID, Time: time.Now(), Text: "after freeing space"})
	if got := noteCount(t, v, h.ID); got != saved+1 {
		t.Errorf("after freeing space: %d notes, want %d", got, saved+1)
	}
}
