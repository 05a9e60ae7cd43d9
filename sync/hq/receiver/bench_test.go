package receiver

import (
	"net/http"
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
)

// BenchmarkReceiverUpload measures uploads per second of a one-record
// bundle over HTTP on loopback: new bundles (verified, stored durably,
// receipt signed), new bundles from 8 clients at once, and resends of a
// stored bundle.
func BenchmarkReceiverUpload(b *testing.B) {
	dir := hqtest.NewHQ(b)
	p := hqtest.Profile(b, dir, "http://127.0.0.1:8080")
	dev := hqtest.NewDevice(b)
	dev.Enroll(b, dir)
	type sealed struct{ data, sig []byte }
	var bundles []sealed
	sealN := func(n int) []sealed {
		for len(bundles) < n {
			d, s := dev.Seal(b, p, uint64(len(bundles)+1))
			bundles = append(bundles, sealed{d, s})
		}
		return bundles[:n]
	}

	b.Run("new", func(b *testing.B) {
		srv, _, _ := newServer(b, Config{HQDir: dir})
		bs := sealN(b.N)
		b.SetBytes(int64(len(bs[0].data)))
		b.ResetTimer()
		for i := range b.N {
			if status, body := hqtest.Post(b, srv.Client(), srv.URL, dev.ID, uint64(i+1), bs[i].data, bs[i].sig); status != http.StatusOK {
				b.Fatalf("%d %s", status, body)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
	})
	b.Run("new-8-clients", func(b *testing.B) {
		srv, _, _ := newServer(b, Config{HQDir: dir})
		bs := sealN(b.N)
		next := make(chan int, b.N)
		for i := range b.N {
			next <- i
		}
		close(next)
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := <-next
				if status, body := hqtest.Post(b, srv.Client(), srv.URL, dev.ID, uint64(i+1), bs[i].data, bs[i].sig); status != http.StatusOK {
					b.Errorf("%d %s", status, body)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
	})
	b.Run("resend", func(b *testing.B) {
		srv, _, _ := newServer(b, Config{HQDir: dir})
		bs := sealN(1)
		hqtest.Post(b, srv.Client(), srv.URL, dev.ID, 1, bs[0].data, bs[0].sig)
		b.ResetTimer()
		for range b.N {
			if status, body := hqtest.Post(b, srv.Client(), srv.URL, dev.ID, 1, bs[0].data, bs[0].sig); status != http.StatusOK {
				b.Fatalf("%d %s", status, body)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
	})
}
