package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/storage"
)

// TestShippedBuildIgnoresTestKDF: courtwatch-hq built as it ships (without
// the ci tag) ignores COURTWATCH_TEST_KDF=1: its HQ vault gets the strong
// default KDF, and it prints no test warning.
func TestShippedBuildIgnoresTestKDF(t *testing.T) {
	if testing.Short() {
		t.Skip("builds courtwatch-hq")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command to build courtwatch-hq with")
	}
	bin := filepath.Join(t.TempDir(), "courtwatch-hq")
	if out, err := exec.Command(goTool, "build", "-o", bin, "courtwatch/cmd/courtwatch-hq").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "hq")
	cmd := exec.Command(bin, "init", "--dir", dir)
	cmd.Env = append(os.Environ(), "COURTWATCH_TEST_KDF=1", "COURTWATCH_PASSPHRASE=correct horse battery staple", "COURTWATCH_PASSPHRASE_FILE=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "COURTWATCH_TEST_KDF") {
		t.Errorf("a shipped build warns of the test KDF:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "vault", "vault.json"))
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		KDF storage.KDFParams `json:"kdf"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	if h.KDF.MemoryKiB != storage.DefaultKDF.MemoryKiB || h.KDF.Time != storage.DefaultKDF.Time {
		t.Errorf("a shipped build made a vault with KDF %+v, want the default %+v", h.KDF, storage.DefaultKDF)
	}
}
