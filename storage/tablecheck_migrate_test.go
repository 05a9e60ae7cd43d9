package storage

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4/options"
	"golang.org/x/crypto/blake2b"
)

// The move of the table ledger from keyed BLAKE2b to keyed BLAKE3
// (tablecheck_sum.go): a vault whose ledger holds BLAKE2b sums opens
// without checking its tables block by block, its ledger is rewritten
// with BLAKE3 sums, a killed migration leaves a vault that opens, and a
// damaged table is reported before and after.

// vaultWithTables returns a closed vault with several table files, and
// its ledger's sealing AEAD and Badger key.
func vaultWithTables(t *testing.T) (dir string, aead cipher.AEAD, dbKey []byte) {
	t.Helper()
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	for i := range 4 { // each session's close flushes a table
		if i > 0 {
			var err error
			if v, err = Open(dir, testPass); err != nil {
				t.Fatal(err)
			}
		}
		var rs []Record
		for j := range 500 {
			rs = append(rs, &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i*500+j) * time.Second), Text: strings.Repeat("testimony of the witness ", 20)})
		}
		mustPut(t, v, rs...)
		v.Close()
	}
	v, err := Open(dir, testPass) // checks the last tables and writes the ledger
	if err != nil {
		t.Fatal(err)
	}
	aead, dbKey = v.aead, bytes.Clone(v.tables.key) // Badger's own copy is wiped once Open returns
	v.Close()
	if len(vaultTables(t, dir)) < 2 {
		t.Fatal("fewer than two table files")
	}
	return dir, aead, dbKey
}

// writeBlake2bLedger writes the ledger as Courtwatch wrote it before
// BLAKE3: keyed BLAKE2b-256 of every live table's bytes under the key
// derived for "table check". It returns the ledger.
func writeBlake2bLedger(t *testing.T, dir string, aead cipher.AEAD, dbKey []byte) tableLedger {
	t.Helper()
	cur := readLedger(dir, aead)
	if len(cur) == 0 {
		t.Fatal("no ledger to convert")
	}
	key := subkey(dbKey, "table check")
	l := tableLedger{}
	for name := range cur {
		data, err := os.ReadFile(filepath.Join(dir, dbDir, name))
		if err != nil {
			t.Fatal(err)
		}
		h, err := blake2b.New256(key)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(data)
		l[name] = "b2:" + hex.EncodeToString(h.Sum(nil))
	}
	if err := writeLedger(dir, aead, l); err != nil {
		t.Fatal(err)
	}
	return l
}

// checkBlake3Ledger fails unless the ledger holds a BLAKE3 sum for every
// table file in the vault's MANIFEST and nothing else.
func checkBlake3Ledger(t *testing.T, what, dir string, aead cipher.AEAD) {
	t.Helper()
	l := readLedger(dir, aead)
	m, err := readManifest(filepath.Join(dir, dbDir), badgerOptions(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != len(m.Tables) {
		t.Errorf("%s: the ledger has %d entries, the vault %d tables", what, len(l), len(m.Tables))
	}
	for name, sum := range l {
		if !strings.HasPrefix(sum, "b3:") || len(sum) != 3+64 {
			t.Errorf("%s: ledger entry %s = %q; want a BLAKE3 sum", what, name, sum)
		}
	}
}

// flipAndOpen flips one byte of the table file at each offset in turn
// and fails unless Open reports ErrTampered naming the file; it leaves
// the file as it was.
func flipAndOpen(t *testing.T, what, dir, name string, offsets func(size int) []int) {
	t.Helper()
	path := filepath.Join(dir, dbDir, name)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range offsets(len(good)) {
		bad := bytes.Clone(good)
		bad[off] ^= 0x20
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if v, err := Open(dir, testPass); err == nil {
			v.Close()
			t.Errorf("%s: byte %d of %d flipped: the vault opened", what, off, len(good))
		} else if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: byte %d of %d flipped: %v; want ErrTampered naming %s", what, off, len(good), err, name)
		}
	}
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
}

func spread(size int) []int { return []int{64, size / 4, size / 2, size * 3 / 4, size - 100} }

func TestOpenMigratesBlake2bLedger(t *testing.T) {
	dir, aead, dbKey := vaultWithTables(t)
	tables := vaultTables(t, dir)
	open := func(what string) *Vault {
		t.Helper()
		v, err := Open(dir, testPass)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}

	// Damage before the migration is reported, and the BLAKE2b ledger is
	// left as it was.
	writeBlake2bLedger(t, dir, aead, dbKey)
	sealed, err := os.ReadFile(filepath.Join(dir, checkedFile))
	if err != nil {
		t.Fatal(err)
	}
	flipAndOpen(t, "BLAKE2b ledger", dir, tables[0], spread)
	if now, _ := os.ReadFile(filepath.Join(dir, checkedFile)); !bytes.Equal(now, sealed) {
		t.Error("a failed open rewrote the BLAKE2b ledger")
	}

	// The migration checks no table block by block: the BLAKE2b sums
	// vouch for the bytes the BLAKE3 sums are computed from.
	before := tablesBlockChecked.Load()
	v := open("open with a BLAKE2b ledger")
	if n := tablesBlockChecked.Load() - before; n != 0 {
		t.Errorf("migration checked %d tables block by block; want none", n)
	}
	if m := v.db.Opts().ChecksumVerificationMode; m != options.OnBlockRead {
		t.Errorf("migration: checksum mode %v; want per-block after checking the tables", m)
	}
	checkBlake3Ledger(t, "after the migration's open", dir, aead)
	v.Close()
	checkBlake3Ledger(t, "after the migration's close", dir, aead)
	before = tablesBlockChecked.Load()
	open("open after the migration").Close()
	if n := tablesBlockChecked.Load() - before; n != 0 {
		t.Errorf("open after the migration checked %d tables block by block; want none", n)
	}

	// A BLAKE2b entry that does not match (a table changed while the old
	// ledger was in place): that table, and only it, is checked block by
	// block.
	l := writeBlake2bLedger(t, dir, aead, dbKey)
	l[tables[1]] = "b2:" + strings.Repeat("ab", 32)
	if err := writeLedger(dir, aead, l); err != nil {
		t.Fatal(err)
	}
	before = tablesBlockChecked.Load()
	open("open with a wrong BLAKE2b entry").Close()
	if n := tablesBlockChecked.Load() - before; n != 1 {
		t.Errorf("one wrong BLAKE2b entry: %d tables checked block by block; want 1", n)
	}
	checkBlake3Ledger(t, "after a wrong BLAKE2b entry", dir, aead)

	// Damage after the migration is reported, in every table.
	for _, name := range tables {
		flipAndOpen(t, "BLAKE3 ledger", dir, name, spread)
	}
	open("repaired").Close()
	checkBlake3Ledger(t, "repaired", dir, aead)
}

const ledgerHelperEnv = "COURTWATCH_LEDGER_HELPER_DIR"

// TestLedgerMigrationHelper is the process TestLedgerMigrationKilled kills:
// it opens the vault in COURTWATCH_LEDGER_HELPER_DIR and closes it.
func TestLedgerMigrationHelper(t *testing.T) {
	dir := os.Getenv(ledgerHelperEnv)
	if dir == "" {
		t.Skip("helper process for TestLedgerMigrationKilled")
	}
	fmt.Println("OPENING")
	v, err := Open(dir, testPass)
	if err != nil {
		fmt.Fprintf(os.Stderr, "helper: open: %v\n", err)
		os.Exit(2)
	}
	fmt.Println("OPENED")
	v.Close()
	fmt.Println("CLOSED")
}

// TestLedgerMigrationKilled kills (SIGKILL) a process that opens a vault
// with a BLAKE2b ledger at random moments of its open: the ledger left is
// either the old one or a whole BLAKE3 one, and the vault opens.
func TestLedgerMigrationKilled(t *testing.T) {
	dir, aead, dbKey := vaultWithTables(t)
	// run starts the helper and kills it killAfter after it begins to
	// open (never if negative); took is how long its open took.
	run := func(killAfter time.Duration) (opened bool, took time.Duration) {
		t.Helper()
		cmd := helperCommand("TestLedgerMigrationHelper", ledgerHelperEnv+"="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var timer *time.Timer
		var start time.Time
		for sc.Scan() {
			switch sc.Text() {
			case "OPENING":
				start = time.Now()
				if killAfter >= 0 {
					timer = time.AfterFunc(killAfter, func() { cmd.Process.Kill() })
				}
			case "OPENED":
				opened, took = true, time.Since(start)
			}
		}
		if timer != nil {
			timer.Stop()
		}
		if err := cmd.Wait(); err != nil && killAfter < 0 {
			t.Fatalf("helper: %v\n%s", err, stderr.String())
		}
		return opened, took
	}
	writeBlake2bLedger(t, dir, aead, dbKey)
	_, took := run(-1)
	checkBlake3Ledger(t, "unkilled migration", dir, aead)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	var old, migrated, opened int
	for i := range 16 {
		legacy := writeBlake2bLedger(t, dir, aead, dbKey)
		killAfter := time.Duration(rng.Int64N(int64(took)))
		if ok, _ := run(killAfter); ok {
			opened++
		}
		l := readLedger(dir, aead)
		switch {
		case fmt.Sprint(l) == fmt.Sprint(legacy):
			old++
		default:
			migrated++
			// Whole for the tables at that open; the killed session's
			// compactions may have changed them since.
			for name, sum := range l {
				if !strings.HasPrefix(sum, "b3:") {
					t.Errorf("kill %d after %v: ledger entry %s = %q; want the BLAKE2b ledger or a BLAKE3 one", i, killAfter, name, sum)
				}
			}
			if len(l) == 0 {
				t.Errorf("kill %d after %v: no ledger that authenticates", i, killAfter)
			}
		}
		v, err := Open(dir, testPass)
		if err != nil {
			t.Fatalf("kill %d after %v: %v", i, killAfter, err)
		}
		v.Close()
		checkBlake3Ledger(t, fmt.Sprintf("open after kill %d", i), dir, aead)
	}
	t.Logf("open of %v; 16 kills: %d left the BLAKE2b ledger, %d a BLAKE3 one; %d after Open returned", took.Round(time.Millisecond), old, migrated, opened)
}
