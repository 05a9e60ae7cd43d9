// Package records holds the commands that read a vault's records, the
// same in courtwatch and courtwatch-hq: list, search and history
// (commands.go), report and report check (report.go, check.go). They
// print lists, search hits and version histories, with an optional column
// naming the device that wrote each record (HQ's vault holds every
// device's records).
package records

import (
	"courtwatch/storage"

	"github.com/google/uuid"
)

// DeviceJSON names the device that wrote a record's current version.
type DeviceJSON struct {
	Device  uuid.UUID `json:"device"`
	Monitor string    `json:"monitor"`
}

// ShortDevice is the column that names a device in a table: the last 8
// hex digits of its id (the first ones are a timestamp, shared by devices
// made in the same minute). The list's legend maps it to the monitor.
func ShortDevice(id uuid.UUID) string {
	s := id.String()
	return s[len(s)-8:]
}

// CaseLabel names a case in a table: its number, else its title.
func CaseLabel(k *storage.Case) string {
	if k.Number != "" {
		return k.Number
	}
	return k.Title
}
