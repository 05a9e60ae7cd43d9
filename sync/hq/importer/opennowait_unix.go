//go:build unix

package importer

import "syscall"

// openNoWait is the flag that makes opening a named pipe return at once
// instead of waiting for a writer. A plain file reads as without it.
const openNoWait = syscall.O_NONBLOCK
