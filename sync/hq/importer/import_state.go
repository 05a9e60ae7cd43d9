package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
)

// The import state lives in the HQ vault's auxiliary state (storage
// SetAux), so that it changes in the same transaction as the records:
//
//	import/seq/<device>                      the device's bundle.Sequence, JSON;
//	                                         Seen holds only bundles above Last
//	import/bundle/<device>/<seq, 20 digits>  a bundleLink for each imported bundle
//
// Seen is pruned because it would otherwise grow by one entry per bundle
// forever and be rewritten by every import; the links keep each bundle's
// hash, so a replay of any bundle is still told from a fork.
const (
	seqPrefix  = "import/seq/"
	linkPrefix = "import/bundle/"
)

func seqKey(device string) string { return seqPrefix + device }

func linkKey(device string, seq uint64) string {
	return fmt.Sprintf("%s%s/%020d", linkPrefix, device, seq)
}

// bundleLink is what HQ keeps of an imported bundle to link its
// neighbours to it: its hash and the part of the device's chain it holds.
type bundleLink struct {
	Hash       string    `json:"hash"`
	Prev       string    `json:"prev"`
	ChainFirst uint64    `json:"chain_first"`
	ChainLast  uint64    `json:"chain_last"`
	Chain      string    `json:"chain"` // chain field of the first record
	Tail       string    `json:"tail"`  // hash of the last record
	Records    int       `json:"records"`
	Imported   time.Time `json:"imported"`
}

func linkOf(c *bundle.Contents, now time.Time) bundleLink {
	m := c.Manifest
	return bundleLink{Hash: c.Trusted.Hash, Prev: m.Prev, ChainFirst: m.ChainFirst, ChainLast: m.ChainLast,
		Chain: c.Chain, Tail: bundle.Hash(c.Records[len(c.Records)-1]), Records: len(c.Records),
		Imported: now.UTC().Truncate(time.Second)}
}

// deviceState is a device's import state as far as one bundle needs it:
// the sequence, and the links of the bundle's seq and of its nearest
// imported neighbours below and above.
type deviceState struct {
	seq          bundle.Sequence
	self         *bundleLink // the bundle's seq, if HQ imported one
	below, above *bundleLink
	belowSeq     uint64
	aboveSeq     uint64
}

// loadSequence reads a device's sequence; a device HQ has imported nothing
// from has the zero one.
func loadSequence(tx *storage.Tx, device string) (bundle.Sequence, error) {
	s := bundle.Sequence{Device: device}
	b, err := tx.Aux(seqKey(device))
	if errors.Is(err, storage.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil || s.Device != device {
		return s, fmt.Errorf("the import state of device %s does not decode: %w", device, storage.ErrTampered)
	}
	return s, nil
}

func loadLink(tx *storage.Tx, device string, seq uint64) (*bundleLink, error) {
	b, err := tx.Aux(linkKey(device, seq))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l bundleLink
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("the import record of bundle %d of device %s does not decode: %w", seq, device, storage.ErrTampered)
	}
	return &l, nil
}

// loadState reads the state that bundle seq of device is checked against.
func loadState(tx *storage.Tx, device string, seq uint64) (*deviceState, error) {
	s, err := loadSequence(tx, device)
	if err != nil {
		return nil, err
	}
	st := &deviceState{seq: s}
	if st.self, err = loadLink(tx, device, seq); err != nil {
		return nil, err
	}
	if st.self != nil {
		if st.seq.Seen == nil {
			st.seq.Seen = map[uint64]string{}
		}
		st.seq.Seen[seq] = st.self.Hash
	}
	// The nearest imported bundles around seq: every one up to Last, and
	// those above Last in Seen.
	if seq > 1 {
		st.belowSeq = min(seq-1, s.Last)
		for q := range s.Seen {
			if q < seq && q > st.belowSeq {
				st.belowSeq = q
			}
		}
	}
	if seq < s.Last {
		st.aboveSeq = seq + 1
	}
	for q := range s.Seen {
		if q > seq && (st.aboveSeq == 0 || q < st.aboveSeq) {
			st.aboveSeq = q
		}
	}
	if st.belowSeq > 0 {
		if st.below, err = loadLink(tx, device, st.belowSeq); err != nil {
			return nil, err
		}
	}
	if st.aboveSeq > 0 {
		if st.above, err = loadLink(tx, device, st.aboveSeq); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// check classifies an opened bundle as bundle.Sequence.Check does (nil for
// the next bundle, ErrReplay, ErrFork, or a *bundle.GapError) and, for a
// bundle to import, checks that it links to the bundles around it.
func (st *deviceState) check(c *bundle.Contents) error {
	err := st.seq.Check(c.Manifest, c.Trusted.Hash)
	if err != nil && !errors.Is(err, bundle.ErrGap) {
		return err
	}
	if lerr := st.checkLinks(c); lerr != nil {
		return lerr
	}
	return err
}

// checkLinks checks that the bundle continues the bundle below it and is
// continued by the one above it: bundle N+1 names bundle N's hash, and
// its first record names the hash of bundle N's last record and has the
// next chain seq. Across a gap, the chain ranges must not overlap.
func (st *deviceState) checkLinks(c *bundle.Contents) error {
	m, dev := c.Manifest, c.Manifest.Device
	fork := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s; the device's history has split or was altered: do not import it again, and find out whether the device was restored from a backup or copied", bundle.ErrFork, fmt.Sprintf(format, a...))
	}
	if m.Seq == 1 && m.ChainFirst != 1 {
		return fork("bundle 1 of device %s starts at version %d of the device's chain, so versions 1 to %d were never sent", dev, m.ChainFirst, m.ChainFirst-1)
	}
	tail := bundle.Hash(c.Records[len(c.Records)-1])
	if b := st.below; b != nil {
		switch {
		case st.belowSeq == m.Seq-1 && m.Prev != b.Hash:
			return fork("bundle %d of device %s names %s as the bundle before it, but HQ imported bundle %d with hash %s", m.Seq, dev, orNone(m.Prev), st.belowSeq, b.Hash)
		case st.belowSeq == m.Seq-1 && (m.ChainFirst != b.ChainLast+1 || c.Chain != b.Tail):
			return fork("bundle %d of device %s starts at version %d of the device's chain, which does not follow version %d (hash %s) that ends bundle %d", m.Seq, dev, m.ChainFirst, b.ChainLast, b.Tail, st.belowSeq)
		case m.ChainFirst <= b.ChainLast:
			return fork("bundle %d of device %s starts at version %d of the device's chain, but bundle %d, imported before, already holds versions up to %d", m.Seq, dev, m.ChainFirst, st.belowSeq, b.ChainLast)
		}
	}
	if a := st.above; a != nil {
		switch {
		case st.aboveSeq == m.Seq+1 && a.Prev != c.Trusted.Hash:
			return fork("bundle %d of device %s, imported before, names %s as the bundle before it, not this bundle %d (%s)", st.aboveSeq, dev, orNone(a.Prev), m.Seq, c.Trusted.Hash)
		case st.aboveSeq == m.Seq+1 && (a.ChainFirst != m.ChainLast+1 || a.Chain != tail):
			return fork("bundle %d of device %s, imported before, starts at version %d of the device's chain, which does not follow version %d (hash %s) that ends this bundle %d", st.aboveSeq, dev, a.ChainFirst, m.ChainLast, tail, m.Seq)
		case a.ChainFirst <= m.ChainLast:
			return fork("bundle %d of device %s holds versions up to %d of the device's chain, but bundle %d, imported before, starts at version %d", m.Seq, dev, m.ChainLast, st.aboveSeq, a.ChainFirst)
		}
	}
	return nil
}

func orNone(hash string) string {
	if hash == "" {
		return "none"
	}
	return hash
}

// accept records the bundle as imported, in tx.
func (st *deviceState) accept(tx *storage.Tx, c *bundle.Contents, now time.Time) error {
	s := st.seq
	s.Seen = maps.Clone(s.Seen)
	s.Accept(c.Manifest, c.Trusted.Hash)
	maps.DeleteFunc(s.Seen, func(q uint64, _ string) bool { return q <= s.Last })
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := tx.SetAux(seqKey(s.Device), b); err != nil {
		return err
	}
	l, err := json.Marshal(linkOf(c, now))
	if err != nil {
		return err
	}
	return tx.SetAux(linkKey(s.Device, c.Manifest.Seq), l)
}

// missing lists the bundles of s's device that HQ lacks below the highest
// one it imported, at most 1000.
func missing(s bundle.Sequence) []uint64 {
	out := []uint64{}
	if len(s.Seen) == 0 {
		return out
	}
	top := slices.Max(slices.Collect(maps.Keys(s.Seen)))
	for q := s.Last + 1; q < top && len(out) < 1000; q++ {
		if _, ok := s.Seen[q]; !ok {
			out = append(out, q)
		}
	}
	return out
}
