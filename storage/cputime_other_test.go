//go:build !unix

package storage

func cpuTime() (int64, bool) { return 0, false }
