package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// seedNotes stores n notes in a hearing and returns the vault's folder,
// closed, and the bytes of its key material.
func seedNotes(t *testing.T, n int) (dir string, secrets [][]byte) {
	t.Helper()
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	for i := range n {
		mustPut(t, v, &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Minute), Text: fmt.Sprintf("note %d", i)})
	}
	v.Close()
	kb := fileBytes(t, filepath.Join(dir, wrappedFile))
	kf, err := parseKeyFile(kb)
	if err != nil {
		t.Fatal(err)
	}
	return dir, [][]byte{kf.kdf.Salt, kb[keyHeaderSize:]}
}

// countNotes opens dir and counts every note.
func countNotes(dir string) (int, error) {
	v, err := Open(dir, testPass)
	if err != nil {
		return 0, err
	}
	defer v.Close()
	n := 0
	err = v.View(func(tx *Tx) error {
		hs, err := tx.Hearings()
		for _, h := range hs {
			ns, err := tx.NotesOfHearing(h.ID)
			if err != nil {
				return err
			}
			n += len(ns)
		}
		return err
	})
	return n, err
}

// noKeyMaterial fails if any file left under dir holds the salt or the
// key slots.
func noKeyMaterial(t *testing.T, dir string, secrets [][]byte) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, s := range secrets {
			if bytes.Contains(b, s) {
				t.Errorf("%s still holds key material", p)
			}
		}
		return nil
	})
}

func TestWipe(t *testing.T) {
	dir, secrets := seedNotes(t, 5)
	if err := Wipe(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("folder left after wipe: %v", err)
	}
	if _, err := Open(dir, testPass); !errors.Is(err, ErrNoVault) {
		t.Fatalf("open after wipe: %v", err)
	}
	// An open vault wipes itself: key first, then the rest.
	v, dir2 := newTestVault(t)
	seedHearing(t, v)
	if err := v.Wipe(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir2); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("folder left after wipe of an open vault: %v", err)
	}
	noKeyMaterial(t, filepath.Dir(dir), secrets)
	// Wipe leaves a folder without a vault alone.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "mine.txt"), []byte("x"), 0o600)
	if err := Wipe(other); !errors.Is(err, ErrNoVault) {
		t.Fatalf("wipe of a folder without a vault: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, "mine.txt")); err != nil {
		t.Fatal("wipe touched a folder without a vault")
	}
}

// kill -9 at every step of a wipe: before the key step the vault opens
// with every record; after it, it never opens again and holds no key
// material; wipe run again finishes the job.
func TestWipeKill9AtEveryStep(t *testing.T) {
	const notes = 20
	for _, op := range []string{"wipe", "wipe-open"} {
		for i, step := range []string{"wipe: start", "wipe: key overwritten", "wipe: key material overwritten",
			"wipe: key files removed", "wipe: database removed", "wipe: done"} {
			t.Run(op+"/"+step, func(t *testing.T) {
				dir, secrets := seedNotes(t, notes)
				if !killAt(t, op, dir, step) {
					t.Fatalf("the helper did not reach %q", step)
				}
				n, err := countNotes(dir)
				if i == 0 {
					if err != nil || n != notes {
						t.Fatalf("killed before the key step: %d notes, %v; want all %d", n, err, notes)
					}
					return
				}
				if err == nil {
					t.Fatalf("killed at %q: the vault still opens with %d notes", step, n)
				}
				if errors.Is(err, ErrWrongPassphrase) {
					t.Logf("after %q: %v", step, err)
				}
				noKeyMaterial(t, dir, secrets)
				if _, err := Open(dir, testPass); err == nil {
					t.Fatal("opens on a second try")
				}
				if err := Wipe(dir); err != nil && !errors.Is(err, ErrNoVault) {
					t.Fatalf("finishing the wipe: %v", err)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Fatalf("left after finishing the wipe: %v", entries)
				}
			})
		}
	}
}

func TestLockout(t *testing.T) {
	v, dir := newTestVault(t)
	seedHearing(t, v)
	if err := v.SetLockout(3); err != nil {
		t.Fatal(err)
	}
	if err := v.SetLockout(-1); err == nil {
		t.Fatal("SetLockout(-1) accepted")
	}
	v.Close()
	wrong := []byte("a wrong guess")
	// Two wrong, then the right one resets the count.
	for want := 2; want >= 1; want-- {
		_, err := Open(dir, wrong)
		var le *LockoutError
		if !errors.As(err, &le) || le.Left != want || !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("got %v, want %d left", err, want)
		}
	}
	if limit, failures := LockoutStatus(dir); limit != 3 || failures != 2 {
		t.Fatalf("status %d/%d", failures, limit)
	}
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if v.Lockout() != 3 {
		t.Fatalf("Lockout() = %d", v.Lockout())
	}
	v.Close()
	if _, failures := LockoutStatus(dir); failures != 0 {
		t.Fatalf("count not reset: %d", failures)
	}
	// Three in a row erase it.
	Open(dir, wrong)
	Open(dir, wrong)
	if _, err := Open(dir, wrong); !errors.Is(err, ErrWiped) {
		t.Fatalf("third wrong passphrase: %v", err)
	}
	if _, err := Open(dir, testPass); !errors.Is(err, ErrNoVault) {
		t.Fatalf("after lockout: %v", err)
	}
}

// The count is written before the passphrase is checked: killing the
// program during the check and starting it again does not reset it.
func TestLockoutSurvivesKill9(t *testing.T) {
	dir, secrets := seedNotes(t, 3)
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	v.SetLockout(3)
	v.Close()
	for i := 1; i <= 2; i++ {
		if !killAt(t, "open-wrong", dir, "lockout counted") {
			t.Fatal("the helper did not reach the count")
		}
		if _, failures := LockoutStatus(dir); failures != i {
			t.Fatalf("after kill %d: %d failures recorded", i, failures)
		}
	}
	if _, err := Open(dir, []byte("third wrong")); !errors.Is(err, ErrWiped) {
		t.Fatalf("third attempt: %v", err)
	}
	noKeyMaterial(t, dir, secrets)
	if _, err := Open(dir, testPass); err == nil {
		t.Fatal("opens after lockout")
	}
}

// The lockout is off by default and a wrong passphrase then writes nothing
// (TestWrongPassphraseTouchesNothing); a damaged lockout file reads as off
// and is made whole by the next unlock.
func TestLockoutFileDamaged(t *testing.T) {
	v, dir := newTestVault(t)
	v.Close()
	if limit, _ := LockoutStatus(dir); limit != 0 {
		t.Fatalf("default lockout %d", limit)
	}
	os.WriteFile(filepath.Join(dir, lockoutFile), []byte("junk"), 0o600)
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := parseLockout(fileBytes(t, filepath.Join(dir, lockoutFile))); err != nil {
		t.Fatalf("lockout file not repaired: %v", err)
	}
}

// shape is every file under dir with its size.
func shape(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		fi, _ := d.Info()
		if d.IsDir() {
			out[rel+"/"] = 0
		} else {
			out[rel] = fi.Size()
		}
		return nil
	})
	return out
}

func sameShape(t *testing.T, what string, a, b map[string]int64) {
	t.Helper()
	var ka, kb []string
	for k := range a {
		ka = append(ka, k)
	}
	for k := range b {
		kb = append(kb, k)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	if !slices.Equal(ka, kb) {
		t.Fatalf("%s: files differ:\n%v\n%v", what, ka, kb)
	}
	for k, n := range a {
		if b[k] != n {
			t.Fatalf("%s: %s is %d bytes in one and %d in the other", what, k, n, b[k])
		}
	}
}

var duressPass = []byte("the duress passphrase")

func TestDuress(t *testing.T) {
	// Two copies of one vault, each opened and closed the same way, one
	// given a duress passphrase on the way: every file has the same name
	// and size in both, and vault.json and lockout the same bytes. (Two
	// vaults made apart differ in their database anyway: ids, times; and
	// Badger starts each open's log with a random IV.)
	v, plain := newTestVault(t)
	seedHearing(t, v)
	v.SetLockout(5)
	v.Close()
	withDuress := filepath.Join(t.TempDir(), "vault")
	copyTree(t, plain, withDuress)
	for _, dir := range []string{plain, withDuress} {
		v, err := Open(dir, testPass)
		if err != nil {
			t.Fatal(err)
		}
		if dir == withDuress {
			if err := v.SetDuress(testPass); err == nil {
				t.Fatal("a duress passphrase equal to the vault's was accepted")
			}
			if err := v.SetDuress(duressPass); err != nil {
				t.Fatal(err)
			}
		}
		v.Close()
	}
	sameShape(t, "with and without duress", shape(t, plain), shape(t, withDuress))
	for _, rel := range []string{headerFile, lockoutFile} {
		if !bytes.Equal(fileBytes(t, filepath.Join(plain, rel)), fileBytes(t, filepath.Join(withDuress, rel))) {
			t.Errorf("%s differs: differs with a duress passphrase", rel)
		}
	}

	// Add real records, change the passphrase (the duress one survives).
	v, err := Open(withDuress, testPass)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := seedHearing(t, v)
	v.Close()
	if err := ChangePassphrase(withDuress, testPass, duressPass); err == nil {
		t.Fatal("passwd to the duress passphrase accepted")
	}
	if err := ChangePassphrase(withDuress, testPass, []byte("new real")); err != nil {
		t.Fatal(err)
	}
	before := shape(t, withDuress)
	secrets := [][]byte{fileBytes(t, filepath.Join(withDuress, wrappedFile))[keyHeaderSize:]}

	// The duress passphrase opens a decoy, with no error.
	d, err := Open(withDuress, duressPass)
	if err != nil {
		t.Fatalf("duress unlock: %v", err)
	}
	if _, err := Load[Case](d, c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the real case is in the decoy: %v", err)
	}
	var cases []*Case
	var notes int
	d.View(func(tx *Tx) error {
		cases, _ = listRecords[Case](tx, "type:"+KindCase, [16]byte{})
		hs, _ := tx.Hearings()
		for _, h := range hs {
			ns, _ := tx.NotesOfHearing(h.ID)
			notes += len(ns)
		}
		return nil
	})
	if len(cases) != 1 || cases[0].Title == "Mass trial" || notes < 5 {
		t.Fatalf("decoy: %d cases, %d notes", len(cases), notes)
	}
	if hits, err := d.Search("mediation", 10); err != nil || len(hits) == 0 {
		t.Fatalf("decoy search: %d hits, %v", len(hits), err)
	}
	if d.Lockout() != 5 {
		t.Fatalf("decoy lockout %d, want the vault's 5", d.Lockout())
	}
	d.Close()
	// The real passphrase opens nothing now, and no key material is left.
	if _, err := Open(withDuress, []byte("new real")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("real passphrase after duress: %v", err)
	}
	noKeyMaterial(t, withDuress, secrets)
	// The decoy looks like any vault: same files (db sizes aside, as its
	// records differ), and the duress passphrase keeps opening it.
	after := shape(t, withDuress)
	for _, f := range []string{wrappedFile, headerFile, lockoutFile} {
		if after[f] != before[f] {
			t.Fatalf("%s: %d bytes after duress, %d before", f, after[f], before[f])
		}
	}
	d, err = Open(withDuress, duressPass)
	if err != nil {
		t.Fatalf("decoy reopen: %v", err)
	}
	d.Close()

	// duress off: the duress passphrase is then just wrong.
	v, err = Open(plain, testPass)
	if err != nil {
		t.Fatal(err)
	}
	v.SetDuress(duressPass)
	if err := v.DuressOff(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Open(plain, duressPass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("duress passphrase after duress off: %v", err)
	}
	v, err = Open(plain, testPass)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
}

// A hostile or broken folder: a huge key file is refused without reading
// it, and a directory where vault.json or the lockout file should be does
// not stop the vault from opening, or from being wiped.
func TestHostileFolder(t *testing.T) {
	v, dir := newTestVault(t)
	v.Close()
	good := fileBytes(t, filepath.Join(dir, wrappedFile))
	if err := os.Truncate(filepath.Join(dir, wrappedFile), 1<<30); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, testPass); !errors.Is(err, ErrKeyDamaged) {
		t.Fatalf("1 GiB key file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, wrappedFile), good, 0o600)
	for _, name := range []string{headerFile, lockoutFile} {
		os.Remove(filepath.Join(dir, name))
		os.MkdirAll(filepath.Join(dir, name, "x"), 0o700)
	}
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("open with folders in the way: %v", err)
	}
	if err := v.SetLockout(2); err == nil {
		t.Error("SetLockout over a folder reported success")
	}
	if err := v.Wipe(); err != nil {
		t.Fatalf("wipe: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("folder left: %v", err)
	}
}
