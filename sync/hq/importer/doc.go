// Package importer merges into the HQ vault the bundles that the receiver
// stored (package receiver: a store folder or a bucket), or that came
// another way, such as a folder from a USB stick. It is the part of HQ
// that holds the decryption key: it reads HQ's age identity from age.key
// of the HQ folder (package hq) and opens the vault in vault/. Run it on
// the machine that keeps those, not on an exposed server.
//
// Import checks every bundle (signature by an enrolled device, decryption,
// manifest, sequence and hash chain; see Import for the order) and merges
// the records of those that pass, in one vault transaction with the
// device's sequence state (import_state.go). A revoked device's bundles
// are imported only if HQ receipted them before the revocation
// (import_revoked.go). VerifyFile explains, step by step, what Import
// would do with one bundle file, without merging it.
package importer
