package storage

import (
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/dgraph-io/badger/v4"
)

// The benchmark suite's storage figures (make bench, tools/benchreport):
// each at two sizes, each with its baseline in the same run.
//
//	go test -run '^$' -bench '^BenchmarkSuite' ./storage
//
// The bleve index is the search baseline only: it lives in this test
// file, so it never enters a binary.

// BenchmarkSuiteNoteSave is a durable note save and a raw durable Badger
// Set of as many bytes, for a short and a long note. cpu-ns/op is the
// process's CPU time in the loop per op; cpu+index-ns/op adds the
// indexing of the saves that was still to come when the loop ended.
func BenchmarkSuiteNoteSave(b *testing.B) {
	for _, size := range []struct {
		name string
		text string
	}{{"note=200B", benchNoteText}, {"note=2KB", strings.Repeat(benchNoteText+" ", 8)}} {
		b.Run(size.name, func(b *testing.B) {
			v, _ := newTestVault(b)
			_, h := seedHearing(b, v)
			note := func(i int) *Note { n := benchNote(h, i); n.Text = size.text; return n }
			n := note(-1)
			mustPut(b, v, n)
			var sz int
			err := v.db.View(func(txn *badger.Txn) error {
				item, err := txn.Get(refOfMeta(&n.Meta).versionKey())
				if err == nil {
					sz = int(item.ValueSize())
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("vault", func(b *testing.B) {
				b.SetBytes(int64(sz))
				cpu := startCPU()
				i := 0
				for b.Loop() {
					if err := v.Put(note(i)); err != nil {
						b.Fatal(err)
					}
					i++
				}
				cpu.report(b, i, "cpu-ns/op")
				v.waitIndexed()
				cpu.report(b, i, "cpu+index-ns/op")
			})
			b.Run("raw", func(b *testing.B) {
				db, keyOf, val := benchRawDB(b, sz)
				b.SetBytes(int64(sz))
				cpu := startCPU()
				i := 0
				for b.Loop() {
					if err := db.Update(func(txn *badger.Txn) error { return txn.Set(keyOf(i), val) }); err != nil {
						b.Fatal(err)
					}
					i++
				}
				cpu.report(b, i, "cpu-ns/op")
			})
		})
	}
}

// cpuMark is the process's CPU time (all goroutines: Badger's, the
// indexer's, the collector's) when a benchmark loop began.
type cpuMark int64

func startCPU() cpuMark { t, _ := cpuTime(); return cpuMark(t) }

// report adds the CPU time used since the mark, per op, as a metric.
func (m cpuMark) report(b *testing.B, ops int, unit string) {
	if t, ok := cpuTime(); ok && ops > 0 {
		b.ReportMetric(float64(t-int64(m))/float64(ops), unit)
	}
}

// suiteSizes are the vault sizes of the open and search figures.
var suiteSizes = []int{10_000, 100_000}

var suiteVaults struct {
	mu   sync.Mutex
	dirs map[int]string
}

// suiteVault returns the folder of a closed benchmark vault with n notes.
func suiteVault(b *testing.B, n int) string {
	b.Helper()
	if n == bench100kNotes {
		return bench100kVault(b)
	}
	suiteVaults.mu.Lock()
	defer suiteVaults.mu.Unlock()
	if d, ok := suiteVaults.dirs[n]; ok {
		return d
	}
	var dir string
	if keep := os.Getenv("COURTWATCH_BENCH_VAULT"); keep != "" {
		dir = fmt.Sprintf("%s-%d", keep, n)
	} else {
		// Like the 100k vault's folder: benchRemoveStale deletes it once
		// this process has ended.
		benchRemoveStale()
		parent, err := os.MkdirTemp("", "courtwatch-bench100k-")
		if err != nil {
			b.Fatal(err)
		}
		lock, err := os.Create(filepath.Join(parent, "owner.lock"))
		if err == nil {
			err = lockFile(lock) // held until the process ends
		}
		if err != nil {
			b.Fatal(err)
		}
		dir = filepath.Join(parent, "vault")
	}
	if _, err := os.Stat(filepath.Join(dir, headerFile)); err != nil {
		if err := benchBuildN(dir, n); err != nil {
			b.Fatal(err)
		}
	}
	if suiteVaults.dirs == nil {
		suiteVaults.dirs = map[int]string{}
	}
	suiteVaults.dirs[n] = dir
	return dir
}

func sizeName(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("notes=%dk", n/1000)
	}
	return fmt.Sprintf("notes=%d", n)
}

// BenchmarkSuiteOpen is Open after the key derivation, at two sizes, in
// wall time and in CPU time of the process per open + close.
func BenchmarkSuiteOpen(b *testing.B) {
	for _, n := range suiteSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := suiteVault(b, n)
			_, dataKey, err := unlock(dir, testPass)
			if err != nil {
				b.Fatal(err)
			}
			c0 := startCPU()
			for b.Loop() {
				v := openKeyed(b, dir, dataKey)
				v.Close()
			}
			// The CPU time of the process per open + close, all goroutines:
			// on a shared machine wall time mostly measures the others.
			c0.report(b, b.N, "cpu-ns/op")
		})
	}
}

// suiteQueries are the search figures' queries, as the vault takes them
// and as bleve queries.
var suiteQueries = []struct {
	name, query string
	bleve       func() query.Query
}{
	{"common-latin-prefix", benchCommonPref, func() query.Query { return bleve.NewPrefixQuery(benchCommonPref) }},
	{"two-words", "defendant quarantined", func() query.Query {
		return bleve.NewConjunctionQuery(bleve.NewMatchQuery("defendant"), bleve.NewMatchQuery("quarantined"))
	}},
}

// BenchmarkSuiteSearch runs the queries on the vault and on an in-memory
// bleve index of the same note texts, at two sizes, and reports the p95
// latency of each.
func BenchmarkSuiteSearch(b *testing.B) {
	for _, n := range suiteSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			v, err := Open(suiteVault(b, n), testPass)
			if err != nil {
				b.Fatal(err)
			}
			defer v.Close()
			idx := suiteBleve(b, n)
			defer idx.Close()
			for _, q := range suiteQueries {
				b.Run(q.name+"/vault", func(b *testing.B) {
					p95(b, func() int {
						h, err := v.Search(q.query, 50)
						if err != nil {
							b.Fatal(err)
						}
						return len(h)
					})
				})
				b.Run(q.name+"/bleve", func(b *testing.B) {
					p95(b, func() int {
						req := bleve.NewSearchRequestOptions(q.bleve(), 50, 0, false)
						res, err := idx.Search(req)
						if err != nil {
							b.Fatal(err)
						}
						return len(res.Hits)
					})
				})
			}
		})
	}
}

// p95 runs op in b's loop and reports its 95th-percentile latency and hits.
func p95(b *testing.B, op func() int) {
	var took []time.Duration
	hits := 0
	for b.Loop() {
		t0 := time.Now()
		hits = op()
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(hits), "hits")
}

// suiteBleve indexes the texts of the benchmark vault's first n notes
// (the same generator and seed as benchBuildN) in memory.
func suiteBleve(b *testing.B, n int) bleve.Index {
	b.Helper()
	idx, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		b.Fatal(err)
	}
	rng := mrand.New(mrand.NewPCG(100, 1))
	batch := idx.NewBatch()
	for i := range n {
		if err := batch.Index(fmt.Sprint(i), map[string]string{"text": benchText(rng)}); err != nil {
			b.Fatal(err)
		}
		if batch.Size() == 1000 {
			if err := idx.Batch(batch); err != nil {
				b.Fatal(err)
			}
			batch.Reset()
		}
	}
	if err := idx.Batch(batch); err != nil {
		b.Fatal(err)
	}
	return idx
}
