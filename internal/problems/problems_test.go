package problems

import (
	"errors"
	"testing"
)

func TestSummary(t *testing.T) {
	a, b := errors.New("line 2: bad"), errors.New("line 3: worse")
	for _, tc := range []struct {
		list      []error
		truncated bool
		want      string
	}{
		{nil, false, "file is not usable"},
		{[]error{a}, false, "line 2: bad"},
		{[]error{a, b}, false, "line 2: bad (and 1 more)"},
		{[]error{a, b, b}, true, "line 2: bad (and 2 more; checking stopped after 3 problems)"},
	} {
		if got := Summary(tc.list, tc.truncated, 3, "file is not usable"); got != tc.want {
			t.Errorf("Summary(%d problems, %v) = %q, want %q", len(tc.list), tc.truncated, got, tc.want)
		}
	}
}
