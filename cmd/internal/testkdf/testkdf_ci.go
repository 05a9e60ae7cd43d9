//go:build ci

// Package testkdf gives the commands the weak test KDF (storage.TestKDF)
// when COURTWATCH_TEST_KDF=1, in test builds only: in a build without the
// ci tag, which is every shipped binary, the variable does nothing.
package testkdf

import "courtwatch/storage"

// FromEnv returns storage.TestKDF and true when getenv says
// COURTWATCH_TEST_KDF=1 and this is a test build (the ci tag).
func FromEnv(getenv func(string) string) (storage.KDFParams, bool) {
	if getenv("COURTWATCH_TEST_KDF") == "1" {
		return storage.TestKDF, true
	}
	return storage.KDFParams{}, false
}
