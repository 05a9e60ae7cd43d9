package main

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// results maps a benchmark name (without the -GOMAXPROCS suffix) to its
// values by unit.
type results map[string]map[string]float64

// get returns a benchmark's value in unit, and whether it ran.
func (r results) get(name, unit string) (float64, bool) {
	v, ok := r[name][unit]
	return v, ok
}

// session is one run of benchreport, from the lines it writes into the
// raw output (metaLine), so that -reuse reads them back.
type session struct {
	start, end         time.Time
	loadStart, loadEnd string
	commit, code       string
	failed             []string // go test runs that failed
}

// runData is everything the report is made of.
type runData struct {
	res      results
	sessions []session
	bleve    string // "" not checked, noBleveMsg or bleveMsg
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$`)

// The lines benchreport itself writes into the raw output.
const (
	metaPrefix = "benchreport: "
	noBleveMsg = "go version -m: no blevesearch module in the binaries"
	bleveMsg   = "go version -m: a blevesearch module is in a binary"
)

// iterations is the unit under which parse keeps a benchmark's b.N.
const iterations = "iterations"

// parse reads go test output and benchreport's own lines. A benchmark that
// appears twice keeps its last figures.
func parse(out string, into *runData) {
	if into.res == nil {
		into.res = results{}
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, metaPrefix); ok {
			parseMeta(rest, into)
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		vals := map[string]float64{}
		if n, err := strconv.ParseFloat(m[3], 64); err == nil {
			vals[iterations] = n
		}
		f := strings.Fields(m[4])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				vals[f[i+1]] = v
			}
		}
		into.res[m[1]] = vals
	}
}

// parseMeta reads one of benchreport's lines (without its prefix):
//
//	start 2026-12-03T06:00:00Z load 1.00 2.00 3.00 commit abc1234 code c41f917
//	failed go test ... : exit status 1
//	end 2026-12-03T06:40:00Z load 4.00 5.00 6.00
//	go version -m: no blevesearch module in the binaries
//	go version -m: a blevesearch module is in a binary
func parseMeta(s string, into *runData) {
	f := strings.Fields(s)
	switch {
	case s == noBleveMsg || s == bleveMsg:
		into.bleve = s
	case len(f) >= 2 && f[0] == "start":
		t, err := time.Parse(time.RFC3339, f[1])
		if err != nil {
			return
		}
		ss := session{start: t}
		for i := 2; i+1 < len(f); i++ {
			switch f[i] {
			case "load":
				if i+3 < len(f) {
					ss.loadStart = strings.Join(f[i+1:i+4], " ")
				}
			case "commit":
				ss.commit = f[i+1]
			case "code":
				ss.code = f[i+1]
			}
		}
		into.sessions = append(into.sessions, ss)
	case len(f) >= 2 && f[0] == "failed" && len(into.sessions) > 0:
		last := &into.sessions[len(into.sessions)-1]
		last.failed = append(last.failed, strings.TrimPrefix(s, "failed "))
	case len(f) >= 2 && f[0] == "end" && len(into.sessions) > 0:
		t, err := time.Parse(time.RFC3339, f[1])
		if err != nil {
			return
		}
		last := &into.sessions[len(into.sessions)-1]
		last.end = t
		if len(f) >= 6 && f[2] == "load" {
			last.loadEnd = strings.Join(f[3:6], " ")
		}
	}
}
