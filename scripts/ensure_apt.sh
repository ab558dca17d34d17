#!/usr/bin/env bash
# ensure_apt.sh PACKAGE PATH: install a Debian package when PATH is missing.
# As root it installs the package; otherwise it says which command to run and fails.
set -euo pipefail
pkg="$1"; probe="$2"
[ -e "$probe" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "reformlib needs the Debian package '$pkg' ($probe is missing)." >&2
  echo "Run:  sudo apt-get install -y $pkg   and then repeat the make command." >&2
  exit 1
fi
echo "installing Debian package $pkg ..."
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "$pkg" > /tmp/reformlib-apt.log 2>&1; then
  apt-get update -qq > /dev/null
  apt-get install -y -qq --no-install-recommends "$pkg" > /tmp/reformlib-apt.log 2>&1 || { cat /tmp/reformlib-apt.log >&2; exit 1; }
fi
[ -e "$probe" ] || { echo "package $pkg installed but $probe is still missing" >&2; exit 1; }
