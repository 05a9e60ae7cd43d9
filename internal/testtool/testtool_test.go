package testtool

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records how Need ended the test instead of
// ending the real one.
type recorder struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatal(args ...any) {
	r.failed, r.msg = true, args[0].(string)
}
func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, args[0].(string)
}

func TestNeed(t *testing.T) {
	for _, tc := range []struct {
		name, tool, env    string
		wantFail, wantSkip bool
	}{
		{"present", "sh", "1", false, false},
		{"missing, plain go test", "courtwatch-no-such-tool", "", false, true},
		{"missing, make test", "courtwatch-no-such-tool", "1", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvRequire, tc.env)
			r := &recorder{TB: t}
			Need(r, tc.tool, "some-package")
			if r.failed != tc.wantFail || r.skipped != tc.wantSkip {
				t.Fatalf("failed %v skipped %v, want %v %v (%q)", r.failed, r.skipped, tc.wantFail, tc.wantSkip, r.msg)
			}
			if r.msg != "" && (!strings.Contains(r.msg, tc.tool) || !strings.Contains(r.msg, "some-package")) {
				t.Fatalf("message %q does not name the tool and its package", r.msg)
			}
		})
	}
}
