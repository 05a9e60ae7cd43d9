package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"courtwatch/sync/bundle/verify"
)

// recordHead is the part of a record version that the bundle checks. The
// full version is storage.Version; the bundle keeps its bytes as they are.
type recordHead struct {
	Device string `json:"device"`
	Seq    uint64 `json:"seq"`
	HLC    uint64 `json:"hlc"`
	Chain  string `json:"chain"`
}

// chainCheck checks that record versions, added in order, are one
// consecutive run of a device's hash chain: each version's seq is one more
// than the one before, and its chain field is the sha256 of the one before.
// It collects the ranges that the manifest states.
type chainCheck struct {
	device     string
	n          int
	first      uint64 // seq of the first version
	last       uint64 // seq of the last version
	hlcMin     uint64
	hlcMax     uint64
	firstChain string // chain field of the first version
	lastHash   string
}

func (c *chainCheck) add(raw []byte) error {
	if len(raw) == 0 || raw[0] != '{' {
		return fmt.Errorf("%w: record %d is not a JSON object", ErrMalformed, c.n+1)
	}
	h, ok := scanHead(raw)
	if !ok {
		h = recordHead{}
		if err := json.Unmarshal(raw, &h); err != nil {
			return fmt.Errorf("%w: record %d: %v", ErrMalformed, c.n+1, err)
		}
	}
	if h.Device != c.device {
		return fmt.Errorf("%w: record %d was written by device %q, but the bundle is from device %s", ErrTampered, c.n+1, h.Device, c.device)
	}
	if h.Seq == 0 {
		return fmt.Errorf("%w: record %d has no chain seq", ErrMalformed, c.n+1)
	}
	if c.n == 0 {
		if (h.Seq == 1) != (h.Chain == "") || (h.Seq > 1 && !verify.IsHash(h.Chain)) {
			return fmt.Errorf("%w: record 1 has chain seq %d and chain %q; only seq 1 has no chain", ErrMalformed, h.Seq, h.Chain)
		}
		c.first, c.firstChain, c.hlcMin, c.hlcMax = h.Seq, h.Chain, h.HLC, h.HLC
	} else {
		if h.Seq != c.last+1 {
			return fmt.Errorf("%w: record %d has chain seq %d, want %d: the records are not one consecutive run of the device's chain", ErrTampered, c.n+1, h.Seq, c.last+1)
		}
		if h.Chain != c.lastHash {
			return fmt.Errorf("%w: record %d (chain seq %d) does not name the hash of the record before it", ErrTampered, c.n+1, h.Seq)
		}
		c.hlcMin, c.hlcMax = min(c.hlcMin, h.HLC), max(c.hlcMax, h.HLC)
	}
	c.last, c.lastHash = h.Seq, Hash(raw)
	c.n++
	return nil
}

// matches reports how the collected ranges differ from what m states.
func (c *chainCheck) matches(m *Manifest) error {
	if c.n != m.Records || c.first != m.ChainFirst || c.last != m.ChainLast || c.hlcMin != m.HLCFirst || c.hlcMax != m.HLCLast {
		return fmt.Errorf("%w: records.jsonl holds %d records, chain %d..%d, hlc %d..%d, but the manifest says %d records, chain %d..%d, hlc %d..%d",
			ErrTampered, c.n, c.first, c.last, c.hlcMin, c.hlcMax, m.Records, m.ChainFirst, m.ChainLast, m.HLCFirst, m.HLCLast)
	}
	return nil
}

// Hash is the sha256 of data in lowercase hex. The hash of a bundle is the
// Hash of its file (the ciphertext).
func Hash(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
