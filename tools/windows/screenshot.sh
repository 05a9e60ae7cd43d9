#!/usr/bin/env bash
# Take docs/screenshots/windows-unlock.png: the Windows build of the app,
# started under Wine in a virtual X display, at its unlock window, on a
# vault in a folder with a drive letter and a space (C:\Courtwatch demo).
#
#   tools/windows/screenshot.sh COURTWATCH_EXE [OUT.png]
#
# It uses the Wine prefix of make test-windows (the ProcessPrng shim in
# it), and makes the vault with the Linux build: the vault format is the
# same on every system.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exe=$(realpath "$1")
out=$(realpath -m "${2:-$root/docs/screenshots/windows-unlock.png}")
export WINEPREFIX=${WINEPREFIX:-$root/tmp-windows-test/wineprefix} WINEDEBUG=-all
[ -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ] ||
	{ echo "screenshot: run make test-windows first (it makes the Wine prefix $WINEPREFIX)" >&2; exit 1; }
"$root/tools/windows/deps.sh" xvfb xauth xdotool imagemagick

work=$(mktemp -d)
trap 'rm -rf "$work" "$WINEPREFIX/drive_c/Courtwatch demo"' EXIT
cd "$root"
go build -tags ci -o "$work/courtwatch" ./cmd/courtwatch
vault="$WINEPREFIX/drive_c/Courtwatch demo/vault"
rm -rf "$WINEPREFIX/drive_c/Courtwatch demo"
COURTWATCH_VAULT="$vault" COURTWATCH_PASSPHRASE="demo passphrase for screenshots" "$work/courtwatch" init >/dev/null

SHOT_OUT="$out" SHOT_EXE="$exe" SHOT_LOG="$work/app.log" \
	xvfb-run -a -s "-screen 0 1024x600x24" bash -c '
	wine=/usr/lib/wine/wine64
	$wine "$SHOT_EXE" --vault "C:\\Courtwatch demo\\vault" >"$SHOT_LOG" 2>&1 & pid=$!
	xdotool search --sync --name Courtwatch >/dev/null & finder=$!
	for i in $(seq 120); do kill -0 $finder 2>/dev/null || break; sleep 1; done
	kill $finder 2>/dev/null || true
	kill -0 $pid 2>/dev/null || { echo "screenshot: the app exited early:" >&2; cat "$SHOT_LOG" >&2; exit 1; }
	sleep 8
	xdotool search --name Courtwatch windowfocus 2>/dev/null || true
	xdotool type --delay 40 "demo pass"; sleep 2
	import -window root "$SHOT_OUT"
	kill $pid; wait $pid 2>/dev/null || true
	/usr/lib/wine/wineserver64 -k 2>/dev/null || true'
echo "wrote $out"
