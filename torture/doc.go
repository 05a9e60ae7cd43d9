// Package torture attacks the real Courtwatch programs the way a careless
// or hostile world does, and checks that no acknowledged record is ever
// lost, that no run ends in a crash or a Go runtime dump, and that no test
// string reaches the disk in plaintext.
//
// It builds cmd/courtwatch and cmd/courtwatch-hq (headless, -tags ci) and
// runs them as subprocesses in a scratch folder with their own vault, HQ
// folder, receiver store, temp folder (TMPDIR), config folder (HOME,
// XDG_CONFIG_HOME) and logs. Each workflow is one command that writes,
// killed with SIGKILL at a random moment of its run:
//
//	init, passwd, roster import, note import (100,000 lines in the long
//	run), export, sync, purge (case purge on, then sync), HQ import
//
// After each kill the vault must open, `courtwatch verify` must pass, and
// the number of versions must be what was acknowledged (a command that
// printed its result) or, for an all-or-nothing import that was not
// acknowledged, either all of it or none. On a small tmpfs (mounted when
// the test runs as root; otherwise it says why it skipped) the disk is
// filled to a random level before saves, an import, an export, a search
// and a report: saves may be refused, but never with a crash, and every
// acknowledged note stays readable. After every workflow the whole scratch
// folder except the programs is scanned for the test strings.
//
// The run ends with a table (Stats.Table): runs, acknowledged records lost,
// crashes, Go runtime dumps, plaintext found, and the longest legitimate
// sync under receiver attack. That last row comes from SyncUnderAttack, a
// hook that the receiver abuse suite (sync/hq/receiver) sets; until it is set, the
// row says so.
//
// TestTorture runs a short form (one kill per workflow, a 3,000-line
// import) inside `go test`; `make torture` sets COURTWATCH_TORTURE=1 for
// the long run (several kills per workflow, the 100,000-line import).
package torture
