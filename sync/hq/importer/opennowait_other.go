//go:build !unix

package importer

// openNoWait is 0 where opening a file cannot wait for a writer.
const openNoWait = 0
