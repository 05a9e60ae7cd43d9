#!/usr/bin/env bash
# Measure the desktop app's idle memory and CPU against a bare Fyne window
# (one label, tools/measure/bare), in the same virtual display and run, so
# that the ratio does not depend on the machine.
#
#   tools/measure/run.sh [APP_BINARY...]
#
# APP_BINARY defaults to a fresh build of ./cmd/courtwatch; pass other
# builds (e.g. of an older commit, and then this one) to compare them in
# one run: each gets its own copy of the demo vault and its own settings.
# All programs run under Xvfb with Mesa's software renderer. For each it
# prints:
#   rss_*       resident memory (VmRSS) in MiB, at rest (5 s for the bare
#               window and after unlocking, 100 s after visiting the screens)
#   anon/file   how much of it is anonymous memory (Go heap, C allocations
#               such as Mesa's textures) and how much mapped files (the
#               binary, libraries, fonts, Badger's tables)
#   ratio       rss against the bare window's
#   peak        the highest resident memory (VmHWM) in MiB
#   cpu         CPU use in % of one core over 20 s of rest
# The app is measured right after unlocking the demo vault, and again
# after visiting every screen (Cases, Defendants, Agenda, a hearing's four
# tabs, the export preview, search, settings), resting on the hearing.
# With MEASURE_GCTRACE=1 the Go runtime's last GC lines (live heap, heap
# goal) are printed at each point too. What the Go heap holds: with
# MEASURE_HEAPPROFILE=DIR each app writes a heap profile at each point,
# DIR/appN.heap.1 after unlocking and .2 after the screens; the apps must
# be built with -tags heapprofile (as the default build then is):
#   go tool pprof -top -inuse_space DIR/app1.heap.2
# Where the resident memory is (the Go heap, the C heap, each file): with
# MEASURE_SMAPS=DIR the bare window's and each app's /proc/PID/smaps are
# copied at each point, DIR/bare.smaps, DIR/appN.1.smaps, DIR/appN.2.smaps.
# Without a display, the test driver's view of the same screens:
#   COURTWATCH_HEAPPROFILE=/tmp/heap.pprof go test -tags ci ./ui -run TestHeapProfile
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in xvfb-run xdotool; do
	command -v $tool >/dev/null || { echo "measure: $tool is missing (Debian: xvfb xauth xdotool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
tags=no_animations,no_emoji # as make build
if [ -n "${MEASURE_HEAPPROFILE:-}" ]; then tags=$tags,heapprofile; mkdir -p "$MEASURE_HEAPPROFILE"; fi
if [ -n "${MEASURE_SMAPS:-}" ]; then mkdir -p "$MEASURE_SMAPS"; export MEASURE_SMAPS=$(realpath "$MEASURE_SMAPS"); fi
go build -tags $tags -o "$work/courtwatch" ./cmd/courtwatch
go build -o "$work/bare" ./tools/measure/bare
apps=()
for a in "${@:-$work/courtwatch}"; do apps+=("$(realpath "$a")"); done
export COURTWATCH_VAULT="$work/vault" COURTWATCH_PASSPHRASE="demo passphrase for measuring"
"$work/courtwatch" init >/dev/null
"$work/courtwatch" demo >/dev/null
unset COURTWATCH_PASSPHRASE COURTWATCH_VAULT
export LIBGL_ALWAYS_SOFTWARE=1 TZ=Asia/Phnom_Penh WORK="$work"

cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
rss()  { awk '/^VmRSS/ {printf "%.0f", $2/1024}' /proc/$1/status; }
# mem PID: resident memory, its anonymous and file-backed parts, and its
# ratio to the bare window's.
mem() {
	awk -v bare="${BARE_RSS:-0}" '/^VmRSS/ {r = $2/1024} /^RssAnon/ {a = $2/1024} /^RssFile/ {f = $2/1024}
		END {printf "%.0f MiB (anon %.0f, file %.0f)", r, a, f; if (bare > 0) printf "  ratio %.2f", r / bare}' /proc/$1/status
}
# smaps PID NAME: the process's memory map, with MEASURE_SMAPS=DIR.
smaps() { [ -z "${MEASURE_SMAPS:-}" ] || cp /proc/$1/smaps "$MEASURE_SMAPS/$2.smaps"; }
peak() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' /proc/$1/status; }
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
# cpu PID SECONDS: CPU use in % of one core over SECONDS.
cpu() {
	local t0 t1 hz; hz=$(getconf CLK_TCK); t0=$(ticks $1); sleep $2; t1=$(ticks $1)
	awk -v d=$((t1 - t0)) -v hz=$hz -v s=$2 'BEGIN {printf "%.1f", 100 * d / hz / s}'
}
"$BARE" >/dev/null 2>&1 & bare=$!
xdotool search --sync --name '^Bare$' >/dev/null; sleep 5
BARE_RSS=$(rss $bare)
smaps $bare bare
echo "bare   rss $(mem $bare)  cpu $(cpu $bare 20) %  peak $(peak $bare) MiB"
kill $bare; wait $bare 2>/dev/null || true

n=0
for APP in "$@"; do
n=$((n + 1))
echo "app $n: $APP"
# Each app its own copy of the demo vault and its own settings.
rm -rf "$WORK/vault$n" "$WORK/config$n" "$WORK/home$n"
cp -a "$WORK/vault" "$WORK/vault$n"
export COURTWATCH_VAULT="$WORK/vault$n" XDG_CONFIG_HOME="$WORK/config$n" HOME="$WORK/home$n"
mkdir -p "$HOME"
LOG="$WORK/app$n.log"
# heap PID: a heap profile, with MEASURE_HEAPPROFILE (cmd/courtwatch/heapprofile.go).
heap() { [ -z "${MEASURE_HEAPPROFILE:-}" ] || { kill -USR1 $1; sleep 2; grep '^memstats' "$LOG" | tail -n 1 | sed 's/^/       /'; }; }
[ -z "${MEASURE_HEAPPROFILE:-}" ] || export COURTWATCH_HEAPPROFILE="$MEASURE_HEAPPROFILE/app$n.heap"

if [ -n "${MEASURE_GCTRACE:-}" ]; then export GODEBUG=gctrace=1; fi
"$APP" >"$LOG" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
xdotool search --sync --name '^Courtwatch$' >/dev/null; sleep 3
xdotool search --name '^Courtwatch$' windowfocus --sync >/dev/null; sleep 1
xdotool type --delay 20 "demo passphrase for measuring"; xdotool key Return; sleep 8
echo "app    rss_after_unlock $(mem $pid)  cpu_cases $(cpu $pid 20) %  peak $(peak $pid) MiB"
gclines() { [ -z "${MEASURE_GCTRACE:-}" ] || grep '^gc ' "$LOG" | tail -n 2 | sed 's/^/       /'; }
gclines
smaps $pid app$n.1
heap $pid
k() { xdotool key "$@"; sleep 1.5; }
k alt+2; xdotool type --delay 40 "sok"; sleep 1; k alt+3; k alt+1
k ctrl+f; xdotool type --delay 40 "court-notice"; sleep 2; k Return; sleep 2
k ctrl+shift+a; k ctrl+shift+k; k ctrl+shift+t; k ctrl+shift+g
k ctrl+p; sleep 3; k Escape
k ctrl+f; xdotool type --delay 40 "adjourn"; sleep 2; k Escape
k ctrl+comma; k Escape
k ctrl+shift+g; sleep 100 # at rest: the app hands unused memory back after 20 s and, having drawn the window once at 65 s, 90 s
echo "app    rss_after_screens $(mem $pid)  cpu_hearing $(cpu $pid 20) %  peak $(peak $pid) MiB"
gclines
smaps $pid app$n.2
heap $pid
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
done
# The bare window again, to see how much the yardstick moved during the run.
"$BARE" >/dev/null 2>&1 & bare=$!
xdotool search --sync --name '^Bare$' >/dev/null; sleep 5
echo "bare again rss $(mem $bare)  peak $(peak $bare) MiB"
kill $bare; wait $bare 2>/dev/null || true
INSIDE
BARE="$work/bare" xvfb-run -a -s "-screen 0 1366x768x24" bash "$work/inside.sh" "${apps[@]}"
