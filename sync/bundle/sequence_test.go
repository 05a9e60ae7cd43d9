package bundle

import (
	"errors"
	"slices"
	"testing"
)

func TestSequence(t *testing.T) {
	h := func(n uint64) string { return Hash([]byte{byte(n)}) }
	m := func(seq uint64, prev string) Manifest { return Manifest{Device: devA, Seq: seq, Prev: prev} }
	s := Sequence{Device: devA}

	steps := []struct {
		m      Manifest
		hash   string
		want   error
		accept bool
	}{
		{m(2, h(1)), h(2), ErrGap, false},    // 2 before 1: wait
		{m(1, ""), h(1), nil, true},          // 1
		{m(1, ""), h(1), ErrReplay, false},   // 1 again
		{m(1, ""), h(9), ErrFork, false},     // another 1
		{m(2, h(9)), h(2), ErrFork, false},   // 2 naming another 1
		{m(4, h(3)), h(4), ErrGap, true},     // 4 before 2 and 3; imported anyway
		{m(2, h(1)), h(2), nil, true},        // 2 arrives
		{m(3, h(2)), h(3), nil, true},        // 3 arrives; Last moves past 4
		{m(5, h(4)), h(5), nil, true},        // 5
		{m(4, h(3)), h(4), ErrReplay, false}, // 4 again
		{Manifest{Device: devB, Seq: 6, Prev: h(5)}, h(6), ErrWrongSigner, false},
	}
	for i, st := range steps {
		err := s.Check(st.m, st.hash)
		if !errors.Is(err, st.want) || (st.want == nil && err != nil) {
			t.Fatalf("step %d: Check(seq %d) = %v, want %v", i, st.m.Seq, err, st.want)
		}
		if st.accept {
			s.Accept(st.m, st.hash)
		}
	}
	if s.Last != 5 || s.LastHash != h(5) {
		t.Errorf("Last = %d %s, want 5 %s", s.Last, s.LastHash, h(5))
	}

	var gap *GapError
	fresh := Sequence{Device: devA}
	if err := fresh.Check(m(5, h(4)), h(5)); !errors.As(err, &gap) || !slices.Equal(gap.Missing, []uint64{1, 2, 3, 4}) {
		t.Errorf("gap: %v", err)
	}
	if err := fresh.Check(m(1<<62, h(4)), h(5)); !errors.As(err, &gap) || len(gap.Missing) != maxMissing {
		t.Errorf("huge gap: %v", err)
	}
	fresh.Last = 7 // a sequence whose Seen was lost
	if err := fresh.Check(m(3, h(2)), h(3)); !errors.Is(err, ErrFork) {
		t.Errorf("unknown old bundle: %v", err)
	}
}
