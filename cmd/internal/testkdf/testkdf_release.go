//go:build !ci

package testkdf

import "courtwatch/storage"

// FromEnv never gives a test KDF in a shipped build (without the ci tag):
// COURTWATCH_TEST_KDF does nothing, and vaults get storage.DefaultKDF.
func FromEnv(func(string) string) (storage.KDFParams, bool) {
	return storage.KDFParams{}, false
}
