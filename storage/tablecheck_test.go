package storage

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4/options"
	"golang.org/x/crypto/blake2b"
)

// vaultTables lists the vault's table files by name.
func vaultTables(t *testing.T, dir string) []string {
	t.Helper()
	ssts, _ := filepath.Glob(filepath.Join(dir, dbDir, "*.sst"))
	var out []string
	for _, p := range ssts {
		out = append(out, filepath.Base(p))
	}
	return out
}

// Open checks every block of a table once (and Close the tables its session
// wrote): later opens find the table's bytes unchanged by their checksum
// and let Badger check blocks as it reads them. A table whose bytes changed is checked again and reported; a
// ledger that does not authenticate only means every table is checked
// again.
func TestOpenChecksEachTableOnce(t *testing.T) {
	v, dir := newTestVault(t)
	_, h := seedHearing(t, v)
	for i := range 4 {
		var rs []Record
		for j := range 500 {
			rs = append(rs, &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i*500+j) * time.Second), Text: strings.Repeat("testimony of the witness ", 20)})
		}
		mustPut(t, v, rs...)
	}
	v.Close()
	tables := vaultTables(t, dir)
	if len(tables) == 0 {
		t.Fatal("no table file")
	}

	open := func(what string) *Vault {
		t.Helper()
		v, err := Open(dir, testPass)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	v = open("first open")
	if m := v.db.Opts().ChecksumVerificationMode; m != options.OnBlockRead {
		t.Errorf("first open: checksum mode %v; want per-block after checking the tables", m)
	}
	l := readLedger(dir, v.aead)
	for _, name := range tables {
		if l[name] == "" {
			t.Errorf("table %s is not in the ledger after open", name)
		}
	}
	v.Close()

	before := tablesBlockChecked.Load()
	v = open("second open")
	if n := tablesBlockChecked.Load() - before; n != 0 {
		t.Errorf("second open checked %d tables block by block; want none (the first session's new tables were checked when it closed)", n)
	}
	if m := v.db.Opts().ChecksumVerificationMode; m != options.OnBlockRead {
		t.Errorf("second open: checksum mode %v", m)
	}
	v.Close()

	// A forged ledger: everything is checked again, and the vault opens.
	if err := os.WriteFile(filepath.Join(dir, checkedFile), []byte("forged ledger, forged ledger, forged ledger, forged"), 0o600); err != nil {
		t.Fatal(err)
	}
	before = tablesBlockChecked.Load()
	v = open("open with a forged ledger")
	if n := tablesBlockChecked.Load() - before; n < int64(len(tables)) {
		t.Errorf("forged ledger: %d tables checked, want every one (%d)", n, len(tables))
	}
	v.Close()

	// A byte flipped in a checked table, in its data blocks or its index:
	// ErrTampered naming the file, never a crash (Badger's own whole-table
	// check dereferences a nil block on some damaged blocks).
	path := filepath.Join(dir, dbDir, tables[0])
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []int{64, len(good) / 8, len(good) / 4, len(good) / 2, len(good) * 3 / 4, len(good) - 100} {
		bad := append([]byte(nil), good...)
		bad[off] ^= 0x20
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if v, err := Open(dir, testPass); err == nil {
			v.Close()
			t.Errorf("byte %d of %d flipped: the vault opened", off, len(good))
		} else if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tables[0]) {
			t.Errorf("byte %d of %d flipped: %v; want ErrTampered naming %s", off, len(good), err, tables[0])
		}
	}
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	open("repaired").Close()
}

// TestTableSumOfFileBytes holds the table checksum, computed a chunk at a
// time, to keyed BLAKE3 of the file's bytes (the keyed-hash
// vectors of the BLAKE3 specification's test_vectors.json), and checks
// that a ledger's earlier sum, BLAKE3 or BLAKE2b, is recognised exactly
// when it is the sum of the same bytes.
func TestTableSumOfFileBytes(t *testing.T) {
	ts, err := newTableSummer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ts.key = []byte("whats the Elvish word for friend")
	dir := t.TempDir()
	for _, c := range []struct {
		size int
		want string
	}{
		{0, "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26"},
		{1, "6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b"},
		{1025, "357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69"},
		{102400, "1c35d1a5811083fd7119f5d5d1ba027b4d01c0c6c49fb6ff2cf75393ea5db4a7"},
		// Several read chunks, and a whole number of them; these two from
		// zeebo/blake3, and lukechampine.com/blake3 agrees.
		{3<<20 + 5, "77433d2b54044bbdef84fde55f3f5d93aff2f0ce51ec3225bd3ee316207f0b92"},
		{2 << 20, "c1ffae646d405b8d127381768250711617ffd37c85d663aee7dd943769f50767"},
	} {
		path := filepath.Join(dir, fmt.Sprintf("%d.sst", c.size))
		data := make([]byte, c.size)
		for i := range data {
			data[i] = byte(i % 251)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		want := "b3:" + c.want
		got, same, err := ts.sum(path, "")
		if err != nil || got != want || same {
			t.Errorf("%d bytes: sum %q, same %v, %v; want %q, not same as no sum", c.size, got, same, err, want)
		}
		h, err := blake2b.New256(ts.legacyKey)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(data)
		legacy := "b2:" + hex.EncodeToString(h.Sum(nil))
		other := "b3:" + strings.Repeat("0", 64)
		otherLegacy := "b2:" + strings.Repeat("0", 64)
		for _, prev := range []struct {
			sum  string
			same bool
		}{{want, true}, {legacy, true}, {other, false}, {otherLegacy, false}, {c.want, false}, {strings.TrimPrefix(legacy, "b2:"), false}, {"b2:", false}} {
			got, same, err := ts.sum(path, prev.sum)
			if err != nil || got != want || same != prev.same {
				t.Errorf("%d bytes, earlier sum %q: sum %q, same %v, %v; want %q, same %v", c.size, prev.sum, got, same, err, want, prev.same)
			}
		}
	}
	if _, _, err := ts.sum(filepath.Join(dir, "missing.sst"), ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("sum of a missing file: %v, want fs.ErrNotExist", err)
	}
}
