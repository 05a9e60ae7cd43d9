package storage

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkSession is a monitor's session on the benchmark vaults: open
// (after the key derivation), save 50 notes one at a time, wait for their
// indexing, close. It reports the open's and the close's wall time, and
// the saves' mean and p95, per session; what a close does (its flush and
// compaction) shows in the close and in the next session's open and saves.
// It adds notes to the vault: run it on a copy.
//
//	COURTWATCH_BENCH_VAULT=<copy> go test -run '^$' -bench '^BenchmarkSession$' -benchtime 10x ./storage
func BenchmarkSession(b *testing.B) {
	for _, n := range suiteSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := suiteVault(b, n)
			_, dataKey, err := unlock(dir, testPass)
			if err != nil {
				b.Fatal(err)
			}
			var open, closing time.Duration
			var closeWritten int64 // bytes
			var saves []time.Duration
			i := 0
			for b.Loop() {
				t0 := time.Now()
				v := openKeyed(b, dir, dataKey)
				open += time.Since(t0)
				_, h := seedHearing(b, v)
				for range 50 {
					t1 := time.Now()
					if err := v.Put(benchNote(h, i)); err != nil {
						b.Fatal(err)
					}
					saves = append(saves, time.Since(t1))
					i++
				}
				if err := v.waitIndexed(); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				w0, ok0 := bytesWritten()
				if err := v.Close(); err != nil {
					b.Fatal(err)
				}
				closing += time.Since(t2)
				if w1, ok1 := bytesWritten(); ok0 && ok1 {
					closeWritten += w1 - w0
				}
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(open)/float64(b.N), "open-ms")
			b.ReportMetric(ms(closing)/float64(b.N), "close-ms")
			b.ReportMetric(float64(closeWritten)/float64(b.N)/1e6, "close-MB-written")
			var sum time.Duration
			for _, d := range saves {
				sum += d
			}
			slices.Sort(saves)
			b.ReportMetric(ms(sum)/float64(len(saves)), "save-ms")
			b.ReportMetric(ms(saves[len(saves)*95/100]), "save-p95-ms")
		})
	}
}
