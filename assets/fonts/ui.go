package fonts

import _ "embed"

// Khmer script for the screens (Courtwatch Khmer): Noto Sans Khmer with its
// ascent and descent raised to 1160/-700 and renamed, as the OFL asks of a
// modified copy. Fyne crops each line to the font's declared ascent and
// descent; with the original metrics a vowel under a subscript consonant is
// cut off. tools/khmerfont/raise.py makes these files from the originals.
var (
	//go:embed CourtwatchKhmer-Regular.ttf
	UIKhmerRegular []byte
	//go:embed CourtwatchKhmer-Bold.ttf
	UIKhmerBold []byte
)
