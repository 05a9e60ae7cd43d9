package roster

import (
	"fmt"

	"courtwatch/internal/problems"
)

// RowError is one problem at one line.
//
// Line is the line of the file where the offending record starts (the header
// is normally line 1); it is 0 for problems with the file as a whole. Column
// is the column concerned, or "" if the problem is not about one column.
type RowError struct {
	Line   int
	Column string
	Reason string
}

func (e RowError) Error() string {
	switch {
	case e.Line <= 0:
		return e.Reason
	case e.Column == "":
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	default:
		return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Reason)
	}
}

// Error is returned by Parse when the file is not usable; it holds every
// problem found, in file order, up to 100 of them.
type Error struct {
	Problems  []RowError
	truncated bool // Parse stopped early because there were too many problems
}

func (e *Error) Error() string {
	return problems.Summary(e.Problems, e.truncated, maxProblems, "roster is not usable")
}
