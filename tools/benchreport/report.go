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
	missing         bool // a benchmark did not report
}

// get returns a benchmark's value in unit, and whether it ran.
func (r results) get(name, unit string) (float64, bool) {
	v, ok := r[name][unit]
	return v, ok
}

func ms(ns float64) string { return fmt.Sprintf("%.2f ms", ns/1e6) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func report(res results, rss map[int]float64, bleveFree bool, took string) string {
	var rows []row
	add := func(r row) { rows = append(rows, r) }
	none := func(figure, size, goal string) {
		add(row{figure: figure, size: size, measured: "not run", baseline: "", ratio: "", goal: goal, verdict: "not run", missing: true})
	}

	// Durable note save vs raw durable Badger Set.
	for _, size := range []string{"200B", "2KB"} {
		base := "BenchmarkSuiteNoteSave/note=" + size
		v, ok1 := res.get(base+"/vault", "ns/op")
		r, ok2 := res.get(base+"/raw", "ns/op")
		if !ok1 || !ok2 {
			none("durable note save", "note "+size, "≤ 1.3× raw")
			continue
		}
		add(row{"durable note save", "note " + size, ms(v), "raw Badger Set " + ms(r), fmt.Sprintf("%.2f×", v/r), "≤ 1.3×", verdict(v/r <= 1.3), false})
	}

	// Open without the KDF.
	var open10, open100 float64
	for _, n := range []string{"10k", "100k"} {
		v, ok := res.get("BenchmarkSuiteOpen/notes="+n, "ns/op")
		if !ok {
			none("open without KDF", n+" notes", "< 200 ms, flat in size")
			continue
		}
		if n == "10k" {
			open10 = v
		} else {
			open100 = v
		}
		ratio := "—"
		if n == "100k" && open10 > 0 {
			ratio = fmt.Sprintf("%.2f× the 10k vault", open100/open10)
		}
		add(row{"open without KDF", n + " notes", ms(v), "—", ratio, "< 200 ms, flat in size", verdict(v < 200e6), false})
	}

	// Search p95 vs bleve.
	for _, q := range []string{"common-latin-prefix", "two-words"} {
		for _, n := range []string{"10k", "100k"} {
			base := "BenchmarkSuiteSearch/notes=" + n + "/" + q
			v, ok1 := res.get(base+"/vault", "p95-ms")
			b, ok2 := res.get(base+"/bleve", "p95-ms")
			if !ok1 || !ok2 {
				none("search p95: "+q, n+" notes", "p95 ≤ bleve")
				continue
			}
			add(row{"search p95: " + q, n + " notes", fmt.Sprintf("%.2f ms", v), fmt.Sprintf("in-memory bleve %.2f ms", b),
				fmt.Sprintf("%.1f×", v/math.Max(b, 0.001)), "≤ 1× bleve", verdict(v <= b), false})
		}
	}

	// Full export (seal) vs age.
	for _, n := range []string{"2k", "20k"} {
		base := "BenchmarkSuiteExport/notes=" + n
		s, ok1 := res.get(base+"/seal", "MB/s")
		a, ok2 := res.get(base+"/age", "MB/s")
		if !ok1 || !ok2 {
			none("full export (seal)", n+" notes", "≤ 2× age's time")
			continue
		}
		add(row{"full export (seal)", n + " notes", fmt.Sprintf("%.1f MB/s", s), fmt.Sprintf("age %.0f MB/s", a),
			fmt.Sprintf("%.0f× age's time", a/s), "≤ 2×", verdict(a/s <= 2), false})
	}

	// HQ import.
	for _, n := range []string{"1k", "10k"} {
		v, ok := res.get("BenchmarkSuiteImport/versions="+n, "versions/s")
		if !ok {
			none("HQ import", n+" versions", "≥ 100k versions/s")
			continue
		}
		add(row{"HQ import", n + " versions, 1 device", fmt.Sprintf("%.0f versions/s", v), "—", "—", "≥ 100,000/s (at 1M from 100 devices)", verdict(v >= 100_000), false})
	}

	// One-note sync.
	if w, ok := res.get("BenchmarkOneNoteSyncBytes", "wire-bytes/op"); ok {
		bb, _ := res.get("BenchmarkOneNoteSyncBytes", "bundle-bytes/op")
		add(row{"one-note sync: bytes on the wire", "empty vault, HTTPS", fmt.Sprintf("%.0f B", w), fmt.Sprintf("bundle %.0f B", bb),
			fmt.Sprintf("%.1f× the bundle", w/math.Max(bb, 1)), "< 2 KB", verdict(w < 2048), false})
	} else {
		none("one-note sync: bytes on the wire", "empty vault", "< 2 KB")
	}
	e, ok1 := res.get("BenchmarkOneNoteSync/vault=empty", "ns/op")
	h, ok2 := res.get("BenchmarkOneNoteSync/vault=100k", "ns/op")
	if ok1 && ok2 {
		add(row{"one-note sync: time", "empty vault", ms(e), "—", "—", "", "", false})
		add(row{"one-note sync: time", "100k-note vault", ms(h), "empty vault " + ms(e), fmt.Sprintf("%.2f×", h/e), "≤ 1.5×", verdict(h/e <= 1.5), false})
	} else {
		none("one-note sync: time", "empty vs 100k", "≤ 1.5×")
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
				none(label, size, "S3 within 2× of folder")
				continue
			}
			add(row{label, size, fmt.Sprintf("S3 %.0f uploads/s", s), fmt.Sprintf("folder %.0f uploads/s", f),
				fmt.Sprintf("folder/S3 %.2f×", f/s), "S3 within 2×", verdict(f/s <= 2), false})
		}
	}

	// Peak RSS.
	const goalMB = 64*1.048576 + 40
	for _, n := range []int{1_000, 10_000} {
		v, ok := rss[n]
		if !ok {
			none("peak RSS, CLI export", fmt.Sprint(n, " notes"), "≤ 64 MiB + 40 MB")
			continue
		}
		add(row{"peak RSS, CLI export", fmt.Sprintf("%d notes (real Argon2id, 64 MiB)", n), fmt.Sprintf("%.1f MB", v), "—", "—",
			fmt.Sprintf("≤ 64 MiB + 40 MB (%.0f MB)", goalMB), verdict(v <= goalMB), false})
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark results\n\n")
	fmt.Fprintf(&b, "Written by `make bench` (tools/benchreport) on %s, %s/%s, %d CPUs, %s, in %s.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), took)
	b.WriteString("**These figures are noisy.** This run shared a 2-core machine with other busy processes, so absolute times swing by 2–5× between runs; the ratios to a baseline measured in the same run are what to read.\n\n")
	b.WriteString("| figure | size | measured | baseline (same run) | ratio | goal | verdict |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.figure, r.size, r.measured, r.baseline, r.ratio, r.goal, r.verdict)
	}
	b.WriteString("\nHow each is measured:\n\n")
	b.WriteString("- durable note save: `storage` BenchmarkSuiteNoteSave; `raw` is one Badger Set of as many bytes with SyncWrites, in a Badger opened like the vault's.\n")
	b.WriteString("- open: `storage` BenchmarkSuiteOpen, everything after the key derivation (Argon2id adds about 0.5 s on a laptop).\n")
	b.WriteString("- search: `storage` BenchmarkSuiteSearch, p95 of `Vault.Search(q, 50)` against the same note texts in an in-memory bleve v2.6.3 index (prefix query; conjunction of two match queries), top 50.\n")
	b.WriteString("- export: `sync/outbox` BenchmarkSuiteExport, Seal of the whole vault vs age encrypting the same JSONL record bytes; MB/s of record bytes.\n")
	b.WriteString("- HQ import: `sync/hq` BenchmarkSuiteImport, one bundle read from a folder, verified, decrypted, merged into an empty HQ vault.\n")
	b.WriteString("- one-note sync: `sync/outbox` BenchmarkOneNoteSyncBytes (TLS, pinned, counted on the listener) and BenchmarkOneNoteSync (seal + deliver after 100k notes were delivered).\n")
	b.WriteString("- receiver: `sync/hq` BenchmarkSuiteReceiver, new bundles over HTTP on loopback; S3 is a local versitygw v1.8.0 (POSIX backend) on the same disk.\n")
	b.WriteString("- peak RSS: the built `courtwatch` binary, `courtwatch export` of a vault made with `note import`, real KDF; ru_maxrss.\n")
	if bleveFree {
		b.WriteString("\n`go version -m` of the built courtwatch and courtwatch-hq lists no blevesearch module: bleve is in the benchmark only.\n")
	} else {
		b.WriteString("\n**`go version -m` lists a blevesearch module in a built binary: bleve must stay in the benchmark only.**\n")
	}
	return b.String()
}
