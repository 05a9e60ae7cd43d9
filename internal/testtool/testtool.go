// Package testtool lets a test say which outside program it needs (pdftotext,
// age, minisign, zstd…) and what to do when that program is missing.
//
// Under `make test`, which installs every such program first, the Makefile
// sets COURTWATCH_REQUIRE_TOOLS=1 and a missing program fails the test: a
// test that cannot run must not pass. Without it (a plain `go test`), the
// test is skipped with a message naming the program and the Debian package
// that provides it.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// EnvRequire is the environment variable that turns a missing program into
// a failure. `make test` sets it to 1.
const EnvRequire = "COURTWATCH_REQUIRE_TOOLS"

// Need returns when the program tool is on PATH. Otherwise it fails the
// test if $COURTWATCH_REQUIRE_TOOLS is set, and skips it if not; either way
// the message names tool and pkg, the Debian package to install.
func Need(t testing.TB, tool, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err == nil {
		return
	}
	msg := tool + " not found: install " + pkg + " (apt-get install " + pkg + "; make test does)"
	if os.Getenv(EnvRequire) != "" {
		t.Fatal(msg + "; " + EnvRequire + " is set, so a missing tool fails the test")
	} else {
		t.Skip(msg)
	}
}
