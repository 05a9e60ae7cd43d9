package storage

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWipe100k wipes an open vault of 100k notes (a fresh copy each
// time), as the app's panic key does. ns/op is the whole wipe; the
// metrics are the time from the wipe's start (the user's confirmation) to
// "unreadable" (key.wrapped overwritten and fsynced) and to "no key
// material left" (every copy overwritten, fsynced and unlinked).
func BenchmarkWipe100k(b *testing.B) {
	src := bench100kVault(b)
	var toUnreadable, toKeyless time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "vault")
		copyTree(b, src, dir)
		v, err := Open(dir, testPass)
		if err != nil {
			b.Fatal(err)
		}
		var start time.Time
		testHook = func(step string) {
			switch step {
			case "wipe: key overwritten":
				toUnreadable += time.Since(start)
			case "wipe: key files removed":
				toKeyless += time.Since(start)
			}
		}
		b.StartTimer()
		start = time.Now()
		err = v.Wipe()
		b.StopTimer()
		testHook = nil
		if err != nil {
			b.Fatal(err)
		}
		if _, err := os.Stat(dir); err == nil {
			b.Fatal("the vault folder is still there")
		}
	}
	b.ReportMetric(float64(toUnreadable.Microseconds())/float64(b.N)/1000, "ms-to-unreadable/op")
	b.ReportMetric(float64(toKeyless.Microseconds())/float64(b.N)/1000, "ms-to-no-key/op")
}

// BenchmarkUnlockWrongPassphrase is a wrong passphrase against a key file
// with the default KDF: one Argon2id run tried against all four slots, so
// it costs what BenchmarkKDFDefault costs, as before the slots.
func BenchmarkUnlockWrongPassphrase(b *testing.B) {
	kf, err := newKeyFile(DefaultKDF)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		kek, _, _, _, err := kf.unlockKey([]byte("not the passphrase"))
		wipe(kek)
		if err != ErrWrongPassphrase {
			b.Fatal(err)
		}
	}
}
