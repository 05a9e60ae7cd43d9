package storage

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// indexBurst saves notes back to back for d (or indexQueueMax-100 saves), and returns when each save
// returned and when the indexer committed (testHookIndexCommit), until its
// first commit after the burst (or 10 s), and the last note's ID.
func indexBurst(t *testing.T, v *Vault, d time.Duration) (saves, commits []time.Time, last uuid.UUID) {
	t.Helper()
	_, h := seedHearing(t, v)
	// The hook keeps running after this returns, so it appends to a
	// variable of its own, not to the named result, which the caller
	// reads after the deferred Unlock.
	var mu sync.Mutex
	var got []time.Time
	v.testHookIndexCommit = func() {
		mu.Lock()
		got = append(got, time.Now())
		mu.Unlock()
	}
	// A burst stops short of indexQueueMax saves (one ref each, plus the
	// hearing's): at that many queued refs the indexer commits without
	// waiting for a pause, by design, and a quiet machine saves that many
	// in well under d (about 0.3 ms a save).
	for i := 0; len(saves) == 0 || time.Since(saves[0]) < d && len(saves) < indexQueueMax-100; i++ {
		n := &Note{HearingID: h.ID, Time: h.Scheduled, Text: fmt.Sprintf("burst%d ការសាកសួរ", i)}
		mustPut(t, v, n)
		saves, last = append(saves, time.Now()), n.ID
	}
	end := saves[len(saves)-1]
	for wait := time.Now(); time.Since(wait) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		done := len(got) > 0 && got[len(got)-1].After(end)
		mu.Unlock()
		if done {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return saves, append([]time.Time(nil), got...), last
}

// maxGap is the longest time between two saves of a burst.
func maxGap(saves []time.Time) time.Duration {
	var g time.Duration
	for i := 1; i < len(saves); i++ {
		g = max(g, saves[i].Sub(saves[i-1]))
	}
	return g
}

// TestIndexAfterBurst: while saves keep coming, the indexer does not
// commit between them; once they pause, it indexes them all without a
// search asking for it.
func TestIndexAfterBurst(t *testing.T) {
	v, _ := newTestVault(t)
	saves, commits, last := indexBurst(t, v, 3*indexSettle)
	end := saves[len(saves)-1]
	if g := maxGap(saves); g >= indexSettle/2 {
		t.Skipf("the machine stalled the saves for %v, a pause the indexer may take", g)
	}
	for _, c := range commits {
		if c.Before(end) {
			t.Errorf("the indexer committed %v into a burst of %d saves that never paused", c.Sub(saves[0]), len(saves))
		}
	}
	if len(commits) == 0 {
		t.Fatalf("nothing indexed within 10 s after a burst of %d saves", len(saves))
	}
	if p, _, pe := indexLeft(t, v, last); p == 0 || pe != 0 {
		t.Fatalf("the last note of the burst: %d postings, %d markers left", p, pe)
	}
}

// TestIndexBurstLowSpace: on a disk with little room left, the indexer
// goes back to committing indexSettle after the first save of a burst, so
// the saves that follow see the room its postings took.
func TestIndexBurstLowSpace(t *testing.T) {
	v, _ := newTestVault(t)
	defer func(m uint64) { lowSpaceMark = m }(lowSpaceMark)
	lowSpaceMark = 1 << 62 // every free-space check finds less
	saves, commits, _ := indexBurst(t, v, 4*indexSettle)
	if !v.lowSpace.Load() {
		t.Fatal("the free-space check did not note the low space")
	}
	end := saves[len(saves)-1]
	inside := 0
	for _, c := range commits {
		if c.Before(end) {
			inside++
		}
	}
	if inside == 0 {
		t.Fatalf("low on space, the indexer waited out a burst of %d saves over %v", len(saves), end.Sub(saves[0]))
	}
}
