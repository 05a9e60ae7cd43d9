package storage

import (
	"sync"
	"time"
)

// clock is a hybrid logical clock: the high 48 bits are Unix milliseconds,
// the low 16 bits a counter. It never goes backwards, even when the wall
// clock does, and it moves past any time it observes (from the vault's own
// history or from another device's versions).
type clock struct {
	mu   sync.Mutex
	last uint64
	now  func() time.Time // nil: time.Now
}

const hlcLogicalBits = 16

func (c *clock) next() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	pt := uint64(now().UnixMilli()) << hlcLogicalBits
	if pt > c.last {
		c.last = pt
	} else {
		c.last++
	}
	return c.last
}

func (c *clock) observe(t uint64) {
	c.mu.Lock()
	if t > c.last {
		c.last = t
	}
	c.mu.Unlock()
}

// HLCTime returns the wall-clock part of a hybrid logical clock value.
func HLCTime(hlc uint64) time.Time {
	return time.UnixMilli(int64(hlc >> hlcLogicalBits)).UTC()
}
