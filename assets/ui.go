package assets

import "embed"

// I18n holds the translations of the app's screens, one JSON file per
// language (en.json, …) in the format of Fyne's lang package, keyed by the
// English text.
//
//go:embed i18n/*.json
var I18n embed.FS
