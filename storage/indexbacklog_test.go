package storage

import (
	"fmt"
	"testing"
	"time"
)

// TestIndexBacklog: the versions a save committed count in the backlog
// until the indexer has taken them in (it waits indexSettle for more
// saves), and none once a search has waited for them.
func TestIndexBacklog(t *testing.T) {
	v, _ := newTestVault(t)
	_, h := seedHearing(t, v)
	if err := v.waitIndexed(); err != nil {
		t.Fatal(err)
	}
	const n = 300
	var rs []Record
	for i := range n {
		rs = append(rs, &Note{HearingID: h.ID, Time: time.Now(), Text: fmt.Sprintf("backlog note %d", i)})
	}
	before := time.Now() // the indexer waits indexSettle after the save
	if err := v.Put(rs...); err != nil {
		t.Fatal(err)
	}
	got := v.IndexBacklog()
	if got != n && !(got == 0 && time.Since(before) >= indexSettle) {
		t.Errorf("backlog right after a save of %d notes: %d", n, got)
	}
	if hits, err := v.Search("backlog", n+1); err != nil || len(hits) != n {
		t.Fatalf("search: %d hits, %v", len(hits), err)
	}
	if got := v.IndexBacklog(); got != 0 {
		t.Errorf("backlog after a search: %d, want 0", got)
	}
	v.Close()
	if got := v.IndexBacklog(); got != 0 {
		t.Errorf("backlog after close: %d, want 0", got)
	}
}
