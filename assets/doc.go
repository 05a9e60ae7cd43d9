// Package assets holds the files Courtwatch ships inside its binaries: the
// app icon now, and later the fonts (Noto Sans and Noto Sans Khmer), the
// fair-trial checklist templates and the translations.
//
// Each file is embedded with go:embed, so a binary needs nothing next to it.
// Files that are generated keep their generator under gen/, marked
// //go:build ignore so it is not part of the build; run go generate in this
// folder to remake them, and commit the output.
package assets

import _ "embed"

//go:generate go run gen/icon/main.go -o icon.png

// Icon is the Courtwatch app icon, a 512×512 PNG. FyneApp.toml names the
// same file for packaging.
//
//go:embed icon.png
var Icon []byte
