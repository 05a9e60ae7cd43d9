#!/bin/sh
# make test-windows: build the headless tests of storage, sync, report and
# the command-line programs as Windows executables and run them under Wine
# (Debian's wine64), in a Wine prefix of their own whose temporary folder
# has a space in its name, on drive C:.
#
# Wine 8.0 lacks bcryptprimitives.dll, which every Go program since Go 1.22
# needs at start (ProcessPrng). tools/wine-shim/bcryptprimitives.c is built
# with mingw-w64 and copied into the test prefix only; it is never shipped.
#
# Go 1.24 and later delete files (os.Remove, os.RemoveAll, t.TempDir's
# clean-up) with NtSetInformationFile(FileDispositionInformationEx), and
# fall back to the older call when Windows answers STATUS_INVALID_INFO_CLASS.
# Wine 8.0 answers STATUS_NOT_IMPLEMENTED instead, so every deletion fails
# with "Invalid function". The test executables are built with an -overlay
# copy of the toolchain's internal/syscall/windows/at_windows.go that also
# falls back on that answer; the shipped programs are built without it.
#
# Environment: OUT (default tmp-windows-test), WINEPREFIX (default
# $OUT/wineprefix), PKGS (the packages to test), RUN (a -test.run pattern).
set -eu

GO=${GO:-go}
OUT=${OUT:-$(pwd)/tmp-windows-test}
export WINEPREFIX=${WINEPREFIX:-$OUT/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
PKGS=${PKGS:-"./storage/... ./sync/... ./report/... ./cmd/..."}
WINE=/usr/lib/wine/wine64
CC_WIN=x86_64-w64-mingw32-gcc

tools/windows/deps.sh gcc-mingw-w64-x86-64 wine64

mkdir -p "$OUT/bin"
start=$(date +%s)

# The Wine prefix, once: created, the shim in system32, and a temporary
# folder with a space in its name (Go's t.TempDir uses %TMP%).
if [ ! -f "$WINEPREFIX/.courtwatch-ready" ]; then
	echo "test-windows: creating the Wine prefix $WINEPREFIX"
	$WINE wineboot -i >/dev/null 2>&1 || true
	$WINE reg add 'HKCU\Environment' /v TEMP /d 'C:\Courtwatch tests\Temp' /f >/dev/null 2>&1
	$WINE reg add 'HKCU\Environment' /v TMP /d 'C:\Courtwatch tests\Temp' /f >/dev/null 2>&1
	mkdir -p "$WINEPREFIX/drive_c/Courtwatch tests/Temp"
	touch "$WINEPREFIX/.courtwatch-ready"
fi
$CC_WIN -shared -O2 -o "$OUT/bcryptprimitives.dll" tools/wine-shim/bcryptprimitives.c -ladvapi32
cp "$OUT/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"

src=$($GO env GOROOT)/src/internal/syscall/windows/at_windows.go
# In a folder whose name starts with "_", which the go command's ./...
# skips: a .go file left in $OUT broke `go build ./...` in the checkout.
mkdir -p "$OUT/_overlay"
sed 's|^\tcase STATUS_INVALID_INFO_CLASS, // |\tcase STATUS_INVALID_INFO_CLASS, NTStatus(0xC0000002), NTStatus(0xC0000010), // Wine 8: not implemented; |' "$src" >"$OUT/_overlay/at_windows_wine.go"
if cmp -s "$src" "$OUT/_overlay/at_windows_wine.go"; then
	echo "test-windows: $src has changed; update the Wine deletion fix in tools/windows/test.sh" >&2
	exit 1
fi
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$OUT/_overlay/at_windows_wine.go" >"$OUT/overlay.json"

# Build every test executable first, so a build error stops early.
pkgs=$(GOOS=windows $GO list -tags ci -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}|{{.Dir}}{{end}}' $PKGS)
for p in $pkgs; do
	pkg=${p%%|*}
	exe="$OUT/bin/$(echo "$pkg" | tr / _).test.exe"
	echo "test-windows: build $pkg"
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $GO test -c -tags ci -overlay "$OUT/overlay.json" -o "$exe" "$pkg"
done

# Run each in its package's folder (tests read testdata/ relative to it).
failed=""
summary=""
for p in $pkgs; do
	pkg=${p%%|*}
	dir=${p#*|}
	exe="$OUT/bin/$(echo "$pkg" | tr / _).test.exe"
	log="$OUT/$(echo "$pkg" | tr / _).log"
	t0=$(date +%s)
	# Skips from wine-skip.txt: top-level tests, and subtests of one parent
	# (Parent/name). go test cannot skip both in one -test.skip pattern, so
	# the parent's subtests then run in a second pass.
	names=$(sed -n "s|^$pkg[[:space:]]\{1,\}\([^[:space:]]*\).*|\1|p" tools/windows/wine-skip.txt)
	top=$(printf '%s\n' $names | grep -v / | paste -sd'|' - || true)
	parent=$(printf '%s\n' $names | grep / | head -n 1 | cut -d/ -f1 || true)
	subs=$(printf '%s\n' $names | grep / | cut -d/ -f2 | paste -sd'|' - || true)
	result=ok
	set -- -test.timeout 30m -test.v
	[ -n "${RUN:-}" ] && set -- "$@" -test.run "$RUN"
	if [ -n "$parent" ]; then
		(cd "$dir" && $WINE "$exe" "$@" -test.skip "^(${top:+$top|}$parent)\$") >"$log" 2>&1 || result=FAIL
		(cd "$dir" && $WINE "$exe" -test.timeout 30m -test.v -test.run "^$parent\$" -test.skip "^$parent\$/^($subs)\$") >>"$log" 2>&1 || result=FAIL
	else
		[ -n "$top" ] && set -- "$@" -test.skip "^($top)\$"
		(cd "$dir" && $WINE "$exe" "$@") >"$log" 2>&1 || result=FAIL
	fi
	[ $result = ok ] || failed="$failed $pkg"
	pass=$(grep -c -- '^--- PASS' "$log" || true)
	fail=$(grep -c -- '^--- FAIL' "$log" || true)
	skipped=$(grep -c -- '^--- SKIP' "$log" || true)
	line=$(printf '%-4s %-40s %4s passed %3s failed %3s skipped %5ss' "$result" "$pkg" "$pass" "$fail" "$skipped" $(( $(date +%s) - t0 )))
	echo "$line"
	summary="$summary$line
"
done
printf '\ntest-windows: %s\ntest-windows: total %ss (logs in %s)\n' "$(uname -m) wine $($WINE --version 2>/dev/null)" $(( $(date +%s) - start )) "$OUT"
printf '%s' "$summary" >"$OUT/summary.txt"
if [ -n "$failed" ]; then
	echo "test-windows: failed:$failed (see $OUT/*.log)" >&2
	exit 1
fi
