// Package localefix keeps Fyne from logging "Fyne error: Error parsing user
// locale C" on every run under the very common C.UTF-8 locale (containers,
// minimal installs, SSH sessions), which would otherwise clutter the output
// of every courtwatch command.
//
// Fyne reads the locale while its packages are initialized, before main
// runs, and does not understand "C.UTF-8". Go initializes packages that are
// ready in the order of their import paths (Go spec, "Package
// initialization"), so this package, imported by main for its side effect,
// runs before fyne.io/...: it sets LC_MESSAGES to "C", which means exactly
// the same for messages (untranslated, i.e. English) and which Fyne
// understands. Remove it once Fyne accepts C.UTF-8.
package localefix

import (
	"os"
	"strings"
)

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			if name != "LC_ALL" { // LC_ALL overrides LC_MESSAGES: fix it in place
				name = "LC_MESSAGES"
			}
			os.Setenv(name, "C")
		}
		return
	}
}
