package ui

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"courtwatch/demo"
	"courtwatch/report"
	"courtwatch/storage"
)

// TestHeapProfile writes a Go heap profile of the app after it has shown
// every screen of the demo vault, for tools/measure: run it with
//
//	COURTWATCH_HEAPPROFILE=/tmp/heap.pprof go test -tags ci ./ui -run TestHeapProfile
//	go tool pprof -top -inuse_space /tmp/heap.pprof
//
// It draws nothing (Fyne's test driver), so it shows what the app and the
// vault keep, not the renderer's textures.
func TestHeapProfile(t *testing.T) {
	out := os.Getenv("COURTWATCH_HEAPPROFILE")
	if out == "" {
		t.Skip("profiling tool: set COURTWATCH_HEAPPROFILE to a file to write the profile")
	}
	u := newTestUI(t)
	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Build(v, 1)
	if err != nil {
		t.Fatal(err)
	}
	u.opened(v)
	for i := range u.tabs.Items {
		u.tabs.SelectIndex(i)
	}
	u.openHearing(sum.Hearings[0])
	for i := range 4 {
		u.hearing.showTab(i)
	}
	u.exportReport(report.SubjectHearing, sum.Hearings[0])
	clearOverlays(u.win.Canvas())
	s := u.openSearch()
	s.search("court")
	s.close()
	u.hearing.showTab(0)
	runtime.GC()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		t.Fatal(err)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("live heap %d MiB after every screen", m.HeapAlloc>>20)
}
