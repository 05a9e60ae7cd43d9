// Package hqtest holds the helpers that the tests of HQ's packages
// (receiver, importer, setup) share: an HQ folder, a monitor's device
// that seals real bundles, a receiver's log, HTTP calls on the receiver's
// API, and a bucket on a real versitygw. Only tests import it
// (internal/archtest checks this): it holds test passphrases and keys.
//
// It does not import the receiver or the importer, whose own tests use
// it; those packages wrap a receiver themselves (Serve). It builds with
// the ci tag only, as storage.TestKDF does.
package hqtest
