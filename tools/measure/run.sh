#!/usr/bin/env bash
# Measure the desktop app's idle memory and CPU against a bare Fyne window
# (one label, tools/measure/bare), in the same virtual display and run, so
# that the ratio does not depend on the machine.
#
#   tools/measure/run.sh [APP_BINARY]
#
# APP_BINARY defaults to a fresh build of ./cmd/courtwatch; pass another
# build (e.g. of an older commit) to compare. Both programs run under
# Xvfb with Mesa's software renderer. For each it prints:
#   rss_*       resident memory (VmRSS) in MiB, at rest (5 s for the bare
#               window and after unlocking, 100 s after visiting the screens)
#   peak        the highest resident memory (VmHWM) in MiB
#   cpu         CPU use in % of one core over 20 s of rest
# The app is measured right after unlocking the demo vault, and again
# after visiting every screen (Cases, Defendants, Agenda, a hearing's four
# tabs, the export preview, search, settings), resting on the hearing.
# With MEASURE_GCTRACE=1 the Go runtime's last GC lines (live heap, heap
# goal) are printed at each point too. What the Go heap holds:
#   COURTWATCH_HEAPPROFILE=/tmp/heap.pprof go test -tags ci ./ui -run TestHeapProfile
#   go tool pprof -top -inuse_space /tmp/heap.pprof
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in xvfb-run xdotool; do
	command -v $tool >/dev/null || { echo "measure: $tool is missing (Debian: xvfb xauth xdotool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -tags no_animations,no_emoji -o "$work/courtwatch" ./cmd/courtwatch # as make build
go build -o "$work/bare" ./tools/measure/bare
app=$(realpath "${1:-$work/courtwatch}")
export COURTWATCH_VAULT="$work/vault" COURTWATCH_PASSPHRASE="demo passphrase for measuring"
"$work/courtwatch" init >/dev/null
"$work/courtwatch" demo >/dev/null
unset COURTWATCH_PASSPHRASE
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LIBGL_ALWAYS_SOFTWARE=1 TZ=Asia/Phnom_Penh
mkdir -p "$HOME"

cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
rss()  { awk '/^VmRSS/ {printf "%.0f", $2/1024}' /proc/$1/status; }
peak() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' /proc/$1/status; }
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
# cpu PID SECONDS: CPU use in % of one core over SECONDS.
cpu() {
	local t0 t1 hz; hz=$(getconf CLK_TCK); t0=$(ticks $1); sleep $2; t1=$(ticks $1)
	awk -v d=$((t1 - t0)) -v hz=$hz -v s=$2 'BEGIN {printf "%.1f", 100 * d / hz / s}'
}
"$BARE" >/dev/null 2>&1 & bare=$!
xdotool search --sync --name '^Bare$' >/dev/null; sleep 5
echo "bare   rss $(rss $bare) MiB  cpu $(cpu $bare 20) %  peak $(peak $bare) MiB"
kill $bare; wait $bare 2>/dev/null || true

if [ -n "${MEASURE_GCTRACE:-}" ]; then export GODEBUG=gctrace=1; fi
"$APP" >"$LOG" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
xdotool search --sync --name '^Courtwatch$' >/dev/null; sleep 3
xdotool search --name '^Courtwatch$' windowfocus --sync >/dev/null; sleep 1
xdotool type --delay 20 "demo passphrase for measuring"; xdotool key Return; sleep 8
echo "app    rss_after_unlock $(rss $pid) MiB  cpu_cases $(cpu $pid 20) %  peak $(peak $pid) MiB"
gclines() { [ -z "${MEASURE_GCTRACE:-}" ] || grep '^gc ' "$LOG" | tail -n 2 | sed 's/^/       /'; }
gclines
k() { xdotool key "$@"; sleep 1.5; }
k alt+2; xdotool type --delay 40 "sok"; sleep 1; k alt+3; k alt+1
k ctrl+f; xdotool type --delay 40 "court-notice"; sleep 2; k Return; sleep 2
k ctrl+shift+a; k ctrl+shift+k; k ctrl+shift+t; k ctrl+shift+g
k ctrl+p; sleep 3; k Escape
k ctrl+f; xdotool type --delay 40 "adjourn"; sleep 2; k Escape
k ctrl+comma; k Escape
k ctrl+shift+g; sleep 100 # at rest: the app hands unused memory back after 20 s and 90 s
echo "app    rss_after_screens $(rss $pid) MiB  cpu_hearing $(cpu $pid 20) %  peak $(peak $pid) MiB"
gclines
kill $pid; wait $pid 2>/dev/null || true
INSIDE
APP="$app" BARE="$work/bare" LOG="$work/app.log" xvfb-run -a -s "-screen 0 1366x768x24" bash "$work/inside.sh"
