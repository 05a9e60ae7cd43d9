package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBaselinesStayOutOfBinaries: bleve is the search baseline of the
// benchmark suite only, and the monitor's app has no S3 client; the
// package graph of the commands says so.
func TestBaselinesStayOutOfBinaries(t *testing.T) {
	for _, tc := range []struct{ pkg, banned string }{
		{"courtwatch/cmd/courtwatch", "github.com/blevesearch/"},
		{"courtwatch/cmd/courtwatch-hq", "github.com/blevesearch/"},
		{"courtwatch/cmd/courtwatch", "github.com/minio/"},
	} {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", tc.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, tc.banned) {
				t.Errorf("%s depends on %s", tc.pkg, dep)
			}
		}
	}
}
