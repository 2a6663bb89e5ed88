#!/usr/bin/env bash
# Installs the Debian 12 packages Jiffy C++ needs to build, run and test,
# skipping those already installed. Used by `make deps` (and so by `make run`
# and `make test`). Needs root or sudo when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  cmake make g++ pkg-config ccache
  libpoco-dev libboost-dev libcppunit-dev libsqlite3-dev libssl-dev
  libpq-dev libmariadb-dev libmemcached-dev libargon2-dev libcrypt-dev openssl
  # servers the integration tests start on loopback
  redis-server memcached postgresql-15 mariadb-server
  # tools used by tests and scripts
  curl procps sqlite3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "deps: installing ${missing[*]}"
start=$(date +%s)
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# Do not let the packaged services start (the tests start their own on loopback).
$SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed in $(( $(date +%s) - start )) s"
