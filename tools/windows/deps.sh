#!/bin/sh
# deps.sh PACKAGE...: install the missing Debian packages, as make deps does
# (with sudo unless root). Used by make windows and make test-windows.
set -eu
command -v dpkg >/dev/null 2>&1 || { echo "make: not Debian/Ubuntu; install by hand: $*" >&2; exit 1; }
missing=""
for p in "$@"; do
	dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
echo "make: installing missing system packages:$missing"
$sudo apt-get update -qq &&
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing ||
	{ echo "make: could not install$missing; install them by hand: sudo apt-get install$missing" >&2; exit 1; }
