#!/usr/bin/env bash
# The all-in-one deployment from the jiffyd image: SQLite and the standalone KVS
# on a volume. Checks the HEALTHCHECK, that it runs as a non-root user, that
# internal_address is derived when not given, and that data written through the
# models routes survives a new container on the same volume.
source "$(dirname "$0")/lib.sh"
need_podman
IMG=localhost/jiffyd:$JIFFY_VERSION
"${PODMAN[@]}" image exists "$IMG" || fail "$IMG missing (the e2e_images test builds it)"

ctr=jiffy-e2e-aio-$$
vol=jiffy-e2e-aio-$$
cleanup() {
  "${PODMAN[@]}" rm -f -v -t 0 "$ctr" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$vol" >/dev/null 2>&1 || true
}
trap cleanup EXIT
port=$(free_port)
base=http://127.0.0.1:$port
run_aio() {
  "${PODMAN[@]}" run -d --name "$ctr" --network host --pull=never -v "$vol:/var/lib/jiffy" \
    -e JIFFY_EXTERNAL_ADDRESS=127.0.0.1:$port "$IMG" >/dev/null
  wait_for 60 "/readyz of $ctr" http_ok "$base/readyz" || { "${PODMAN[@]}" logs "$ctr"; fail "$ctr did not get ready"; }
}

step "internal_address from the container's own address (JIFFY_EXTERNAL_ADDRESS=0.0.0.0:…, --check-config)"
own=$("${PODMAN[@]}" run --rm --network host --pull=never "$IMG" hostname -I 2>/dev/null | awk '{print $1}')
if [ -n "$own" ]; then
  out=$("${PODMAN[@]}" run --rm --network host --pull=never -e JIFFY_EXTERNAL_ADDRESS=0.0.0.0:$port "$IMG" --check-config 2>&1) \
    || { echo "$out"; fail "--check-config in the image"; }
  expect_contains "$out" "internal_address $own:7070" "entrypoint"
  expect_contains "$out" "configuration OK" "--check-config"
else
  echo "[$E2E_NAME]   this machine has no address but loopback: only the refusal below is checked"
fi
step "no address at all (--network none): the entrypoint refuses with a message"
set +e
out=$("${PODMAN[@]}" run --rm --network none --pull=never -e JIFFY_EXTERNAL_ADDRESS=0.0.0.0:8080 "$IMG" --check-config 2>&1)
rc=$?
set -e
[ "$rc" = 78 ] || fail "--network none: exit $rc, want 78: $out"
expect_contains "$out" "set JIFFY_INTERNAL_ADDRESS" "--network none"

step "run all-in-one on 127.0.0.1:$port with volume $vol"
run_aio
"${PODMAN[@]}" healthcheck run "$ctr" >/dev/null || fail "podman healthcheck run $ctr: unhealthy"
uid=$("${PODMAN[@]}" exec "$ctr" id -u)
[ "$uid" != 0 ] || fail "jiffyd runs as root in $ctr"
expect_contains "$("${PODMAN[@]}" logs "$ctr" 2>&1)" "internal_address 127.0.0.1:7070" "entrypoint (address from JIFFY_EXTERNAL_ADDRESS)"

step "login, CRUD"
token=$(login "$base" admin initpass)
id=$(crud "$base" "$token" Survivor)

step "podman stop (SIGTERM) and a new container on the same volume"
"${PODMAN[@]}" stop -t 30 "$ctr" >/dev/null
code=$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$ctr")
[ "$code" = 0 ] || fail "jiffyd exited $code on SIGTERM"
"${PODMAN[@]}" rm "$ctr" >/dev/null
run_aio

step "the library written before is there (keys and database from the volume)"
token=$(login "$base" admin initpass)
out=$(curl -fsS -H "Authorization: Bearer $token" "$base/library/$id")
expect_contains "$out" '"name":"Survivor"' "GET /library/$id after the restart"
finish
