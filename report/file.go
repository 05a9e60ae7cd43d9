package report

import (
	"fmt"

	"courtwatch/storage/safefile"
)

// WriteFile writes data to path atomically (safefile.WriteFile): into a
// temporary file in the same folder, which is synced and then renamed over
// path. On any error the temporary file is removed, so the report exists
// either whole at path or not at all, and no copy is left anywhere else.
// The file is readable by its owner only: reports hold what the vault
// protects.
func WriteFile(path string, data []byte) error {
	if err := safefile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
