package storage

import (
	"testing"
	"time"
)

// TestCheckSpaceAsksAgain: a save relies on the last free-space reading
// only while it is fresh (freeRecheck) and left freeAmple beyond the save
// and the commits since; otherwise it reads the free space again.
func TestCheckSpaceAsksAgain(t *testing.T) {
	v, _ := newTestVault(t)
	c := &v.space
	if err := v.checkSpace(100); err != nil {
		t.Fatal(err)
	}
	if c.freeAt.IsZero() {
		t.Skip("this platform cannot tell the free space")
	}
	read := func() time.Time { return c.freeAt }
	// Plenty left, read just now: no new reading, and the save is counted.
	c.free, c.freeAt, c.since = 1<<50, time.Now(), 0
	at := read()
	if err := v.checkSpace(1000); err != nil {
		t.Fatal(err)
	}
	if read() != at || c.since != 2000 {
		t.Fatalf("plenty free, read %v ago: asked again (%v) or did not count the save (%d)", time.Since(at), read() != at, c.since)
	}
	// Plenty left but the reading is old: asks again.
	c.free, c.freeAt = 1<<50, time.Now().Add(-freeRecheck)
	at = read()
	if err := v.checkSpace(1000); err != nil {
		t.Fatal(err)
	}
	if read() == at {
		t.Fatal("a reading older than freeRecheck was relied on")
	}
	// A fresh reading that the commits since have eaten into: asks again.
	c.since = 0
	c.free, c.freeAt = need(1000, c.mem, c.tables)+freeAmple-1, time.Now()
	at = read()
	if err := v.checkSpace(1000); err != nil {
		t.Fatal(err)
	}
	if read() == at {
		t.Fatal("a reading with less than freeAmple to spare was relied on")
	}
	c.free, c.freeAt, c.since = need(1000, c.mem, c.tables)+freeAmple+10, time.Now(), 11
	at = read()
	if err := v.checkSpace(1000); err != nil {
		t.Fatal(err)
	}
	if read() == at {
		t.Fatal("the commits since the reading were not counted against it")
	}
}
