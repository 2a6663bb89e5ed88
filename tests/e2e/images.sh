#!/usr/bin/env bash
# Builds the images (localhost/jiffyd, localhost/jiffy-sluggo) from
# docker/Dockerfile with the packages of `make packages` (the fixture of the
# container tests), and checks what the images promise: a non-root user,
# HEALTHCHECK, STOPSIGNAL SIGTERM, the volume. JIFFY_E2E_FROM_SOURCES=1 builds
# them from the sources instead (the build stage; much slower).
source "$(dirname "$0")/lib.sh"
need_podman
need_debs

if [ -n "${JIFFY_E2E_FROM_SOURCES:-}" ]; then
  step "docker/build-images.sh (packages built from the sources in the build stage)"
  "$SRC/docker/build-images.sh" | sed "s/^/[$E2E_NAME]   /"
else
  rel=$(realpath --relative-to="$SRC" "$DEBS")
  case "$rel" in ../*) fail "$DEBS is outside the repository, so not in the build context" ;; esac
  step "docker/build-images.sh --debs $rel"
  (cd "$SRC" && docker/build-images.sh --debs "$rel") | sed "s/^/[$E2E_NAME]   /"
fi

step "inspect the images"
for img in jiffyd jiffy-sluggo; do
  ref=localhost/$img:$JIFFY_VERSION
  user=$("${PODMAN[@]}" image inspect -f '{{.Config.User}}' "$ref")
  stop=$("${PODMAN[@]}" image inspect -f '{{.Config.StopSignal}}' "$ref")
  hc=$("${PODMAN[@]}" image inspect -f '{{.Config.Healthcheck}}' "$ref")
  vols=$("${PODMAN[@]}" image inspect -f '{{.Config.Volumes}}' "$ref")
  echo "[$E2E_NAME]   $ref: user=$user stop=$stop volumes=$vols healthcheck=$hc"
  [ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] || fail "$ref runs as root"
  [ "$stop" = SIGTERM ] || fail "$ref: STOPSIGNAL is '$stop'"
  expect_contains "$hc" "healthcheck" "$ref HEALTHCHECK"
  uid=$("${PODMAN[@]}" run --rm --network host --pull=never "$ref" id -u)
  [ "$uid" != 0 ] || fail "$ref: id -u is 0"
done
finish
