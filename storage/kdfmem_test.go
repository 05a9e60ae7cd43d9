package storage

import (
	"crypto/rand"
	"runtime"
	"testing"
)

// TestKDFMemoryReturned: the 64 MiB that Argon2id fills is not left on the
// heap after the key is derived, so Badger's memory comes on top of the
// process's base, not on top of 64 MiB of garbage (peak RSS of a CLI
// export of 1,000 notes: 117 MB before, goal 64 MiB + 40 MB).
func TestKDFMemoryReturned(t *testing.T) {
	p := DefaultKDF
	p.Salt = make([]byte, 32)
	rand.Read(p.Salt)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	wipe(p.deriveKEK(testPass))
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapInuse) - int64(before.HeapInuse)
	if grew > 16<<20 {
		t.Fatalf("the heap holds %d MiB more after the key derivation (Argon2id uses %d MiB); want it returned", grew>>20, p.MemoryKiB>>10)
	}
}
