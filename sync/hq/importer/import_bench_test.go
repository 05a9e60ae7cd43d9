package importer

import (
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
)

// BenchmarkImport measures the HQ import rate in versions per second: a
// bundle of 10,000 versions (notes), read from disk, verified, decrypted,
// checked and merged into an empty HQ vault, in transactions as large as
// the vault takes. Notes in Khmer cost more than in English: the vault
// indexes Khmer text by character trigrams, so a Khmer note makes several
// times more search postings. Each iteration imports into a new HQ folder
// (which enrolls the device, and decrypts with the first one's age key);
// making it is not timed.
func BenchmarkImport(b *testing.B) {
	for _, bm := range []struct{ name, text string }{
		{"khmer", khmerNote},
		{"english", "The prosecutor read the conclusions; defence counsel objected."},
	} {
		b.Run(bm.name, func(b *testing.B) {
			const n = 10_000
			first := hqtest.NewHQ(b)
			m := newMonitor(b, "Sok Dara")
			addNotes(b, m, n-len(m.versions(b)), bm.text)
			from := b.TempDir()
			bs := m.seal(b, first, nil)
			m.flat(b, from, bs)
			ids := hqtest.Identity(b, first)
			b.SetBytes(int64(len(bs.data)))
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				dir := hqtest.NewHQ(b)
				m.enroll(b, dir)
				v := openHQVault(b, dir)
				b.StartTimer()
				rep, err := Import(dir, v, from, ImportOptions{Identities: ids})
				b.StopTimer()
				if err != nil || rep.Failed() || rep.Device(m.id()).Added != n {
					b.Fatalf("%v %+v\n%s", err, rep.Device(m.id()), problems(rep))
				}
				v.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "versions/s")
		})
	}
}
