package outbox

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"

	"filippo.io/age"
)

// countingListener counts the bytes its connections carry both ways.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return countingConn{c, l.n}, err
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// syncOne adds a note (outside the timer) and syncs it: seal and deliver,
// as `courtwatch sync` does.
func syncOne(b *testing.B, f *fixture, i int) Entry {
	b.StopTimer()
	if err := f.v.Put(noteAt(f.hearing, i)); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	if _, err := SealAll(f.v); err != nil {
		b.Fatal(err)
	}
	res, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil)
	if err != nil || len(res.Verified) != 1 {
		b.Fatalf("Deliver = %v, %+v", err, res)
	}
	return res.Verified[0]
}

// BenchmarkOneNoteSyncBytes counts the bytes on the wire, TLS included,
// for a sync of one new note to a pinned HTTPS receiver over a new
// connection, as `courtwatch sync` makes it: a new deliverer, resuming the
// TLS session that the sync before stored in the vault.
func BenchmarkOneNoteSyncBytes(b *testing.B) {
	benchSyncBytes(b, func(b *testing.B, f *fixture, i int) Entry { return syncOne(b, f, i) })
}

// BenchmarkOneNoteSyncWire splits BenchmarkOneNoteSyncBytes by how the
// sync reaches the receiver:
//
//	conn=new/session=none    full handshake: the first sync with a profile
//	                         (and every sync before TLS sessions were kept)
//	conn=new/session=stored  a new connection resuming the stored session
//	                         (`courtwatch sync`, the uploader after the
//	                         receiver closed the idle connection)
//	conn=open                the connection of the sync before, still open
//	                         (the uploader in the app)
func BenchmarkOneNoteSyncWire(b *testing.B) {
	b.Run("conn=new/session=none", func(b *testing.B) {
		benchSyncBytes(b, func(b *testing.B, f *fixture, i int) Entry {
			b.StopTimer()
			if err := f.v.Update(func(tx *storage.Tx) error { return forgetSessions(tx, "hq") }); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			return syncOne(b, f, i)
		})
	})
	b.Run("conn=new/session=stored", func(b *testing.B) {
		benchSyncBytes(b, func(b *testing.B, f *fixture, i int) Entry { return syncOne(b, f, i) })
	})
	b.Run("conn=open", func(b *testing.B) {
		var d *deliverer
		benchSyncBytes(b, func(b *testing.B, f *fixture, i int) Entry {
			return syncOpen(b, f, &d, i)
		})
	})
}

// benchSyncBytes runs sync (one note, delivered) against a pinned HTTPS
// receiver whose listener counts the bytes, after a first sync of the
// case and hearing.
func benchSyncBytes(b *testing.B, sync func(b *testing.B, f *fixture, i int) Entry) {
	f, r, _ := newDelivery(b)
	var n atomic.Int64
	s := httptest.NewUnstartedServer(r)
	s.Listener = countingListener{s.Listener, &n}
	s.StartTLS()
	defer s.Close()
	p := f.hq.profile(s.URL)
	p.TLSPin = pinOf(s)
	if err := AddProfile(f.v, p, "", true); err != nil {
		b.Fatal(err)
	}
	sync(b, f, 0) // the case and hearing
	n.Store(0)
	var size int64
	i := 0
	for b.Loop() {
		i++
		size += sync(b, f, i).Size
	}
	b.ReportMetric(float64(n.Load())/float64(i), "wire-bytes/op")
	b.ReportMetric(float64(size)/float64(i), "bundle-bytes/op")
}

// BenchmarkOneNoteSync times a one-note sync from an empty vault and from
// one with 100,000 notes already delivered: the cost must follow the
// change, not the vault.
func BenchmarkOneNoteSync(b *testing.B) {
	for _, tc := range []struct {
		name  string
		notes int
	}{{"vault=empty", 0}, {"vault=100k", 100_000}} {
		b.Run(tc.name, func(b *testing.B) {
			// With b.Loop this runs once, untimed; each vault is made in
			// its own run, so that one's compactions do not slow the other.
			f, _, _ := newDelivery(b)
			for i := 0; i < tc.notes; i += 1000 {
				rs := make([]storage.Record, 0, 1000)
				for j := i; j < min(i+1000, tc.notes); j++ {
					rs = append(rs, noteAt(f.hearing, j))
				}
				f.put(rs...)
			}
			if _, err := SealAll(f.v); err != nil {
				b.Fatal(err)
			}
			if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
				b.Fatal(err)
			}
			f.reopen() // flushed
			waitQuiet()
			b.ReportAllocs() // steadier than time on a shared machine
			i := tc.notes
			for b.Loop() {
				i++
				syncOne(b, f, i)
			}
		})
	}
}

// waitQuiet waits (up to two minutes) until Badger has compacted what the
// setup wrote: until the process has hardly allocated for three half
// seconds in a row. Otherwise the 100k case would time that compaction,
// not the sync.
func waitQuiet() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	last, quiet := m.Mallocs, 0
	for deadline := time.Now().Add(2 * time.Minute); quiet < 3 && time.Now().Before(deadline); {
		time.Sleep(500 * time.Millisecond)
		runtime.ReadMemStats(&m)
		if m.Mallocs-last < 1000 {
			quiet++
		} else {
			quiet = 0
		}
		last = m.Mallocs
	}
}

// resetOutbox forgets every bundle, so that Seal exports the vault again.
func resetOutbox(b *testing.B, v *storage.Vault) {
	err := v.Update(func(tx *storage.Tx) error {
		var keys []string
		for _, prefix := range []string{keyEntryPrefix, "bundle/", keyCursor} {
			tx.ScanAux(prefix, func(key string, _ []byte) error { keys = append(keys, key); return nil })
		}
		for _, k := range keys {
			if err := tx.DeleteAux(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExport compares a full export of 20,000 notes (read from the
// vault, tar, zstd, age, sign, store in the outbox) with age alone
// encrypting the same record bytes, in the same run, and splits the export
// into its reading and its sealing. All report MB/s of record bytes.
func BenchmarkExport(b *testing.B) {
	const n = 20_000
	f := newFixture(b)
	f.install("")
	for i := 0; i < n; i += 1000 {
		rs := make([]storage.Record, 1000)
		for j := range rs {
			rs[j] = noteAt(f.hearing, i+j)
		}
		f.put(rs...)
	}
	var jsonl []byte
	for _, r := range f.chainRaw(0) {
		jsonl = append(append(jsonl, r...), '\n')
	}
	b.Run("seal", func(b *testing.B) {
		b.SetBytes(int64(len(jsonl)))
		var size int64
		for b.Loop() {
			b.StopTimer()
			resetOutbox(b, f.v)
			b.StartTimer()
			e, err := Seal(f.v)
			if err != nil || e == nil || e.Records != n+2 {
				b.Fatalf("Seal = %+v, %v", e, err)
			}
			size = e.Size
		}
		b.ReportMetric(float64(size), "bundle-bytes")
	})
	// Where the time of "seal" goes: reading the versions from the vault,
	// then making the bundle (tar, zstd, age, signature).
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(jsonl)))
		for b.Loop() {
			if in, err := collect(f.v, cursor{}); err != nil || len(in.Records) != n+2 {
				b.Fatal(err)
			}
		}
	})
	b.Run("bundle", func(b *testing.B) {
		in, err := collect(f.v, cursor{})
		if err != nil {
			b.Fatal(err)
		}
		signer, err := bundle.NewSigner(f.v.Device().ID.String(), f.v.SigningKey())
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(jsonl)))
		for b.Loop() {
			if _, _, err := bundle.Seal(in.Input, []age.Recipient{f.hq.id.Recipient()}, signer); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("age", func(b *testing.B) {
		b.SetBytes(int64(len(jsonl)))
		var size int
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
			size = buf.Len()
		}
		b.ReportMetric(float64(size), "bundle-bytes")
	})
}

// syncOpen seals note i and delivers it over *d, made on first use, whose
// connection stays open from one sync to the next (the app's uploader).
func syncOpen(b *testing.B, f *fixture, d **deliverer, i int) Entry {
	if *d == nil {
		*d = newDeliverer(f.v, HTTPSFunc(fast))
		b.Cleanup((*d).close)
	}
	b.StopTimer()
	if err := f.v.Put(noteAt(f.hearing, i)); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	if _, err := SealAll(f.v); err != nil {
		b.Fatal(err)
	}
	res, err := (*d).pass(context.Background(), hooks{})
	if err != nil || len(res.Verified) != 1 {
		b.Fatalf("pass = %v, %+v", err, res)
	}
	return res.Verified[0]
}
