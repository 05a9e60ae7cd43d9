package storage

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSoakTamperFileFlips runs rounds of TestTamperFileFlips, each on a
// fresh vault with its own seed, for COURTWATCH_SOAK_TIME (default 20m):
// 10 flips in each table, value log and write-ahead log, 40 in MANIFEST
// and in KEYREGISTRY, and in the first round every single-bit flip of
// every byte of both MANIFESTs as well (every xor from 1 to 255 with
// COURTWATCH_TAMPER_MANIFEST_ALL=1). Set COURTWATCH_TAMPER_WORKERS=1 on a
// shared machine.
//
//	COURTWATCH_SOAK=1 go test -tags ci -run SoakTamper -timeout 2h ./storage
func TestSoakTamperFileFlips(t *testing.T) {
	if os.Getenv("COURTWATCH_SOAK") != "1" {
		t.Skip("set COURTWATCH_SOAK=1 to flip bytes in fresh vaults for 20 minutes")
	}
	budget := 20 * time.Minute
	if s := os.Getenv("COURTWATCH_SOAK_TIME"); s != "" {
		var err error
		if budget, err = time.ParseDuration(s); err != nil {
			t.Fatalf("COURTWATCH_SOAK_TIME=%q is not a duration", s)
		}
	}
	start := time.Now()
	rounds, trials, failed := 0, 0, 0
	for round := 0; round == 0 || time.Since(start) < budget; round++ {
		seed := uint64(time.Now().UnixNano())
		t.Run(fmt.Sprintf("round%d-seed%d", round, seed), func(t *testing.T) {
			roundStart := time.Now()
			base := t.TempDir()
			snaps, exp := tamperBuild(t, base)
			plan, layout := tamperPlanTrials(t, snaps, seed, tamperCounts{data: 10, meta: 40, manifestBits: round == 0,
				manifestAll: round == 0 && os.Getenv("COURTWATCH_TAMPER_MANIFEST_ALL") == "1"})
			results := tamperRunTrials(t, base, snaps, plan, exp)
			bad := tamperReport(t, seed, roundStart, plan, results)
			if len(bad) > 0 {
				t.Logf("layout:\n  %s", strings.Join(layout, "\n  "))
				tamperKeep(t, seed, snaps, bad, exp)
			}
			rounds, trials, failed = rounds+1, trials+len(plan), failed+len(bad)
		})
	}
	t.Logf("%d rounds, %d trials in %v; %d trials failed", rounds, trials, time.Since(start).Round(time.Second), failed)
}
