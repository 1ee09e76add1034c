#!/usr/bin/env bash
# Installs the Debian libraries OpenKoi builds against (idempotent).
# libcurl is dlopen()ed at run time; the -dev package provides its headers for the build.
set -euo pipefail
# libpq5 is dlopen()ed by a daemon whose queue is on PostgreSQL; postgresql is the server the tests start.
packages=(bubblewrap libcurl4-openssl-dev libpq5 libsqlite3-dev libxxhash-dev libyaml-dev pkg-config postgresql tmux unzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[install-deps] Debian packages present" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "[install-deps] installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
