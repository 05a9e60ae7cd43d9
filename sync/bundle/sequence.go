package bundle

import "fmt"

// Sequence tracks, for one device, which bundles HQ has accepted, and
// classifies the next one. Keep it with the HQ vault; the zero value with
// Device set is a device HQ has received nothing from.
type Sequence struct {
	Device   string
	Last     uint64            // highest seq such that all of 1..Last were accepted
	LastHash string            // hash of bundle Last
	Seen     map[uint64]string // seq -> hash of every accepted bundle
}

// Check classifies an opened bundle with manifest m and bundle hash hash
// (Contents.Trusted.Hash). It returns nil if the bundle is the next one:
// seq Last+1, naming bundle Last as prev. Otherwise:
//   - ErrReplay: this exact bundle was accepted before; skip it.
//   - ErrFork: another bundle with the same seq was accepted, or the bundle
//     does not name the one before it, or its seq is at or below Last and
//     HQ has no hash on record for it. The device's history has split: do
//     not import; investigate.
//   - *GapError (ErrGap): bundles between Last and seq are missing (or
//     arrived out of order). Keep the bundle and check it again once the
//     missing ones are accepted.
//   - ErrWrongSigner: m names another device than s.
func (s *Sequence) Check(m Manifest, hash string) error {
	if m.Device != s.Device {
		return fmt.Errorf("%w: the bundle is from device %s, this sequence is device %s's", ErrWrongSigner, m.Device, s.Device)
	}
	if m.Seq == 0 {
		return fmt.Errorf("%w: bundle seq 0", ErrMalformed)
	}
	if h, ok := s.Seen[m.Seq]; ok {
		if h == hash {
			return fmt.Errorf("%w: bundle %d of device %s (sha256 %s) was imported before; nothing to do", ErrReplay, m.Seq, m.Device, hash)
		}
		return fmt.Errorf("%w: device %s sent two different bundles numbered %d (sha256 %s and %s); do not import either again, and find out whether the device was copied or its key leaked", ErrFork, m.Device, m.Seq, h, hash)
	}
	switch {
	case m.Seq <= s.Last:
		return fmt.Errorf("%w: bundle %d of device %s is older than the last one imported (%d) and HQ has no record of it; compare it with the imported data by hand", ErrFork, m.Seq, m.Device, s.Last)
	case m.Seq == s.Last+1 && m.Prev != s.LastHash:
		return fmt.Errorf("%w: bundle %d of device %s names %q as the bundle before it, but HQ imported %q; find out whether the device was restored from a backup or copied", ErrFork, m.Seq, m.Device, m.Prev, s.LastHash)
	case m.Seq > s.Last+1:
		g := &GapError{Device: m.Device}
		for q := s.Last + 1; q < m.Seq && len(g.Missing) < maxMissing; q++ {
			if _, ok := s.Seen[q]; !ok {
				g.Missing = append(g.Missing, q)
			}
		}
		return g
	}
	return nil
}

// Accept records that HQ imported the bundle. If it is the next one, Last
// moves past it and past any later bundles accepted before it. Accepting a
// bundle that Check did not pass (say, to import despite a gap) records it
// too, but its link to the bundles before it is then never checked.
func (s *Sequence) Accept(m Manifest, hash string) {
	if s.Seen == nil {
		s.Seen = map[uint64]string{}
	}
	s.Seen[m.Seq] = hash
	for {
		h, ok := s.Seen[s.Last+1]
		if !ok {
			return
		}
		s.Last, s.LastHash = s.Last+1, h
	}
}
