// Package assets holds the files Courtwatch ships inside its binaries:
//
//   - Icon: the app icon (icon.png, drawn by gen/icon).
//   - Checklists: the fair-trial checklist templates and their translations
//     (checklists/*.json).
//   - I18n: the translations of the app's screens (i18n/en.json, km.json).
//   - The fonts, in the subpackage fonts: Noto Sans and Noto Sans Khmer for
//     reports, and Courtwatch Khmer (a modified Noto Sans Khmer) for the
//     screens.
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
