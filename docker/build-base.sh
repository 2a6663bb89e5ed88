#!/usr/bin/env bash
# Makes the base image docker.io/library/debian:bookworm-slim locally, for
# machines without a registry: debootstrap a minimal bookworm from Debian's
# apt mirror and import it into podman's storage. Skipped when the image is
# already there (FORCE=1 rebuilds). Also installs podman/buildah/runc and
# writes /etc/containers/containers.conf so rootful podman works in a
# container-less sandbox (no ulimits to set).
#
# Usage: docker/build-base.sh            (as root)
# Env:   PODMAN_OPTS (default "--storage-driver vfs"), MIRROR (apt mirror URL)
set -euo pipefail
IMAGE=docker.io/library/debian:bookworm-slim
PODMAN_OPTS=${PODMAN_OPTS:---storage-driver vfs}
step() { echo "build-base: $*"; }
t0=$(date +%s)

need=()
for p in podman runc buildah debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  step "apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

conf=/etc/containers/containers.conf
if ! grep -q '^default_ulimits' "$conf" 2>/dev/null; then
  step "writing $conf ([containers] default_ulimits = [])"
  mkdir -p /etc/containers
  if grep -q '^\[containers\]' "$conf" 2>/dev/null; then
    sed -i 's/^\[containers\]/[containers]\ndefault_ulimits = []/' "$conf"
  else
    printf '[containers]\ndefault_ulimits = []\n' >>"$conf"
  fi
fi

# shellcheck disable=SC2086
if [ -z "${FORCE:-}" ] && podman $PODMAN_OPTS image exists "$IMAGE"; then
  step "$IMAGE present, skipped"
  exit 0
fi

dir=$(mktemp -d /var/tmp/jiffy-bookworm.XXXXXX)
trap 'rm -rf "$dir"' EXIT
step "debootstrap --variant=minbase bookworm $dir (a few minutes)"
debootstrap --variant=minbase bookworm "$dir" ${MIRROR:-} >"$dir.log" 2>&1 || { tail -20 "$dir.log"; exit 1; }
rm -f "$dir.log"
# mktemp -d made it 0700: as the image's / it would lock out every non-root user.
chmod 755 "$dir"
# The same apt sources as Debian's own bookworm-slim image (updates, security).
rm -f "$dir/etc/apt/sources.list"
cat >"$dir/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# The image is a runtime base: no apt lists, no caches (as debian:bookworm-slim).
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin
step "podman import as $IMAGE"
# shellcheck disable=SC2086
tar -C "$dir" -c . | podman $PODMAN_OPTS import - "$IMAGE" >/dev/null
step "done in $(( $(date +%s) - t0 )) s"
