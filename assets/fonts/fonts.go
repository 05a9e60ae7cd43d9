// Package fonts embeds the typefaces Courtwatch draws text with: Noto Sans
// for Latin script and Noto Sans Khmer for Khmer, each in regular and bold,
// unmodified copies from Debian's fonts-noto-core; and for the screens,
// Courtwatch Khmer (ui.go), a modified copy of Noto Sans Khmer. All are
// under the SIL Open Font License 1.1 (OFL.txt).
//
// Reports embed them in every HTML and PDF they write, so a report reads
// the same on a machine with no Khmer font installed.
package fonts

import _ "embed"

// Latin script (Noto Sans).
var (
	//go:embed NotoSans-Regular.ttf
	SansRegular []byte
	//go:embed NotoSans-Bold.ttf
	SansBold []byte
)

// Khmer script (Noto Sans Khmer). It has no Latin letters: text that mixes
// scripts is set in runs, each with its own font.
var (
	//go:embed NotoSansKhmer-Regular.ttf
	KhmerRegular []byte
	//go:embed NotoSansKhmer-Bold.ttf
	KhmerBold []byte
)

// License is the text of the SIL Open Font License that covers the fonts.
//
//go:embed OFL.txt
var License string
