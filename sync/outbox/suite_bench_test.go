package outbox

import (
	"bytes"
	"fmt"
	"testing"

	"courtwatch/storage"

	"filippo.io/age"
)

// BenchmarkSuiteExport is the full export figure of the benchmark suite
// (make bench): Seal of the whole vault (read, tar, zstd, age, sign,
// store in the outbox) and age alone on the same record bytes, in the same
// run, at two vault sizes. Both report MB/s of record bytes, and the CPU
// time of the process per operation (cpu-ns/op; on a shared machine wall
// time mostly measures the other processes).
func BenchmarkSuiteExport(b *testing.B) {
	for _, n := range []int{2_000, 20_000} {
		b.Run(fmt.Sprintf("notes=%dk", n/1000), func(b *testing.B) {
			f := newFixture(b)
			f.install("")
			for i := 0; i < n; i += 1000 {
				rs := make([]storage.Record, 1000)
				for j := range rs {
					rs[j] = noteAt(f.hearing, i+j)
				}
				f.put(rs...)
			}
			// Search waits for the background indexer to catch up with the
			// notes just put, so that it does not compete with the export.
			if _, err := f.v.Search("prosecutor", 1); err != nil {
				b.Fatal(err)
			}
			var jsonl []byte
			for _, r := range f.chainRaw(0) {
				jsonl = append(append(jsonl, r...), '\n')
			}
			b.Run("seal", func(b *testing.B) {
				b.SetBytes(int64(len(jsonl)))
				var cpu int64
				for b.Loop() {
					b.StopTimer()
					resetOutbox(b, f.v)
					b.StartTimer()
					c0 := cpuTime()
					if e, err := Seal(f.v); err != nil || e == nil || e.Records != n+2 {
						b.Fatalf("Seal = %+v, %v", e, err)
					}
					cpu += cpuTime() - c0
				}
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			})
			b.Run("age", func(b *testing.B) {
				b.SetBytes(int64(len(jsonl)))
				c0 := cpuTime()
				defer func() { b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op") }()
				for b.Loop() {
					var buf bytes.Buffer
					w, err := age.Encrypt(&buf, f.hq.id.Recipient())
					if err != nil {
						b.Fatal(err)
					}
					w.Write(jsonl)
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
