package receiver

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
)

// BenchmarkS3Requests times the S3 store's own requests against versitygw,
// from 1 and from 8 goroutines: what a new upload costs is one registry
// GET and one conditional PUT of the .cwb with its signature and receipt
// in the metadata; a resend adds a HEAD. The PUT without metadata is the
// baseline for what the metadata (xattrs on the gateway's disk) costs.
func BenchmarkS3Requests(b *testing.B) {
	f := &s3Fixture{S3: hqtest.NewS3(b)}
	var err error
	if f.store, err = OpenS3(f.URL, f.Getenv); err != nil {
		b.Fatal(err)
	}
	s := f.store
	body := bytes.Repeat([]byte{0xa5}, 900)
	registry := s.key("devices/x.json")
	if _, err := s.put(registry, bytes.NewReader(body[:300]), 300, true, nil, sha256Hex(body[:300])); err != nil {
		b.Fatal(err)
	}
	meta, _ := bundleMeta(bytes.Repeat([]byte("s"), 370), bytes.Repeat([]byte("r"), 600))
	var n atomic.Int64
	ops := []struct {
		name string
		op   func() error
	}{
		{"get-registry", func() error { _, _, err := s.get(registry, maxSmallObject); return err }},
		{"head", func() error { _, _, err := s.head(registry); return err }},
		{"put-create", func() error {
			_, err := s.put(s.key(fmt.Sprint("a/", n.Add(1))), bytes.NewReader(body), int64(len(body)), true, nil, sha256Hex(body))
			return err
		}},
		{"put-create-metadata", func() error {
			_, err := s.put(s.key(fmt.Sprint("b/", n.Add(1))), bytes.NewReader(body), int64(len(body)), true, meta, sha256Hex(body))
			return err
		}},
	}
	for _, o := range ops {
		for _, par := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", o.name, par), func(b *testing.B) {
				next := make(chan struct{}, b.N)
				for range b.N {
					next <- struct{}{}
				}
				close(next)
				b.ResetTimer()
				var wg sync.WaitGroup
				for range par {
					wg.Go(func() {
						for range next {
							if err := o.op(); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
			})
		}
	}
}
