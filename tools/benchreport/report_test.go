package main

import (
	"strings"
	"testing"
	"time"
)

const sampleRaw = `benchreport: start 2026-12-03T06:00:00Z load 3.10 2.50 1.20 commit a20119a code c41f917
goos: linux
pkg: courtwatch/storage
BenchmarkSuiteOpen/notes=10k-2         	      30	  62000000 ns/op	  26000000 cpu-ns/op
BenchmarkSuiteOpen/notes=100k-2        	      30	 203000000 ns/op	 106000000 cpu-ns/op
BenchmarkSuiteSearch/notes=10k/two-words/vault-2   	      30	     31000 ns/op	         1.000 hits	         0.057 p95-ms
BenchmarkSuiteSearch/notes=10k/two-words/bleve-2   	      30	     26000 ns/op	         1.000 hits	         0.046 p95-ms
--- FAIL: BenchmarkSomething
BenchmarkOneNoteSyncWireServed/conn=new/session=stored-2 	30	 40000000 ns/op	 849.7 bundle-bytes/op	 2031 wire-bytes/op
BenchmarkOneNoteSync/vault=empty-2         	      30	  70530000 ns/op	 1865138 B/op	    2000 allocs/op
BenchmarkOneNoteSync/vault=100k-2          	      30	  39460000 ns/op	 1986299 B/op	    2060 allocs/op
benchreport: failed go test -bench x ./sync/hq/importer: exit status 1
BenchmarkCLIExportRSS/notes=1000 	 1 	 101.6 peak-MB
benchreport: go version -m: no blevesearch module in the binaries
benchreport: end 2026-12-03T06:41:00Z load 9.00 7.00 5.00
`

func TestParse(t *testing.T) {
	var d runData
	parse(sampleRaw, &d)
	for _, c := range []struct {
		name, unit string
		want       float64
	}{
		{"BenchmarkSuiteOpen/notes=10k", "cpu-ns/op", 26e6},
		{"BenchmarkSuiteOpen/notes=100k", "ns/op", 203e6},
		{"BenchmarkSuiteSearch/notes=10k/two-words/vault", "p95-ms", 0.057},
		{"BenchmarkOneNoteSyncWireServed/conn=new/session=stored", "wire-bytes/op", 2031},
		{"BenchmarkOneNoteSync/vault=100k", "allocs/op", 2060},
		{"BenchmarkCLIExportRSS/notes=1000", "peak-MB", 101.6},
	} {
		if got, ok := d.res.get(c.name, c.unit); !ok || got != c.want {
			t.Errorf("%s %s = %v, %v; want %v", c.name, c.unit, got, ok, c.want)
		}
	}
	if len(d.sessions) != 1 {
		t.Fatalf("sessions = %+v, want 1", d.sessions)
	}
	s := d.sessions[0]
	if !s.start.Equal(time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)) || !s.end.Equal(time.Date(2026, 12, 3, 6, 41, 0, 0, time.UTC)) ||
		s.loadStart != "3.10 2.50 1.20" || s.loadEnd != "9.00 7.00 5.00" || s.commit != "a20119a" || s.code != "c41f917" {
		t.Errorf("session = %+v", s)
	}
	if len(s.failed) != 1 || !strings.Contains(s.failed[0], "./sync/hq/importer") {
		t.Errorf("failed = %q", s.failed)
	}
	if d.bleve != noBleveMsg {
		t.Errorf("bleve = %q", d.bleve)
	}
}

// rowOf finds the row of figure and size.
func rowOf(t *testing.T, rs []row, figure, size string) row {
	t.Helper()
	for _, r := range rs {
		if r.figure == figure && strings.HasPrefix(r.size, size) {
			return r
		}
	}
	t.Fatalf("no row %q %q", figure, size)
	return row{}
}

func TestRows(t *testing.T) {
	res := results{
		"BenchmarkSuiteNoteSave/note=200B/vault":                    {"ns/op": 6.62e6},
		"BenchmarkSuiteNoteSave/note=200B/raw":                      {"ns/op": 4.97e6},
		"BenchmarkSuiteOpen/notes=10k":                              {"ns/op": 62e6, "cpu-ns/op": 26e6},
		"BenchmarkSuiteOpen/notes=100k":                             {"ns/op": 203e6, "cpu-ns/op": 106e6},
		"BenchmarkSuiteExport/notes=20k/seal":                       {"MB/s": 2.2, "cpu-ns/op": 314e6},
		"BenchmarkSuiteExport/notes=20k/age":                        {"MB/s": 20, "cpu-ns/op": 73e6},
		"BenchmarkSuiteImport/versions=1k":                          {"versions/s": 11740, "versions/cpu-s": 25150, "searchable-versions/s": 4775, "searchable-versions/cpu-s": 8410},
		"BenchmarkSuiteImportDevices/versions=100k/devices=100":     {"versions/s": 5000, "versions/cpu-s": 9000, "searchable-versions/s": 4000, "searchable-versions/cpu-s": 4205},
		"BenchmarkOneNoteSyncWireServed/conn=new/session=none":      {"wire-bytes/op": 4851, "bundle-bytes/op": 849},
		"BenchmarkOneNoteSyncWireServed/conn=open":                  {"wire-bytes/op": 1343, "bundle-bytes/op": 849},
		"BenchmarkSuiteReceiver/records=1/store=folder/clients=8":   {"uploads/s": 113},
		"BenchmarkSuiteReceiver/records=1/store=s3/clients=8":       {"uploads/s": 31},
		"BenchmarkCLIExportRSS/notes=10000":                         {"peak-MB": 105.9},
		"BenchmarkOneNoteSync/vault=empty":                          {"ns/op": 70.53e6, "allocs/op": 2000},
		"BenchmarkOneNoteSync/vault=100k":                           {"ns/op": 39.46e6, "allocs/op": 2060},
		"BenchmarkSuiteReceiver/records=100/store=folder/clients=1": {"uploads/s": 31},
	}
	rs := rows(res)
	for _, c := range []struct {
		figure, size                      string
		measured, ratio, verdictHasPrefix string
	}{
		{"durable note save", "note 200B", "6.62 ms", "1.33×", "**missed**"},
		{"durable note save", "note 2KB", "not run", "", "not run"},
		{"open without KDF", "10k notes", "26.00 ms CPU; 62.00 ms wall", "—", "met"},
		{"open without KDF", "100k notes", "106.00 ms CPU; 203.00 ms wall", "4.08× CPU, 3.27× wall, for 10× the notes", "**missed**: under 200 ms of CPU, not flat"},
		{"full export (seal)", "20k notes", "2.2 MB/s; CPU 314.00 ms", "9.09× age's time (CPU 4.30×)", "**missed**"},
		{"full export (seal)", "2k notes", "not run", "", "not run"},
		{"HQ import", "1k versions, 1 device", "11,740 versions/s; 25,150 per CPU-s; searchable: 4,775/s, 8,410 per CPU-s", "—", "**missed**"},
		{"HQ import", "10k versions, 1 device", "not run", "", "not run"},
		{"HQ import", "100k versions, 100 devices", "5,000 versions/s; 9,000 per CPU-s; searchable: 4,000/s, 4,205 per CPU-s", "0.50× searchable per CPU-s", "**missed**"},
		{"HQ import", "1M versions, 100 devices", "not run", "", "not run"},
		{"one-note sync: bytes on the wire", "first sync", "4851 B against HQ's receiver as served", "5.7× the bundle", "**missed**"},
		{"one-note sync: bytes on the wire", "new connection", "not run", "", "not run"},
		{"one-note sync: bytes on the wire", "connection of the sync before", "1343 B against HQ's receiver as served", "1.6× the bundle", "met"},
		{"one-note sync: time", "100k notes", "39.46 ms", "0.56× (allocs 1.03×)", "met"},
		{"receiver, 8 client(s)", "bundles of 1 record(s)", "S3 31 uploads/s", "folder/S3 3.65×", "**missed**"},
		{"receiver, 1 client(s)", "bundles of 100 record(s)", "not run", "", "not run"},
		{"peak RSS, CLI export", "10,000 notes", "105.9 MB", "—", "met"},
		{"peak RSS, CLI export", "1,000 notes", "not run", "", "not run"},
	} {
		r := rowOf(t, rs, c.figure, c.size)
		if c.size == "100k versions, 100 devices" && r.baseline != "1k versions, 1 device: searchable 8,410 per CPU-s" {
			t.Errorf("import's baseline: %q", r.baseline)
		}
		if r.measured != c.measured || r.ratio != c.ratio || !strings.HasPrefix(r.verdict, c.verdictHasPrefix) {
			t.Errorf("%s, %s: got %q | %q | %q; want %q | %q | %q…", c.figure, c.size, r.measured, r.ratio, r.verdict, c.measured, c.ratio, c.verdictHasPrefix)
		}
	}
	var d runData
	parse(sampleRaw, &d)
	if r := rowOf(t, rows(d.res), "search p95: two-words", "10k notes"); r.size != "10k notes, 30 searches" || r.ratio != "1.24×" || r.verdict != "**missed**" {
		t.Errorf("two-word search at 10k: %+v", r)
	}
	// An older run without the CPU figure: the wall time decides.
	r := rowOf(t, rows(results{"BenchmarkSuiteOpen/notes=10k": {"ns/op": 250e6}}), "open without KDF", "10k notes")
	if r.verdict != "**missed**" {
		t.Errorf("open at 250 ms of wall time, no CPU figure: %q", r.verdict)
	}
}

func TestHeader(t *testing.T) {
	var d runData
	parse(sampleRaw, &d)
	parse("benchreport: start 2026-12-03T07:00:00Z load 0.10 0.10 0.10 commit c41f917 code c41f917\n", &d)
	h := header(d, "2 CPUs")
	for _, want := range []string{
		"from 2 runs",
		"2026-12-03 06:00 UTC to 06:41 UTC (41 min), load average (1, 5, 15 min) 3.10 2.50 1.20 at the start and 9.00 7.00 5.00 at the end, commit a20119a (its code other than tests and this tool is c41f917's)",
		"2026-12-03 07:00 UTC to (cut short, no end recorded)",
		"**A go test run failed** (its rows say not run): `go test -bench x ./sync/hq/importer: exit status 1`",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("header lacks %q:\n%s", want, h)
		}
	}
	if numCPU() < 4 && !strings.Contains(h, "The load average was above what this run alone makes") {
		t.Errorf("a load of 9 on %d CPUs is not called busy:\n%s", numCPU(), h)
	}
	if strings.Contains(h, "(its code other than tests and this tool is c41f917's)\n") || strings.Count(h, "c41f917's") != 1 {
		t.Errorf("the code commit is named where it is the commit itself:\n%s", h)
	}
}

func TestCommas(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 11740.4: "11,740", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := commas(in); got != want {
			t.Errorf("commas(%v) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse: no go test output, however mangled, panics the parser, and
// every figure it keeps is a benchmark's.
func FuzzParse(f *testing.F) {
	f.Add(sampleRaw)
	f.Add("benchreport: start x load\nbenchreport: end 2026-12-03T06:41:00Z load 1\n")
	f.Add("BenchmarkX-2 1 2 ns/op 3\nbenchreport: failed\n")
	f.Fuzz(func(t *testing.T, s string) {
		var d runData
		parse(s, &d)
		for name := range d.res {
			if !strings.HasPrefix(name, "Benchmark") {
				t.Errorf("figure of %q kept", name)
			}
		}
		_ = report(d, "fuzz")
	})
}
