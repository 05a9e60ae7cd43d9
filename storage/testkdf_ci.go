//go:build ci

package storage

// TestKDF is a deliberately weak setting for tests and benchmarks only. It
// exists only in builds with the ci tag, which the tests use (make test:
// go test -tags ci), so no shipped binary can make a weakly protected
// vault: COURTWATCH_TEST_KDF does nothing there.
var TestKDF = KDFParams{Algorithm: "argon2id", Time: 1, MemoryKiB: 64, Threads: 1}
