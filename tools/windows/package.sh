#!/bin/sh
# make windows: cross-compile courtwatch.exe and courtwatch-hq.exe for
# 64-bit Windows with cgo (Fyne's OpenGL driver) and Debian's mingw-w64,
# and zip them with the licence files and HOW-TO-START.txt into
# dist/Courtwatch-<version>-windows-amd64.zip.
#
# Usage: tools/windows/package.sh VERSION
set -eu

GO=${GO:-go}
VERSION=$1
NAME=Courtwatch-$VERSION-windows-amd64
STAGE=dist/$NAME

tools/windows/deps.sh gcc-mingw-w64-x86-64 zip

rm -rf "$STAGE" "dist/$NAME.zip"
mkdir -p "$STAGE"
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc
echo "make windows: building (a cold build compiles go-gl with mingw and takes several minutes)"
$GO build -ldflags "-s -w -X main.version=$VERSION" -o "$STAGE/" ./cmd/courtwatch ./cmd/courtwatch-hq
unset GOOS GOARCH CGO_ENABLED CC

# The third-party list must be true for what was just built.
$GO run ./tools/licenses -check -texts "$STAGE/THIRD_PARTY_LICENSES.txt"
cp LICENSE THIRD_PARTY.md "$STAGE/"
# Windows' Notepad shows LF-only text as one line in old versions.
sed 's/$/\r/' tools/windows/HOW-TO-START.txt >"$STAGE/HOW-TO-START.txt"

(cd dist && zip -q -r -X "$NAME.zip" "$NAME")
rm -rf "$STAGE"
for f in courtwatch.exe courtwatch-hq.exe LICENSE THIRD_PARTY.md THIRD_PARTY_LICENSES.txt HOW-TO-START.txt; do
	unzip -l "dist/$NAME.zip" | grep -q "$NAME/$f\$" || { echo "make windows: dist/$NAME.zip lacks $f" >&2; exit 1; }
done
echo "packaged dist/$NAME.zip ($(du -h "dist/$NAME.zip" | cut -f1))"
