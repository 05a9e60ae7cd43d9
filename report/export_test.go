package report

import (
	"slices"
	"sync"
)

// MissingKhmer returns the English texts met while building Khmer reports
// that have no Khmer translation, and forgets them.
func MissingKhmer() []string {
	var out []string
	missingKhmer.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	missingKhmer = sync.Map{}
	slices.Sort(out)
	return out
}
