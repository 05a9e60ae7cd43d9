package storage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// v1 fixture ids (see extractV1).
var (
	v1Case    = uuid.MustParse("01a23662-cd38-7667-b707-c1b586986689")
	v1Hearing = uuid.MustParse("01a23662-ce48-7595-a14a-8ef27cec1c47")
)

// Issue 9, item 1: init refuses any folder that holds anything, says what
// it found, and writes nothing. On the base commit, Create replaced the
// key.wrapped of a vault whose vault.json was missing.
func TestCreateRefusesFolderThatHoldsAnything(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  error
		found string
	}{
		{"vault without vault.json", func(t *testing.T, dir string) {
			v, err := Create(dir, testPass, CreateOptions{KDF: TestKDF})
			if err != nil {
				t.Fatal(err)
			}
			v.Close()
			os.Remove(filepath.Join(dir, headerFile))
		}, ErrVaultExists, `"key.wrapped"`},
		{"key.wrapped only", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, wrappedFile), []byte("key"), 0o600)
		}, ErrVaultExists, `"key.wrapped"`},
		{"db only", func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, dbDir), 0o700)
			os.WriteFile(filepath.Join(dir, dbDir, "000001.sst"), []byte("x"), 0o600)
		}, ErrVaultExists, `"db"`},
		{"vault.json only", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, headerFile), []byte("{}"), 0o600)
		}, ErrVaultExists, `"vault.json"`},
		{"some other file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
		}, ErrFolderNotEmpty, `"notes.txt"`},
		{"a hidden file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ".DS_Store"), nil, 0o600)
		}, ErrFolderNotEmpty, `".DS_Store"`},
		{"a control character in a name", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "a\x1b[2Jb"), nil, 0o600)
		}, ErrFolderNotEmpty, `"a\x1b[2Jb"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && strings.Contains(tc.found, `\x1b`) {
				t.Skip("Windows file names cannot hold control characters")
			}
			dir := t.TempDir()
			tc.setup(t, dir)
			before := snapshot(t, dir)
			_, err := Create(dir, []byte("another passphrase"), CreateOptions{KDF: TestKDF})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.found) || !strings.Contains(err.Error(), "Nothing was written") {
				t.Fatalf("got %v, want %v naming %s", err, tc.want, tc.found)
			}
			after := snapshot(t, dir)
			if len(after) != len(before) {
				t.Fatalf("files changed: %d before, %d after", len(before), len(after))
			}
			for p, b := range before {
				if after[p] != b {
					t.Fatalf("%s changed", p)
				}
			}
		})
	}
	// An empty folder and a missing one are fine.
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "new", "vault")} {
		v, err := Create(dir, testPass, CreateOptions{KDF: TestKDF})
		if err != nil {
			t.Fatalf("Create in %s: %v", dir, err)
		}
		v.Close()
	}
}

// Issue 9, item 1: losing vault.json does not lose the vault: key.wrapped
// carries the parameters and salt, and Open rebuilds vault.json. On the
// base commit Open said there was no vault.
func TestLostVaultJSONIsRebuilt(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: "survives the loss of vault.json"}
	mustPut(t, v, n)
	v.Close()
	header := fileBytes(t, filepath.Join(dir, headerFile))
	if err := os.Remove(filepath.Join(dir, headerFile)); err != nil {
		t.Fatal(err)
	}
	if !Exists(dir) {
		t.Fatal("Exists is false for a vault without vault.json")
	}
	// A wrong passphrase still touches nothing.
	if _, err := Open(dir, []byte("wrong")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, headerFile)); err == nil {
		t.Fatal("a wrong passphrase wrote vault.json")
	}
	v2, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("Open without vault.json: %v", err)
	}
	got, err := Load[Note](v2, n.ID)
	if err != nil || got.Text != n.Text {
		t.Fatalf("note: %v %+v", err, got)
	}
	v2.Close()
	if b := fileBytes(t, filepath.Join(dir, headerFile)); !bytes.Equal(b, header) {
		t.Fatalf("rebuilt vault.json\n%s\nwant\n%s", b, header)
	}
	// A damaged vault.json is rewritten too.
	os.WriteFile(filepath.Join(dir, headerFile), []byte("{garbage"), 0o600)
	v3, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("Open with a damaged vault.json: %v", err)
	}
	v3.Close()
	if b := fileBytes(t, filepath.Join(dir, headerFile)); !bytes.Equal(b, header) {
		t.Fatalf("vault.json not repaired: %s", b)
	}
}

// Issue 9, item 1: the "no vault" message tells an empty folder from a
// vault that lost a file. On the base commit both said "create one with
// courtwatch init".
func TestNoVaultTellsMissingFileFromEmptyFolder(t *testing.T) {
	if _, err := Open(t.TempDir(), testPass); !errors.Is(err, ErrNoVault) || errors.Is(err, ErrVaultIncomplete) {
		t.Fatalf("empty folder: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "nothing"), testPass); !errors.Is(err, ErrNoVault) {
		t.Fatalf("missing folder: %v", err)
	}
	// The key file is gone: say so, and do not suggest init.
	v, dir := newTestVault(t)
	v.Close()
	os.Remove(filepath.Join(dir, wrappedFile))
	_, err := Open(dir, testPass)
	if !errors.Is(err, ErrVaultIncomplete) || errors.Is(err, ErrNoVault) ||
		!strings.Contains(err.Error(), "key.wrapped is missing") || !strings.Contains(err.Error(), "Do not run init") {
		t.Fatalf("missing key file: %v", err)
	}
	// An old vault lost the vault.json that holds its salt.
	old := extractV1(t)
	os.Remove(filepath.Join(old, headerFile))
	_, err = Open(old, testPass)
	if !errors.Is(err, ErrVaultIncomplete) || !strings.Contains(err.Error(), "vault.json") {
		t.Fatalf("old vault without vault.json: %v", err)
	}
	// A damaged key file is not "wrong passphrase".
	v, dir = newTestVault(t)
	v.Close()
	os.WriteFile(filepath.Join(dir, wrappedFile), []byte("not a key"), 0o600)
	if _, err := Open(dir, testPass); !errors.Is(err, ErrKeyDamaged) {
		t.Fatalf("damaged key file: %v", err)
	}
}

// Vaults in the old format keep opening; the first successful unlock
// rewrites key.wrapped in the new format (keeping the salt, so no second
// KDF run) and vault.json as its mirror; after that vault.json is not
// needed. A wrong passphrase does not migrate anything.
func TestV1VaultOpensAndMigrates(t *testing.T) {
	dir := extractV1(t)
	before := snapshot(t, dir)
	if _, err := Open(dir, []byte("wrong")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Fatalf("a wrong passphrase changed the folder")
	}
	oldHeader := fileBytes(t, filepath.Join(dir, headerFile))
	checkV1 := func(v *Vault) {
		t.Helper()
		c, err := Load[Case](v, v1Case)
		if err != nil || c.Title != "Fixture case" {
			t.Fatalf("case: %v %+v", err, c)
		}
		var notes []*Note
		if err := v.View(func(tx *Tx) (err error) { notes, err = tx.NotesOfHearing(v1Hearing); return }); err != nil || len(notes) != 1 || notes[0].Text != "A note written by the v1 format" {
			t.Fatalf("notes: %v %d", err, len(notes))
		}
		if n, err := v.VerifyChain(v.deviceID()); err != nil || n != 3 {
			t.Fatalf("chain: %d %v", n, err)
		}
	}
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatalf("open v1 vault: %v", err)
	}
	checkV1(v)
	v.Close()
	kb := fileBytes(t, filepath.Join(dir, wrappedFile))
	kf, err := parseKeyFile(kb)
	if err != nil {
		t.Fatalf("key.wrapped after migration: %v", err)
	}
	var oldh header
	if err := jsonUnmarshal(oldHeader, &oldh); err != nil || !bytes.Equal(kf.kdf.Salt, oldh.KDF.Salt) {
		t.Fatalf("migration changed the salt: %v", err)
	}
	if h := string(fileBytes(t, filepath.Join(dir, headerFile))); !strings.Contains(h, formatVersion) || strings.Contains(h, "salt") {
		t.Fatalf("vault.json after migration: %s", h)
	}
	if lb := fileBytes(t, filepath.Join(dir, lockoutFile)); len(lb) != lockoutSize {
		t.Fatalf("lockout file: %d bytes", len(lb))
	}
	// A crash between the key file and the mirror: the old vault.json is
	// back next to the new key file. It opens, and vault.json is fixed.
	os.WriteFile(filepath.Join(dir, headerFile), oldHeader, 0o600)
	os.WriteFile(filepath.Join(dir, ".key.wrapped.tmp123"), kb, 0o600) // a temp file a crash left
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatalf("open after a crash mid-migration: %v", err)
	}
	checkV1(v)
	v.Close()
	// And now vault.json is not needed.
	os.Remove(filepath.Join(dir, headerFile))
	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatalf("open migrated vault without vault.json: %v", err)
	}
	checkV1(v)
	v.Close()
	// passwd on a v1 vault migrates it too.
	dir2 := extractV1(t)
	if err := ChangePassphrase(dir2, testPass, []byte("new one")); err != nil {
		t.Fatal(err)
	}
	v, err = Open(dir2, []byte("new one"))
	if err != nil {
		t.Fatal(err)
	}
	checkV1(v)
	v.Close()
}

// The key file resists tampering: a changed parameter, salt, or slot, or
// a slot moved to another place, does not open.
func TestKeyFileTamper(t *testing.T) {
	v, dir := newTestVault(t)
	v.Close()
	good := fileBytes(t, filepath.Join(dir, wrappedFile))
	kf, _ := parseKeyFile(good)
	slot := -1
	kek := kf.kdf.deriveKEK(testPass)
	if i, _, k, err := kf.open(kek); err == nil {
		slot = i
		wipe(k)
	}
	if slot < 0 {
		t.Fatal("no slot opens")
	}
	for _, tc := range []struct {
		name string
		edit func(b []byte)
	}{
		{"time", func(b []byte) { b[19] ^= 2 }},
		{"salt", func(b []byte) { b[40] ^= 1 }},
		{"slot byte", func(b []byte) { b[keyHeaderSize+slot*slotSize+30] ^= 1 }},
		{"slot moved", func(b []byte) {
			o := (slot + 1) % keySlots
			a, c := b[keyHeaderSize+slot*slotSize:][:slotSize], b[keyHeaderSize+o*slotSize:][:slotSize]
			tmp := slices.Clone(a)
			copy(a, c)
			copy(c, tmp)
		}},
	} {
		b := slices.Clone(good)
		tc.edit(b)
		os.WriteFile(filepath.Join(dir, wrappedFile), b, 0o600)
		if _, err := Open(dir, testPass); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("%s changed: got %v, want ErrWrongPassphrase", tc.name, err)
		}
	}
	os.WriteFile(filepath.Join(dir, wrappedFile), good, 0o600)
	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
}

func FuzzParseKeyFile(f *testing.F) {
	kf, _ := newKeyFile(TestKDF)
	f.Add(kf.marshal())
	f.Add([]byte(keyMagic))
	f.Add(make([]byte, keyFileSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		kf, err := parseKeyFile(b)
		if err != nil {
			return
		}
		if !bytes.Equal(kf.marshal(), b) {
			t.Fatalf("parse and marshal differ")
		}
	})
}

func FuzzParseLockout(f *testing.F) {
	f.Add(lockout{Limit: 5, Failures: 2}.marshal())
	f.Add(make([]byte, lockoutSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		lo, err := parseLockout(b)
		if err != nil {
			return
		}
		if !bytes.Equal(lo.marshal(), b) || lo.Limit > maxLockout {
			t.Fatalf("parse and marshal differ")
		}
	})
}

// ---------------------------------------------------------------------------
// Helper process: runs one operation in a real process that the parent
// kills with SIGKILL at a named step.

const keysHelperEnv = "COURTWATCH_VAULTKEYS_HELPER"

func TestVaultKeysHelper(t *testing.T) {
	op := os.Getenv(keysHelperEnv)
	if op == "" {
		t.Skip("helper process for the kill -9 tests")
	}
	dir, stop := os.Getenv("COURTWATCH_VAULTKEYS_DIR"), os.Getenv("COURTWATCH_VAULTKEYS_STOP")
	testHook = func(step string) {
		if step == stop {
			fmt.Println("AT " + step)
			// Wait for the kill. Not select {}: with no goroutine left to
			// run and no timer, Go ends the process itself with "all
			// goroutines are asleep - deadlock!" (it did under Wine, where
			// nothing else of the storage package's was still waiting),
			// racing the kill this step is for.
			for {
				time.Sleep(time.Hour)
			}
		}
	}
	var err error
	switch op {
	case "wipe":
		err = Wipe(dir)
	case "wipe-open":
		var v *Vault
		if v, err = Open(dir, testPass); err == nil {
			err = v.Wipe()
		}
	case "open-wrong":
		_, err = Open(dir, []byte("a wrong guess"))
	}
	fmt.Printf("END %v\n", err)
}

// killAt runs op in a helper process on dir and kills it with SIGKILL when
// it reaches step. It reports whether the step was reached.
func killAt(t *testing.T, op, dir, step string) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestVaultKeysHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), keysHelperEnv+"="+op, "COURTWATCH_VAULTKEYS_DIR="+dir, "COURTWATCH_VAULTKEYS_STOP="+step)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reached := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if line == "AT "+step {
			reached = true
			cmd.Process.Kill() // SIGKILL
			break
		}
		if strings.HasPrefix(line, "END ") {
			t.Logf("%s finished before %q: %s", op, step, line)
			break
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return reached
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
