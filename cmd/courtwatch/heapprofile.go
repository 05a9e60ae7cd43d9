//go:build heapprofile

package main

// A build for tools/measure only (go build -tags heapprofile): on SIGUSR1
// the program writes a Go heap profile of the running app to the file
// named by COURTWATCH_HEAPPROFILE, with the signal's count appended
// (heap.pprof.1, heap.pprof.2, ...). Shipped builds do not have it.

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
)

func init() {
	out := os.Getenv("COURTWATCH_HEAPPROFILE")
	if out == "" {
		return
	}
	// Every 64 KiB allocated rather than 512: the app's heap is small,
	// and the default sampling attributes it in 512 KiB lumps.
	runtime.MemProfileRate = 64 << 10
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() { // lives as long as the program: a tool's build only
		for n := 1; ; n++ {
			<-sig
			runtime.GC()
			f, err := os.Create(fmt.Sprintf("%s.%d", out, n))
			if err == nil {
				err = pprof.WriteHeapProfile(f)
				f.Close()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "courtwatch: heap profile:", err)
			}
			// What the Go runtime holds, against the process's RSS.
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(os.Stderr, "memstats: heap live %.1f inuse %.1f idle %.1f released %.1f, stacks %.1f, runtime %.1f, sys %.1f MiB\n",
				mib(m.HeapAlloc), mib(m.HeapInuse), mib(m.HeapIdle), mib(m.HeapReleased), mib(m.StackInuse),
				mib(m.MSpanInuse+m.MCacheInuse+m.BuckHashSys+m.GCSys+m.OtherSys), mib(m.Sys))
		}
	}()
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
