package main

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"
)

// row is one line of the table.
type row struct {
	figure, size    string
	measured        string
	baseline, ratio string
	goal, verdict   string
}

func numCPU() int { return runtime.NumCPU() }

func ms(ns float64) string { return fmt.Sprintf("%.2f ms", ns/1e6) }

// times is a ratio: two decimals below 10, none above.
func times(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// commas writes v rounded, with thousands separators: 11,740.
func commas(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if v < 0 {
		return "-" + b.String()
	}
	return b.String()
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// The goals, as issue 13 states them.
const (
	goalSave   = "≤ 1.3× raw"
	goalOpen   = "< 200 ms, flat in size (100k ≤ 1.5× 10k)"
	goalSearch = "≤ 1× bleve"
	goalExport = "≤ 2× age's time"
	goalImport = "≥ 100,000/s (at 1M from 100 devices)"
	goalWire   = "< 2 KB (2,048 B)"
	goalSync   = "≤ 1.5× the empty vault's"
	goalRecv   = "S3 within 2× of folder"
	rssGoalMB  = 64*1.048576 + 40
)

// rows makes the table from the benchmarks' figures; a figure whose
// benchmark did not report is a "not run" row.
func rows(res results) []row {
	var rows []row
	add := func(r row) { rows = append(rows, r) }
	none := func(figure, size, goal string) {
		add(row{figure: figure, size: size, measured: "not run", goal: goal, verdict: "not run"})
	}

	// Durable note save vs raw durable Badger Set.
	for _, size := range []string{"200B", "2KB"} {
		base := "BenchmarkSuiteNoteSave/note=" + size
		v, ok1 := res.get(base+"/vault", "ns/op")
		r, ok2 := res.get(base+"/raw", "ns/op")
		if !ok1 || !ok2 {
			none("durable note save", "note "+size, goalSave)
			continue
		}
		add(row{"durable note save", "note " + size, ms(v), "raw Badger Set " + ms(r), times(v / r), goalSave, verdict(v/r <= 1.3)})
	}

	// Open without the KDF: CPU per open + close, and wall time.
	openOf := func(n string) (wall, cpu float64, ok bool) {
		wall, ok = res.get("BenchmarkSuiteOpen/notes="+n, "ns/op")
		cpu, hasCPU := res.get("BenchmarkSuiteOpen/notes="+n, "cpu-ns/op")
		if !hasCPU || cpu == 0 {
			cpu = wall // an older run without the CPU figure
		}
		return wall, cpu, ok
	}
	w10, c10, ok10 := openOf("10k")
	if ok10 {
		add(row{"open without KDF", "10k notes", fmt.Sprintf("%s CPU; %s wall", ms(c10), ms(w10)), "—", "—", goalOpen, verdict(c10 < 200e6)})
	} else {
		none("open without KDF", "10k notes", goalOpen)
	}
	if w, c, ok := openOf("100k"); ok {
		base, ratio, v := "—", "—", verdict(c < 200e6)
		if ok10 {
			base = fmt.Sprintf("the 10k vault: %s CPU; %s wall", ms(c10), ms(w10))
			ratio = fmt.Sprintf("%s CPU, %s wall, for 10× the notes", times(c/c10), times(w/w10))
			switch {
			case c >= 200e6:
				v = "**missed**: over 200 ms of CPU"
			case c/c10 > 1.5:
				v = "**missed**: under 200 ms of CPU, not flat"
			default:
				v = "met"
			}
		}
		add(row{"open without KDF", "100k notes", fmt.Sprintf("%s CPU; %s wall", ms(c), ms(w)), base, ratio, goalOpen, v})
	} else {
		none("open without KDF", "100k notes", goalOpen)
	}

	// Search p95 vs bleve.
	for _, q := range []string{"common-latin-prefix", "two-words"} {
		for _, n := range []string{"10k", "100k"} {
			base := "BenchmarkSuiteSearch/notes=" + n + "/" + q
			v, ok1 := res.get(base+"/vault", "p95-ms")
			b, ok2 := res.get(base+"/bleve", "p95-ms")
			vm, _ := res.get(base+"/vault", "ns/op")
			bm, _ := res.get(base+"/bleve", "ns/op")
			if !ok1 || !ok2 {
				none("search p95: "+q, n+" notes", goalSearch)
				continue
			}
			size := n + " notes"
			if it, ok := res.get(base+"/vault", iterations); ok {
				size += fmt.Sprintf(", %.0f searches", it)
			}
			add(row{"search p95: " + q, size, fmt.Sprintf("%.3f ms (mean %.3f ms)", v, vm/1e6),
				fmt.Sprintf("in-memory bleve %.3f ms (mean %.3f ms)", b, bm/1e6),
				times(v / math.Max(b, 0.001)), goalSearch, verdict(v <= b)})
		}
	}

	// Full export (seal) vs age.
	for _, n := range []string{"2k", "20k"} {
		base := "BenchmarkSuiteExport/notes=" + n
		s, ok1 := res.get(base+"/seal", "MB/s")
		a, ok2 := res.get(base+"/age", "MB/s")
		if !ok1 || !ok2 {
			none("full export (seal)", n+" notes", goalExport)
			continue
		}
		sc, _ := res.get(base+"/seal", "cpu-ns/op")
		ac, _ := res.get(base+"/age", "cpu-ns/op")
		measured, baseline, ratio := fmt.Sprintf("%.1f MB/s", s), fmt.Sprintf("age %.0f MB/s", a), times(a/s)+" age's time"
		if sc > 0 && ac > 0 {
			measured += "; CPU " + ms(sc)
			baseline += "; CPU " + ms(ac)
			ratio += " (CPU " + times(sc/ac) + ")"
		}
		add(row{"full export (seal)", n + " notes", measured, baseline, ratio, goalExport, verdict(a/s <= 2)})
	}

	// HQ import, from one device and from many into one vault; growth is
	// the searchable rate per CPU second against the smallest import's.
	var first float64
	var firstSize string
	for _, imp := range []struct{ name, size string }{
		{"BenchmarkSuiteImport/versions=1k", "1k versions, 1 device"},
		{"BenchmarkSuiteImport/versions=10k", "10k versions, 1 device"},
		{"BenchmarkSuiteImportDevices/versions=10k/devices=10", "10k versions, 10 devices (1k each), one import"},
		{"BenchmarkSuiteImportDevices/versions=100k/devices=100", "100k versions, 100 devices (1k each), one import"},
		{"BenchmarkSuiteImportDevices/versions=1M/devices=100", "1M versions, 100 devices (10k each), one import"},
	} {
		v, ok := res.get(imp.name, "versions/s")
		if !ok {
			none("HQ import", imp.size, goalImport)
			continue
		}
		measured := commas(v) + " versions/s"
		vc, _ := res.get(imp.name, "versions/cpu-s")
		sv, okS := res.get(imp.name, "searchable-versions/s")
		sc, _ := res.get(imp.name, "searchable-versions/cpu-s")
		if vc > 0 {
			measured += "; " + commas(vc) + " per CPU-s"
		}
		if okS {
			measured += fmt.Sprintf("; searchable: %s/s, %s per CPU-s", commas(sv), commas(sc))
		}
		base, ratio := "—", "—"
		switch {
		case first == 0 && sc > 0:
			first, firstSize = sc, imp.size
		case first > 0 && sc > 0:
			base, ratio = firstSize+": searchable "+commas(first)+" per CPU-s", times(sc/first)+" searchable per CPU-s"
		}
		add(row{"HQ import", imp.size, measured, base, ratio, goalImport, verdict(v >= 100_000)})
	}

	// One-note sync: bytes on the wire against HQ's receiver as served.
	for _, w := range []struct{ sub, size string }{
		{"conn=new/session=none", "first sync with a profile (full handshake)"},
		{"conn=new/session=stored", "new connection, TLS session resumed from the vault (`courtwatch sync`)"},
		{"conn=open", "connection of the sync before still open (the app's uploader)"},
	} {
		name := "BenchmarkOneNoteSyncWireServed/" + w.sub
		n, ok := res.get(name, "wire-bytes/op")
		if !ok {
			none("one-note sync: bytes on the wire", w.size, goalWire)
			continue
		}
		bb, _ := res.get(name, "bundle-bytes/op")
		add(row{"one-note sync: bytes on the wire", w.size, fmt.Sprintf("%.0f B against HQ's receiver as served", n),
			fmt.Sprintf("bundle %.0f B", bb), fmt.Sprintf("%.1f× the bundle", n/math.Max(bb, 1)), goalWire, verdict(n < 2048)})
	}

	// One-note sync: time, empty vault vs 100k notes delivered.
	e, ok1 := res.get("BenchmarkOneNoteSync/vault=empty", "ns/op")
	h, ok2 := res.get("BenchmarkOneNoteSync/vault=100k", "ns/op")
	if ok1 && ok2 {
		ratio := times(h / e)
		ea, okA := res.get("BenchmarkOneNoteSync/vault=empty", "allocs/op")
		ha, _ := res.get("BenchmarkOneNoteSync/vault=100k", "allocs/op")
		if okA && ea > 0 {
			ratio += " (allocs " + times(ha/ea) + ")"
		}
		add(row{"one-note sync: time", "empty vault", ms(e), "—", "—", "", ""})
		add(row{"one-note sync: time", "100k notes delivered", ms(h), "empty vault " + ms(e), ratio, goalSync, verdict(h/e <= 1.5)})
	} else {
		none("one-note sync: time", "empty vault vs 100k notes delivered", goalSync)
	}

	// Receiver, folder vs S3.
	for _, clients := range []string{"1", "8"} {
		for _, recs := range []string{"1", "100"} {
			base := "BenchmarkSuiteReceiver/records=" + recs + "/store="
			f, ok1 := res.get(base+"folder/clients="+clients, "uploads/s")
			s, ok2 := res.get(base+"s3/clients="+clients, "uploads/s")
			label := fmt.Sprintf("receiver, %s client(s)", clients)
			size := fmt.Sprintf("bundles of %s record(s)", recs)
			if !ok1 || !ok2 {
				none(label, size, goalRecv)
				continue
			}
			add(row{label, size, fmt.Sprintf("S3 %.0f uploads/s", s), fmt.Sprintf("folder %.0f uploads/s", f),
				"folder/S3 " + times(f/s), goalRecv, verdict(f/s <= 2)})
		}
	}

	// Peak RSS of the CLI export.
	goal := fmt.Sprintf("≤ 64 MiB + 40 MB (%.0f MB)", rssGoalMB)
	for _, n := range []int{1_000, 10_000} {
		v, ok := res.get(fmt.Sprintf("BenchmarkCLIExportRSS/notes=%d", n), "peak-MB")
		if !ok {
			none("peak RSS, CLI export", commas(float64(n))+" notes", goal)
			continue
		}
		add(row{"peak RSS, CLI export", commas(float64(n)) + " notes (real Argon2id, 64 MiB)", fmt.Sprintf("%.1f MB", v), "—", "—", goal, verdict(v <= rssGoalMB)})
	}
	return rows
}

// report is bench/results.md: when and where the figures were measured,
// the table, and how each figure is measured.
func report(d runData, machine string) string {
	var b strings.Builder
	b.WriteString("# Benchmark results\n\n")
	b.WriteString(header(d, machine))
	b.WriteString("| figure | size | measured | baseline (same run) | ratio | goal | verdict |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows(d.res) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.figure, r.size, r.measured, r.baseline, r.ratio, r.goal, r.verdict)
	}
	b.WriteString(howMeasured)
	switch d.bleve {
	case noBleveMsg:
		b.WriteString("\n`go version -m` of the built courtwatch and courtwatch-hq lists no blevesearch module: bleve is in the benchmark only.\n")
	case bleveMsg:
		b.WriteString("\n**`go version -m` lists a blevesearch module in a built binary: bleve must stay in the benchmark only.**\n")
	default:
		b.WriteString("\n`go version -m` of the binaries was not checked in this run (-rss=false).\n")
	}
	return b.String()
}

// header says when, where and on which code the figures were measured,
// and how busy the machine was.
func header(d runData, machine string) string {
	var b strings.Builder
	const stamp = "2006-01-02 15:04 UTC"
	if len(d.sessions) == 0 {
		fmt.Fprintf(&b, "Written by `make bench` (tools/benchreport) on %s, %s/%s, %s, %s. The run's start and end were not recorded.\n\n",
			time.Now().UTC().Format(stamp), runtime.GOOS, runtime.GOARCH, machine, runtime.Version())
	} else {
		if len(d.sessions) == 1 {
			b.WriteString("Written by `make bench` (tools/benchreport) from one run: ")
		} else {
			fmt.Fprintf(&b, "Written by `make bench` (tools/benchreport) from %d runs, the later ones finishing what the earlier left (-only, -reuse): ", len(d.sessions))
		}
		for i, s := range d.sessions {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s to ", s.start.UTC().Format(stamp))
			if s.end.IsZero() {
				b.WriteString("(cut short, no end recorded)")
			} else {
				fmt.Fprintf(&b, "%s (%.0f min)", s.end.UTC().Format("15:04 UTC"), s.end.Sub(s.start).Minutes())
			}
			fmt.Fprintf(&b, ", load average (1, 5, 15 min) %s at the start", s.loadStart)
			if s.loadEnd != "" {
				fmt.Fprintf(&b, " and %s at the end", s.loadEnd)
			}
			fmt.Fprintf(&b, ", commit %s", s.commit)
			if s.code != "" && s.code != "?" && !strings.HasPrefix(s.commit, s.code) {
				fmt.Fprintf(&b, " (its code other than tests and this tool is %s's)", s.code)
			}
		}
		fmt.Fprintf(&b, ". Machine: %s/%s, %s, %s.\n\n", runtime.GOOS, runtime.GOARCH, machine, runtime.Version())
		for _, s := range d.sessions {
			for _, f := range s.failed {
				fmt.Fprintf(&b, "**A go test run failed** (its rows say not run): `%s`.\n\n", f)
			}
		}
	}
	// Busy: other processes shared the machine. At the start the load is
	// theirs; at the end it includes the run's own, which keeps up to every
	// CPU busy.
	busy := false
	for _, s := range d.sessions {
		for i, l := range []string{s.loadStart, s.loadEnd} {
			var l1 float64
			if _, err := fmt.Sscan(l, &l1); err == nil && l1 > float64(numCPU()*(1+i)) {
				busy = true
			}
		}
	}
	if busy {
		b.WriteString("**These figures are noisy.** The load average was above what this run alone makes: other busy processes shared the machine, so absolute times swing by 2–5× between runs. Read the ratios to a baseline measured in the same run, and the CPU times, which the other processes disturb less.\n\n")
	} else {
		b.WriteString("**These figures are noisy**: absolute times swing between runs. Read the ratios to a baseline measured in the same run, and the CPU times.\n\n")
	}
	return b.String()
}

const howMeasured = `
How each is measured:

- durable note save: ` + "`storage`" + ` BenchmarkSuiteNoteSave; ` + "`raw`" + ` is one Badger Set of as many bytes with SyncWrites, in a Badger opened like the vault's.
- open: ` + "`storage`" + ` BenchmarkSuiteOpen, everything after the key derivation (Argon2id adds about 0.5 s on a laptop); CPU is the process's CPU time (getrusage, all goroutines) per open + close, wall the time per open + close. The verdict reads the CPU time.
- search: ` + "`storage`" + ` BenchmarkSuiteSearch, p95 and mean of ` + "`Vault.Search(q, 50)`" + ` against the same note texts in an in-memory bleve v2.6.3 index (prefix query; conjunction of two match queries), top 50.
- export: ` + "`sync/outbox`" + ` BenchmarkSuiteExport, Seal of the whole vault vs age encrypting the same JSONL record bytes; MB/s of record bytes, and the process's CPU time per operation.
- HQ import: ` + "`sync/hq/importer`" + ` BenchmarkSuiteImport (one device's bundle) and BenchmarkSuiteImportDevices (10 and 100 devices' bundles of 1,000 versions, and 100 devices' bundles of 10,000: 1M versions, the goal's size; all of them imported by one Import), read from a folder, verified, decrypted, merged into an empty HQ vault; versions/s of wall time and per CPU second of the process (its background indexer included), for Import alone and until the import is searchable (the vault's indexer has caught up).
- one-note sync, bytes: ` + "`sync/outbox`" + ` BenchmarkOneNoteSyncWireServed, a sync of one new note to HQ's receiver as ` + "`courtwatch-hq serve`" + ` runs it (its own TLS setup, pinned, on an IP address URL: a host name adds 9 B plus its length twice), counted both ways on the receiver's listener, TLS included: a full handshake, a new connection resuming the TLS session stored in the vault, and the connection of the sync before.
- one-note sync, time: ` + "`sync/outbox`" + ` BenchmarkOneNoteSync, seal + deliver of one new note over HTTPS, from an empty vault and after 100k notes were delivered.
- receiver: ` + "`sync/hq/importer`" + ` BenchmarkSuiteReceiver, new bundles over HTTP on loopback, 150 uploads; S3 is a local versitygw v1.8.0 (POSIX backend) on the same disk.
- peak RSS: the built ` + "`courtwatch`" + ` binary, ` + "`courtwatch export`" + ` of a vault made with ` + "`note import`" + `, real KDF; ru_maxrss.
`
