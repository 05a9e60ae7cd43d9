package storage

import (
	"testing"
	"time"
)

var testPass = []byte("correct horse battery staple")

// newTestVault creates a vault with cheap KDF settings in a temp dir.
func newTestVault(t testing.TB) (*Vault, string) {
	t.Helper()
	dir := t.TempDir()
	v, err := Create(dir, testPass, CreateOptions{KDF: TestKDF, DeviceName: "test monitor"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return v, dir
}

func mustPut(t testing.TB, v *Vault, rs ...Record) {
	t.Helper()
	if err := v.Put(rs...); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

// seedHearing stores a case and a hearing and returns them.
func seedHearing(t testing.TB, v *Vault) (*Case, *Hearing) {
	t.Helper()
	c := &Case{Court: "Phnom Penh Municipal Court", Number: "C-1", Title: "Mass trial"}
	mustPut(t, v, c)
	h := &Hearing{CaseID: c.ID, Scheduled: time.Date(2021, 1, 14, 8, 0, 0, 0, time.UTC)}
	mustPut(t, v, h)
	return c, h
}
