package ui

import (
	"github.com/google/uuid"

	"courtwatch/report"
)

// exportReport previews the report about id and saves it where the user
// chooses.
// TODO(scaffold): being written; replaced before this session ends.
func (u *appUI) exportReport(s report.Subject, id uuid.UUID) {}
