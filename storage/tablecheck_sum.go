package storage

import (
	"crypto/subtle"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/zeebo/blake3"
	"golang.org/x/crypto/blake2b"
)

// The table checksums of the ledger (tablecheck.go).
//
// A sum is keyed BLAKE3 (github.com/zeebo/blake3, keyed mode) of the
// file's bytes, "b3:" and the hex digest, under a key of its own derived
// from the vault's. Ledgers written before hold keyed BLAKE2b-256 sums
// ("b2:", golang.org/x/crypto/blake2b) under another derived key. A table
// whose ledger entry is such a sum is hashed with both in the same pass
// over its bytes: the old sum says whether it is unchanged, and the new
// one goes into the ledger, which the open then rewrites as it rewrites
// it for any change (atomically and durably: writeLedger). So a vault
// moves to BLAKE3 at its first open, without checking any table block by
// block; until that ledger is written, every open verifies the old sums
// again, and a table whose bytes changed is checked block by block either
// way. (An older Courtwatch finds no sum it knows in a BLAKE3 ledger: it
// checks every table block by block once and writes its own.)
//
// BLAKE3 is about 4 times as fast as BLAKE2b on the benchmark machine
// (AVX2; less with SSE4.1 only), and this checksum is most of what an
// open of a large vault costs (bench/open.benchstat.md, round 3). Both are standard
// keyed hashes; no construction of our own. The ledger that holds the
// sums is sealed as well, so the key is a second line: without it nobody
// can compute the sum a changed file would need.
const (
	sumPrefix    = "b3:"
	legacyPrefix = "b2:"
)

// sumChunk is how much of a file sum reads at a time (both hashes read it
// while it is in the CPU's cache): 1 MiB took the least CPU of 64 KiB to
// 4 MiB for BLAKE3 over the tables of a 100k-note vault.
const sumChunk = 1 << 20

// tableSummer computes the keyed checksums of table files.
type tableSummer struct {
	key       []byte // BLAKE3's
	legacyKey []byte // BLAKE2b's, for ledgers written before
}

func newTableSummer(dbKey []byte) (tableSummer, error) {
	return tableSummer{
		key:       subkey(dbKey, "table check blake3"),
		legacyKey: subkey(dbKey, "table check"), // as the BLAKE2b ledgers were written
	}, nil
}

// sum returns the keyed checksum of the file at path ("b3:…") and
// whether the file's bytes are those that prev, an earlier sum of the
// file from the ledger, was computed from: prev may be a BLAKE3 or a
// BLAKE2b sum, and "" (or anything else) is never the same.
//
// The file is read in chunks into a buffer that stays in the CPU's cache
// and is reused: that costs less than hashing through a mapping of the
// file (each page then faults in, and is unmapped after), and far less
// than reading the whole file into a new buffer.
func (ts tableSummer) sum(path, prev string) (sum string, same bool, err error) {
	h, err := blake3.NewKeyed(ts.key)
	if err != nil {
		return "", false, err
	}
	var legacy hash.Hash
	if strings.HasPrefix(prev, legacyPrefix) {
		if legacy, err = blake2b.New256(ts.legacyKey); err != nil {
			return "", false, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	buf := sumBufs.Get().(*[]byte)
	defer sumBufs.Put(buf)
	for {
		n, err := io.ReadFull(f, *buf)
		h.Write((*buf)[:n])
		if legacy != nil {
			legacy.Write((*buf)[:n])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return "", false, err
		}
	}
	sum = sumPrefix + hex.EncodeToString(h.Sum(nil))
	was := sum
	if legacy != nil {
		was = legacyPrefix + hex.EncodeToString(legacy.Sum(nil))
	}
	same = prev != "" && subtle.ConstantTimeCompare([]byte(was), []byte(prev)) == 1
	return sum, same, nil
}

// sumBufs are sum's read buffers, one per table being hashed.
var sumBufs = sync.Pool{New: func() any { b := make([]byte, sumChunk); return &b }}
