package main

import "courtwatch/cmd/internal/records"

const helpSearch = `Finds notes, persons (names and aliases), cases, events and attachments
containing every word of QUERY, newest first. Latin words match the start of
words, ignoring case and accents (sochua finds Sochua); Khmer matches
anywhere in Khmer text.
`

func runSearch(c *cli, cmd *command, args []string) error {
	return records.Search(cmd, c.flagSet(cmd), args, c.recordSource())
}

func runHistory(c *cli, cmd *command, args []string) error {
	return records.History(cmd, c.flagSet(cmd), args, c.recordSource())
}
