package importer

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/hq/setup"

	"filippo.io/age"
)

// The benchmark suite's HQ figures (make bench, tools/benchreport).
//
//	go test -run '^$' -bench '^BenchmarkSuite' ./sync/hq/importer

// BenchmarkSuiteImport is the HQ import rate, in versions per second, of
// one device's bundle of 1,000 and of 10,000 versions into an empty HQ
// vault (see BenchmarkImport), and the same rates until the import is
// searchable (the vault's background indexer has caught up).
func BenchmarkSuiteImport(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("versions=%dk", n/1000), func(b *testing.B) {
			first := hqtest.NewHQ(b)
			m := newMonitor(b, "Sok Dara")
			addNotes(b, m, n-len(m.versions(b)), "The prosecutor read the conclusions; defence counsel objected.")
			from := b.TempDir()
			bs := m.seal(b, first, nil)
			m.flat(b, from, bs)
			ids := hqtest.Identity(b, first)
			var r importRates
			for b.Loop() {
				b.StopTimer()
				dir := hqtest.NewHQ(b)
				m.enroll(b, dir)
				v := openHQVault(b, dir)
				r.measure(b, dir, v, from, ids, func(rep *ImportReport) {
					if got := rep.Device(m.id()).Added; got != n {
						b.Fatalf("%d versions added, want %d\n%s", got, n, problems(rep))
					}
				})
				v.Close()
				b.StartTimer()
			}
			r.report(b, n)
		})
	}
}

// BenchmarkSuiteReceiver is uploads per second of new bundles over HTTP on
// loopback, from 1 and from 8 clients at once, with the folder store and
// with the S3 store on a local versitygw, for bundles of 1 and of 100
// records.
func BenchmarkSuiteReceiver(b *testing.B) {
	for _, records := range []int{1, 100} {
		dir := hqtest.NewHQ(b)
		p := hqtest.Profile(b, dir, "http://127.0.0.1:8080")
		dev := newDeviceWith(b, records)
		dev.Enroll(b, dir)
		var bundles []sealed
		sealN := func(n int) []sealed {
			for len(bundles) < n {
				d, s := dev.Seal(b, p, uint64(len(bundles)+1))
				bundles = append(bundles, sealed{uint64(len(bundles) + 1), d, s})
			}
			return bundles[:n]
		}
		for _, store := range []string{"folder", "s3"} {
			for _, clients := range []int{1, 8} {
				b.Run(fmt.Sprintf("records=%d/store=%s/clients=%d", records, store, clients), func(b *testing.B) {
					cfg := receiver.Config{HQDir: dir, MaxUploads: 64}
					if store == "s3" {
						gw := s3gw.Start(b)
						cfg.Store = "s3://" + gw.Bucket(b, "bench") + "/hq"
						cfg.Getenv = s3gw.Getenv(gw.URL)
						s, err := receiver.OpenS3(cfg.Store, cfg.Getenv)
						if err != nil {
							b.Fatal(err)
						}
						d, err := hq.LoadDevice(dir, dev.ID)
						if err != nil {
							b.Fatal(err)
						}
						if err := s.PublishDevice(d); err != nil {
							b.Fatal(err)
						}
					}
					srv, _, _ := newServer(b, cfg)
					bs := sealN(b.N)
					next := make(chan int, b.N)
					for i := range b.N {
						next <- i
					}
					close(next)
					b.SetBytes(int64(len(bs[0].data)))
					b.ResetTimer()
					done := make(chan struct{})
					for range clients {
						go func() {
							defer func() { done <- struct{}{} }()
							for i := range next {
								if status, body := hqtest.Post(b, srv.Client(), srv.URL, dev.ID, uint64(i+1), bs[i].data, bs[i].sig); status != http.StatusOK {
									b.Errorf("%d %s", status, body)
									return
								}
							}
						}()
					}
					for range clients {
						<-done
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
				})
			}
		}
	}
}

// newDeviceWith is newDevice with n records (a case and notes).
func newDeviceWith(t testing.TB, n int) *hqtest.Device {
	t.Helper()
	d := hqtest.NewDevice(t)
	if n <= len(d.Records) {
		return d
	}
	return hqtest.NewDeviceWith(t, func(v *storage.Vault) error {
		k := &storage.Case{Title: "CNRP leaders", Number: "C-1/2024"}
		if err := v.Put(k); err != nil {
			return err
		}
		h := &storage.Hearing{CaseID: k.ID, Scheduled: time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)}
		if err := v.Put(h); err != nil {
			return err
		}
		var rs []storage.Record
		for i := range n - 2 {
			rs = append(rs, &storage.Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(i) * time.Second), Text: fmt.Sprintf("The prosecutor read the conclusions (%d)", i), Source: storage.SourceSeen})
		}
		return v.Put(rs...)
	})
}

// BenchmarkSuiteImportDevices is the HQ import rate across many devices:
// 10 and 100 monitors' bundles of 1,000 versions each (notes), and 100
// monitors' bundles of 10,000 (1M versions, the goal's size), in one
// folder, imported by one Import into one empty HQ vault, as HQ imports a
// week's deliveries. It reports the same rates as BenchmarkSuiteImport;
// next to its 10k figure from one device, 100 devices show how the rate
// grows with the devices and the vault (the goal is stated at 1M versions
// from 100 devices). Making the monitors' vaults and bundles is not timed.
func BenchmarkSuiteImportDevices(b *testing.B) {
	for _, size := range []struct {
		name               string
		devices, perDevice int
	}{
		{"versions=10k/devices=10", 10, 1_000},
		{"versions=100k/devices=100", 100, 1_000},
		// The goal's size: run on its own (make bench does), it takes
		// minutes to make the bundles and minutes to import them.
		{"versions=1M/devices=100", 100, 10_000},
	} {
		devices, perDevice := size.devices, size.perDevice
		n := devices * perDevice
		b.Run(size.name, func(b *testing.B) {
			ids, from, ds := deviceBundles(b, size.name, devices, perDevice)
			var r importRates
			for b.Loop() {
				b.StopTimer()
				dir := hqtest.NewHQ(b)
				for _, d := range ds {
					if _, _, err := hq.Enroll(dir, d.file); err != nil {
						b.Fatal(err)
					}
				}
				v := openHQVault(b, dir)
				r.measure(b, dir, v, from, ids, func(rep *ImportReport) {
					for _, d := range ds {
						if got := rep.Device(d.id).Added; got != perDevice {
							b.Fatalf("device %s: %d versions added, want %d\n%s", d.id, got, perDevice, problems(rep))
						}
					}
				})
				v.Close()
				b.StartTimer()
			}
			r.report(b, n)
		})
	}
}

// benchDevice is an enrolled monitor's device: its id and device file.
type benchDevice struct {
	id   string
	file []byte
}

// deviceBundles makes devices monitors' bundles of perDevice versions each
// in one folder, sealed to a new HQ, and returns HQ's identities, the
// folder and the devices. With COURTWATCH_BENCH_BUNDLES set to a folder,
// they are kept in a subfolder of it named after the benchmark and taken
// from there when it is complete, so that rounds of old and new test
// binaries import the same bundles without making them again (minutes at
// 1M versions).
func deviceBundles(b *testing.B, name string, devices, perDevice int) ([]age.Identity, string, []benchDevice) {
	b.Helper()
	cache := os.Getenv("COURTWATCH_BENCH_BUNDLES")
	var hqDir, from, devDir string
	if cache != "" {
		base := filepath.Join(cache, strings.NewReplacer("/", "_", "=", "-").Replace(name))
		hqDir, from, devDir = filepath.Join(base, "hq"), filepath.Join(base, "bundles"), filepath.Join(base, "devices")
		if _, err := os.Stat(filepath.Join(base, "complete")); err == nil {
			var ds []benchDevice
			files, _ := filepath.Glob(filepath.Join(devDir, "*.json"))
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, benchDevice{strings.TrimSuffix(filepath.Base(f), ".json"), data})
			}
			if len(ds) != devices {
				b.Fatalf("%s holds %d devices, want %d", devDir, len(ds), devices)
			}
			return hqtest.Identity(b, hqDir), from, ds
		}
		if err := os.RemoveAll(base); err != nil {
			b.Fatal(err)
		}
		if err := setup.Init(hqDir, setup.InitOptions{Name: "Test HQ", Passphrase: hqtest.Pass, KDF: storage.TestKDF}); err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(devDir, 0o700); err != nil {
			b.Fatal(err)
		}
	} else {
		hqDir, from = hqtest.NewHQ(b), b.TempDir()
	}
	ds := make([]benchDevice, devices)
	t0 := time.Now()
	for i := range ds {
		m := newMonitor(b, fmt.Sprintf("Monitor %d", i))
		addNotes(b, m, perDevice-len(m.versions(b)), "The prosecutor read the conclusions; defence counsel objected.")
		m.flat(b, from, m.seal(b, hqDir, nil))
		ds[i] = benchDevice{m.id(), m.file()}
		m.v.Close() // 100 open vaults would hold about 1 GB of Badger's tables and caches
		if devDir != "" {
			if err := os.WriteFile(filepath.Join(devDir, m.id()+".json"), ds[i].file, 0o600); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("%d monitors' bundles made in %s", devices, time.Since(t0).Round(time.Second))
	if cache != "" {
		if err := os.WriteFile(filepath.Join(filepath.Dir(hqDir), "complete"), nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return hqtest.Identity(b, hqDir), from, ds
}

// importRates adds up the wall and CPU time of benchmarked imports, until
// Import returns and until the import is searchable.
type importRates struct {
	took, tookSearchable time.Duration
	cpu, cpuSearchable   int64
}

// measure times one import of from into the HQ vault v of dir (the
// benchmark's timer stopped on entry and on return); check judges its
// report. Searchable: a search waits for the vault's background indexer
// to catch up with the import.
func (r *importRates) measure(b *testing.B, dir string, v *storage.Vault, from string, ids []age.Identity, check func(*ImportReport)) {
	if p := os.Getenv("COURTWATCH_BENCH_CPUPROFILE"); p != "" {
		// The CPU profile of the import until it is searchable; the last
		// iteration's is kept.
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	b.StartTimer()
	t0, c0 := time.Now(), cpuTime()
	rep, err := Import(dir, v, from, ImportOptions{Identities: ids})
	r.took += time.Since(t0)
	r.cpu += cpuTime() - c0
	b.StopTimer()
	if err != nil || rep.Failed() {
		b.Fatalf("%v\n%s", err, problems(rep))
	}
	check(rep)
	if hits, err := v.Search("prosecutor", 1); err != nil || len(hits) != 1 {
		b.Fatalf("search after the import: %d hits, %v", len(hits), err)
	}
	r.tookSearchable += time.Since(t0)
	r.cpuSearchable += cpuTime() - c0
}

// report gives the rates in versions per second of all the imports of
// versions versions each.
func (r *importRates) report(b *testing.B, versions int) {
	n := float64(versions * b.N)
	b.ReportMetric(n/r.took.Seconds(), "versions/s")
	// The CPU time of the process (the vault's indexer and Badger's
	// compactions included): on a shared machine wall time mostly
	// measures the other processes.
	b.ReportMetric(n/(float64(r.cpu)/1e9), "versions/cpu-s")
	// The same until the import is searchable: the indexer's work left
	// when Import returns included.
	b.ReportMetric(n/r.tookSearchable.Seconds(), "searchable-versions/s")
	b.ReportMetric(n/(float64(r.cpuSearchable)/1e9), "searchable-versions/cpu-s")
}
