//go:build unix

package storage

import "syscall"

// cpuTime is the CPU time this process used so far, user and system, in
// nanoseconds; benchmarks report it per operation (cpu-ns/op) because on a
// shared machine wall time mostly measures the other processes.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
