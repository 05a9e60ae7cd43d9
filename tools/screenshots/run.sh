#!/usr/bin/env bash
# Take the README's screenshots: build the app, make a demo vault (a mass
# trial: 150 defendants, 6 cases, 10 hearings on 4 dates, fictional names),
# then run the real app under Xvfb once per screen, drive it with the
# keyboard as a monitor would (xdotool), and save docs/screenshots/*.png.
#
#   tools/screenshots/run.sh [OUTDIR]      (make screenshots runs it)
#
# Everything temporary (the demo vault, Fyne's preferences) lives in one
# folder that is removed at the end; the vault is encrypted like any other.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$root/docs/screenshots}")
for tool in xvfb-run xdotool import; do
	command -v $tool >/dev/null || { echo "screenshots: $tool is missing; make screenshots installs it (Debian: xvfb xauth xdotool imagemagick)" >&2; exit 1; }
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
go build -tags no_animations,no_emoji -o "$work/courtwatch" ./cmd/courtwatch # as make build
go build -o "$work/courtwatch-hq" ./cmd/courtwatch-hq
export COURTWATCH_VAULT="$work/vault" COURTWATCH_PASSPHRASE="demo passphrase for screenshots"
"$work/courtwatch" init >/dev/null
"$work/courtwatch" demo >/dev/null
# A fresh settings folder, so the shots do not depend on this machine.
export XDG_CONFIG_HOME="$work/config" HOME="$work/home"
mkdir -p "$HOME"
export TZ=Asia/Phnom_Penh # the demo trial's time zone
# language: set Fyne's preference file of the app (as Settings does).
language() {
	mkdir -p "$XDG_CONFIG_HOME/fyne/org.courtwatch.app"
	printf '{"language":"%s"}' "$1" >"$XDG_CONFIG_HOME/fyne/org.courtwatch.app/preferences.json"
}
language en
unset COURTWATCH_PASSPHRASE # the app asks, like it would in court

# Each shot is a keys script run inside the display once the window is up.
keys() { printf '%s\n' 'set -e' 'xdotool search --sync --onlyvisible --name Courtwatch windowfocus --sync; sleep 0.5' "$@" >"$work/keys.sh"; }
unlock='xdotool type --delay 20 "demo passphrase for screenshots"; xdotool key Return; sleep 3'
# find QUERY: global search, open the first result.
find() { printf 'xdotool key ctrl+f; sleep 1; xdotool type --delay 30 %q; sleep 2; xdotool key Return; sleep 2\n' "$1"; }

# take NAME: start the app in a 1024×600 virtual display, wait for its
# window, run keys.sh, capture the screen.
take() {
	SHOT_OUT="$out/$1.png" SHOT_KEYS="$work/keys.sh" SHOT_APP="$work/courtwatch" SHOT_LOG="$work/app.log" \
		xvfb-run -a -s "-screen 0 1024x600x24" bash -c '
		"$SHOT_APP" >"$SHOT_LOG" 2>&1 & pid=$!
		sleep 3
		kill -0 $pid 2>/dev/null || { echo "screenshots: the app exited early:" >&2; cat "$SHOT_LOG" >&2; exit 1; }
		timeout 60 bash "$SHOT_KEYS"; sleep 1
		import -window root "$SHOT_OUT"
		kill $pid; wait $pid 2>/dev/null || true'
	echo "wrote $out/$1.png"
}

keys 'xdotool type --delay 20 "demo pass"'
take unlock
keys "$unlock"
take cases
keys "$unlock" "$(find 'DEMO 001/2020')"
take case
keys "$unlock" 'xdotool key alt+2; sleep 1; xdotool type --delay 60 "sok"; sleep 1; xdotool key Down; sleep 0.5; xdotool key space; sleep 1'
take defendants
keys "$unlock" 'xdotool key alt+3; sleep 1'
take agenda
keys "$unlock" "$(find 'court-notice')" 'xdotool type --delay 30 "Defence counsel asks for an adjournment"; sleep 1'
take hearing
keys "$unlock" "$(find 'court-notice')" 'xdotool key ctrl+shift+a; sleep 2'
take attendance
keys "$unlock" "$(find 'court-notice')" 'xdotool key ctrl+shift+k; sleep 2'
take checklist
keys "$unlock" "$(find 'court-notice')" 'xdotool key ctrl+shift+t; sleep 2'
take attachments
keys "$unlock" "$(find 'court-notice')" 'xdotool key ctrl+p; sleep 4'
take export
keys "$unlock" 'xdotool key ctrl+f; sleep 1; xdotool type --delay 30 "adjourn"; sleep 2'
take search
keys "$unlock" 'xdotool key ctrl+comma; sleep 2'
take settings
# The courtroom screen and the case page in Khmer.
language km
keys "$unlock" "$(find 'court-notice')" 'xdotool key ctrl+shift+k; sleep 2; xdotool key Down Down space; sleep 1'
take checklist-km
keys "$unlock" "$(find 'DEMO 001/2020')"
take case-km

# Delivery: a real HQ on loopback (its folder, profile and receiver), the
# device enrolled, the demo delivered with a verified receipt, then a note
# carried on a "USB stick" while HQ is unreachable. The app shows the
# Delivery screen's set-up and its outbox.
export COURTWATCH_PASSPHRASE="demo passphrase for screenshots" COURTWATCH_HQ_DIR="$work/hq"
"$work/courtwatch-hq" init --name "Phnom Penh HQ" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/courtwatch-hq" serve --addr "127.0.0.1:$port" 2>"$work/hq.log" & hqpid=$!
trap 'kill $hqpid 2>/dev/null || true; rm -rf "$work"' EXIT
"$work/courtwatch-hq" profile --url "https://127.0.0.1:$port" --out "$work/profile.json" >/dev/null
"$work/courtwatch" device export --out "$work/device.json" >/dev/null
"$work/courtwatch-hq" enroll "$work/device.json" >/dev/null
"$work/courtwatch" hq add "$work/profile.json" >/dev/null
"$work/courtwatch" sync >/dev/null
kill $hqpid; wait $hqpid 2>/dev/null || true
hearing=$("$work/courtwatch" list hearings --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
"$work/courtwatch" note add --hearing "$hearing" "Court adjourned to 14:00" >/dev/null
mkdir -p "$work/stick"
"$work/courtwatch" export --to "$work/stick" >/dev/null
unset COURTWATCH_PASSPHRASE
# The outbox opens first; the set-up is the first tab of the dialog.
setup='sleep 2; xdotool key ctrl+shift+d; sleep 3; xdotool mousemove 93 100 click 1; sleep 1'
language en
keys "$unlock" "$setup"
take delivery
keys "$unlock" 'sleep 2; xdotool key ctrl+shift+d; sleep 3'
take outbox
language km
keys "$unlock" "$setup"
take delivery-km
keys "$unlock" 'sleep 2; xdotool key ctrl+shift+d; sleep 3'
take outbox-km
