// Package problems words the error of a check that lists every problem it
// found in a file (a roster, a transcript), so that both say it alike:
// the first problem, then how many more there are.
package problems

import "fmt"

// Summary is the text of such an error: the first problem, then "(and N
// more)", with "checking stopped after max problems" when the check
// stopped early (truncated). none is the text when the list is empty.
func Summary[P error](list []P, truncated bool, max int, none string) string {
	if len(list) == 0 {
		return none
	}
	s := list[0].Error()
	if n := len(list) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more", n)
		if truncated {
			s += fmt.Sprintf("; checking stopped after %d problems", max)
		}
		s += ")"
	}
	return s
}
