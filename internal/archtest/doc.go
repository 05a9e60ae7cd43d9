// Package archtest holds no code, only a test that keeps promises the
// package graph can enforce (the rules are in archtest_test.go):
//
//   - storage/, sync/ and report/ never import Fyne, which lives in ui/
//     only;
//   - HQ's receiver (sync/hq/receiver) and the package it shares with the
//     importer (sync/hq) never reach age code (filippo.io/age), the
//     packages that read HQ's age identity (sync/hq/setup,
//     sync/hq/importer) or the vault (storage): the receiver checks
//     signatures with sync/bundle/verify and speaks sync/wire, which hold
//     no age code;
//   - only sync/bundle, sync/wire/hqprofile, sync/hq/setup and
//     sync/hq/importer import filippo.io/age, so no other package can
//     parse an identity (and hqtest, which only tests import);
//   - sync/hq/internal/hqtest, the helpers of HQ's tests, is imported by
//     tests only.
//
// The test reads the graph with `go list -deps -json` as built for Linux,
// Windows and macOS, and names the chain of imports that breaks a rule.
package archtest
