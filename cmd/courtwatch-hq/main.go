package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// version is set at link time from FyneApp.toml by the Makefile
// (-ldflags "-X main.version=...").
var version = "devel"

const usage = `courtwatch-hq: the Courtwatch headquarters tool

Usage:
  courtwatch-hq help       show this help
  courtwatch-hq version    print the version

The receiver and importer (keygen, serve, enroll, import, verify, report)
come with the delivery issue.
`

// stdout is where run writes its answers; tests replace it.
var stdout io.Writer = os.Stdout

// usageError is an error in how the command was called; main exits with
// status 2 for it, as flag parsing errors do.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	err := run(os.Args[1:])
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, err)
	code := 1
	if errors.As(err, new(usageError)) {
		code = 2
	}
	os.Exit(code)
}

func run(args []string) error {
	if len(args) == 0 {
		return usageError{"courtwatch-hq: no command given; try: courtwatch-hq help"}
	}
	switch cmd := args[0]; cmd {
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	case "version", "-version", "--version":
		_, err := fmt.Fprintf(stdout, "courtwatch-hq %s\n", version)
		return err
	default:
		return usageError{fmt.Sprintf(
			"courtwatch-hq: command %s is not available yet; the HQ receiver and importer come with the delivery issue", cmd)}
	}
}
