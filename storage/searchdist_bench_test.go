//go:build linux

package storage

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkSearchDist100k searches the 100k-note vault b.N times per
// query and logs where the slow searches' time goes: the wall time's
// percentiles, the searching thread's own CPU time at the same
// percentiles, and how many of the searches above the p90 saw a GC cycle
// start or were descheduled (wall well above their CPU time).
//
//	go test -run '^$' -bench '^BenchmarkSearchDist100k$' -benchtime 2000x -v ./storage
func BenchmarkSearchDist100k(b *testing.B) {
	v, err := Open(bench100kVault(b), testPass)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for _, q := range []struct{ name, query string }{
		{"common-latin-prefix", benchCommonPref},
		{"two-words", "defendant quarantined"},
	} {
		b.Run(q.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			type sample struct {
				wall, cpu time.Duration
				gc        bool
			}
			var ss []sample
			gcs := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
			for b.Loop() {
				metrics.Read(gcs)
				gc0 := gcs[0].Value.Uint64()
				c0 := threadCPU()
				t0 := time.Now()
				if _, err := v.Search(q.query, 50); err != nil {
					b.Fatal(err)
				}
				wall := time.Since(t0)
				cpu := threadCPU() - c0
				metrics.Read(gcs)
				ss = append(ss, sample{wall, cpu, gcs[0].Value.Uint64() != gc0})
			}
			walls := make([]time.Duration, len(ss))
			cpus := make([]time.Duration, len(ss))
			for i, s := range ss {
				walls[i], cpus[i] = s.wall, s.cpu
			}
			slices.Sort(walls)
			slices.Sort(cpus)
			pct := func(d []time.Duration, p int) time.Duration { return d[len(d)*p/100] }
			p90 := pct(walls, 90)
			var slow, gc, stalled int
			for _, s := range ss {
				if s.wall < p90 {
					continue
				}
				slow++
				if s.gc {
					gc++
				}
				if s.wall > s.cpu*3/2+50*time.Microsecond {
					stalled++
				}
			}
			b.Logf("%s n=%d wall p50 %v p90 %v p95 %v p99 %v max %v | thread cpu p50 %v p90 %v p95 %v p99 %v | of the %d at or above wall p90: %d saw a GC start, %d waited (wall > 1.5 cpu + 50µs)",
				q.name, len(ss), pct(walls, 50), p90, pct(walls, 95), pct(walls, 99), walls[len(walls)-1],
				pct(cpus, 50), pct(cpus, 90), pct(cpus, 95), pct(cpus, 99), slow, gc, stalled)
			b.ReportMetric(float64(pct(walls, 95).Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(pct(cpus, 95).Microseconds())/1000, "cpu-p95-ms")
		})
	}
}

// threadCPU is the calling OS thread's CPU time, user and system.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		panic(fmt.Sprint("clock_gettime: ", e))
	}
	return time.Duration(ts.Nano())
}
