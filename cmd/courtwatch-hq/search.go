package main

import "courtwatch/cmd/internal/records"

const helpSearch = `Finds notes, persons (names and aliases), cases, events and attachments
from every device containing every word of QUERY, newest first. Latin
words match the start of words, ignoring case and accents (sochua finds
Sochua); Khmer matches anywhere in Khmer text.
`

const helpHistory = `Prints every version of a record that the HQ vault holds, oldest first,
with the device and monitor that wrote each: an edit made on a monitor's
device arrives as a new version, and the old ones stay.
`

func runSearch(c *cli, cmd *command, args []string) error {
	return records.Search(cmd, c.flagSet(cmd), args, c.recordSource())
}

func runHistory(c *cli, cmd *command, args []string) error {
	return records.History(cmd, c.flagSet(cmd), args, c.recordSource())
}
