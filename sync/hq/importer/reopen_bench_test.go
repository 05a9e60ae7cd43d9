package importer

import (
	"testing"
	"time"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/setup"
)

// BenchmarkHQVaultReopen is how long the HQ vault (server profile) takes
// to close and open around an import of 100 monitors' bundles of 1,000
// versions each (and of 10,000), as courtwatch-hq import does it: close right after the
// import (Badger flushes its memtables; the vault checks the tables the
// import wrote and adds them to its ledger), open again (the tables are
// in the ledger), the first search (the indexer catches up with what the
// import left), close, and a last open and close with nothing new.
//
//	COURTWATCH_BENCH_BUNDLES=/tmp/cache go test -tags ci -run '^$' -bench HQVaultReopen/versions=100k -benchtime 1x ./sync/hq/importer
func BenchmarkHQVaultReopen(b *testing.B) {
	for _, size := range []struct {
		name      string
		perDevice int
	}{
		{"versions=100k/devices=100", 1_000},
		{"versions=1M/devices=100", 10_000}, // minutes: run on its own
	} {
		b.Run(size.name, func(b *testing.B) { benchReopen(b, size.name, size.perDevice) })
	}
}

func benchReopen(b *testing.B, name string, perDevice int) {
	ids, from, ds := deviceBundles(b, name, 100, perDevice)
	var took [7]time.Duration
	for b.Loop() {
		dir := hqtest.NewHQ(b)
		for _, d := range ds {
			if _, _, err := hq.Enroll(dir, d.file); err != nil {
				b.Fatal(err)
			}
		}
		v, err := setup.OpenVault(dir, hqtest.Pass)
		if err != nil {
			b.Fatal(err)
		}
		step := func(i int, fn func() error) {
			t0 := time.Now()
			if err := fn(); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(t0)
		}
		step(0, func() error {
			rep, err := Import(dir, v, from, ImportOptions{Identities: ids})
			if err == nil && rep.Failed() {
				b.Fatal(problems(rep))
			}
			return err
		})
		step(1, v.Close)
		open := func() error { v, err = setup.OpenVault(dir, hqtest.Pass); return err }
		step(2, open)
		step(3, func() error { _, err := v.Search("prosecutor", 1); return err })
		step(4, v.Close)
		step(5, open)
		step(6, v.Close)
	}
	for i, unit := range []string{"import-s", "close-after-import-s", "open-s", "first-search-s", "close-s", "open-again-s", "close-again-s"} {
		b.ReportMetric(took[i].Seconds()/float64(b.N), unit)
	}
}
