// Command licenses lists every module linked into courtwatch and
// courtwatch-hq with its licence, and the fonts the programs embed, and
// fails when one of them does not allow distribution with Courtwatch's
// licence (Apache-2.0).
//
// It asks the go command which packages the two programs are built from,
// on Linux, Windows and macOS (go list -deps -json), and reads the licence
// files of each module from the module cache: those at the module's root,
// in the folders of the packages built, and in folders without Go code
// below them (C sources, fonts). Each file is classified by its text (see
// Classify): Apache-2.0, MIT, BSD, ISC, Zlib, MPL-2.0, OFL-1.1 and a few
// others are allowed; GPL, LGPL, AGPL, SSPL and any text it does not know
// are not. The fonts in assets/fonts are read from their name tables.
//
// Usage, from the repository root:
//
//	go run ./tools/licenses                 write THIRD_PARTY.md
//	go run ./tools/licenses -check          fail if THIRD_PARTY.md is out of date or a licence is not allowed (make audit)
//	go run ./tools/licenses -texts FILE     also write every licence text in full to FILE (for a release archive)
package main
