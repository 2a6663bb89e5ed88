#!/usr/bin/env bash
# Installs the Debian 12 packages Jiffy C++ needs to build, run and test,
# skipping those already installed. Used by `make deps` (and so by `make run`
# and `make test`). Needs root or sudo when something is missing.
# `scripts/deps.sh e2e` adds what `make packages` and `make test-e2e` need,
# `scripts/deps.sh fuzz` what `make fuzz` needs.
set -euo pipefail

# `scripts/deps.sh build`: only what building the daemon, the plugins and the
# packages needs (docker/Dockerfile's build stage).
BUILD_PACKAGES=(
  cmake make g++ pkg-config
  libpoco-dev libboost-dev libsqlite3-dev libssl-dev
  libpq-dev libmariadb-dev libmemcached-dev libargon2-dev libcrypt-dev
  # make packages: CPack's DEB generator computes dependencies with dpkg-shlibdeps
  dpkg-dev file
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  # build and test
  ccache libcppunit-dev openssl
  # servers the integration tests start on loopback
  redis-server memcached postgresql-15 mariadb-server etcd-server etcd-client
  # tools used by tests and scripts
  curl procps sqlite3
  # the cluster partition test (tests/integration/ClusterPartitionTest.cpp) cuts a member off with DROP rules
  iptables
  # the console's browser test (tests/browser): headless Chromium driven through WebDriver
  chromium chromium-driver python3-selenium
)
if [ "${1:-}" = "build" ]; then
  PACKAGES=("${BUILD_PACKAGES[@]}")
elif [ "${1:-}" = "e2e" ]; then
  PACKAGES+=(
    # containers without a Docker engine or a registry (docker/build-base.sh)
    podman runc buildah debootstrap uidmap
    # package checks and the load balancer of the multi-instance test
    lintian haproxy
  )
elif [ "${1:-}" = "fuzz" ]; then
  PACKAGES+=(
    # make fuzz: clang with libFuzzer and the sanitizer runtimes; llvm-symbolizer for reports
    clang libclang-rt-14-dev llvm-14
  )
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm tools the tests use (OpenAPI lint), in a cache of their own.
install_npm_tools() {
  local tools=${JIFFY_TOOLS_DIR:-$HOME/.cache/jiffy-tools}
  [ -x "$tools/node_modules/.bin/redocly" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "deps: npm not found; the OpenAPI lint test will report SKIP"
    return 0
  fi
  echo "deps: installing @redocly/cli into $tools"
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund @redocly/cli >/dev/null 2>&1) ||
    echo "deps: npm install @redocly/cli failed; the OpenAPI lint test will report SKIP"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} Debian packages present"
  install_npm_tools
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
install_npm_tools
