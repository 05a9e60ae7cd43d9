package roster

import (
	"strings"

	"courtwatch/storage/fulltext"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Key returns the matching key of a person's name: two names with the same
// Key are treated as the same person, both for duplicate rows inside one
// roster and when the import matches persons already stored in the vault.
//
// The key is computed by
//   - turning U+200B ZERO WIDTH SPACE into a space: Khmer writers put it
//     between words where Latin script has a space, so "កឹម\u200bសុខា"
//     and "កឹម សុខា" are one name,
//   - removing the other invisible characters (fulltext.IsInvisible:
//     zero-width joiners, the byte order mark, the soft hyphen, bidi
//     controls, variation selectors and the other default-ignorable code
//     points),
//   - Unicode NFKC normalisation,
//   - Unicode full case folding (golang.org/x/text/cases Fold, corrected
//     for Cherokee), followed by NFKC again so that the result is stable
//     (Key(Key(s)) == Key(s)),
//   - collapsing every run of white space to a single ASCII space and
//     trimming white space at both ends.
//
// Key of a name made only of white space and invisible characters is "".
// Invalid UTF-8 bytes are replaced by U+FFFD.
//
// Names with different Keys may still be nearly the same: see nearKey.
func Key(name string) string {
	s := strings.Map(dropInvisible, name)
	s = norm.NFKC.String(s)
	// A Caser is stateful and must not be shared between goroutines, so a
	// new one is made on every call.
	s = strings.Map(cherokeeFold, cases.Fold().String(s))
	s = norm.NFKC.String(s)
	return strings.Join(strings.Fields(s), " ")
}

// cherokeeFold works around golang.org/x/text/cases Fold swapping the case of
// Cherokee letters (it folds capitals to small letters and small letters to
// capitals, so "Ꭰ" and "ꭰ" never matched). Unicode CaseFolding.txt folds the
// small letters to the capitals; applied after Fold, this gives that result.
func cherokeeFold(r rune) rune {
	switch {
	case r >= 0xAB70 && r <= 0xABBF: // CHEROKEE SMALL LETTER A .. MV
		return r - 0xAB70 + 0x13A0
	case r >= 0x13F8 && r <= 0x13FD: // CHEROKEE SMALL LETTER YE .. MV
		return r - 0x13F8 + 0x13F0
	}
	return r
}

func dropInvisible(r rune) rune {
	if r == '\u200b' {
		return ' '
	}
	if fulltext.IsInvisible(r) {
		return -1
	}
	return r
}

// nearKey is the loose form of a name (fulltext.FoldName, the form in which
// the Defendants filter compares names): case, Latin diacritics, white space
// and invisible characters are ignored. Two names with the same nearKey but
// different Keys, such as "Nguyễn An" and "Nguyen An", or "សុខ ជា" and
// "សុខជា", may be one person or two; import never decides that silently.
func nearKey(name string) string {
	return fulltext.FoldName(name)
}
