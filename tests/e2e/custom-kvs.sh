#!/usr/bin/env bash
# examples/custom-kvs as a plugin author meets it on a Debian machine: in a
# clean container, apt-get install jiffyd and jiffy-sdk-dev (with g++, cmake,
# pkg-config, and libssl-dev for the example's libcrypto), build the example
# out of tree with find_package(JiffySDK), install it to
# /usr/lib/jiffy/plugins, and run the installed jiffyd (not
# rebuilt) with it as the active KVS: /readyz names it, login and CRUD work.
source "$(dirname "$0")/lib.sh"
need_podman
need_debs

ctr=jiffy-e2e-kvs-$$
trap '"${PODMAN[@]}" rm -f -v -t 0 "$ctr" >/dev/null 2>&1 || true' EXIT
cx() { "${PODMAN[@]}" exec "$ctr" "$@"; }

step "clean $BASE_IMAGE container; apt-get install jiffyd jiffy-sdk-dev g++ cmake make pkg-config libssl-dev"
"${PODMAN[@]}" run -d --name "$ctr" --network host --pull=never -v "$DEBS:/debs:ro" \
  -v "$SRC/examples/custom-kvs:/src/custom-kvs:ro" "$BASE_IMAGE" sleep 3600 >/dev/null
cx sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  /debs/jiffyd_*.deb /debs/jiffy-sdk-dev_*.deb g++ cmake make pkg-config libssl-dev >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'
ver=$(cx pkg-config --modversion jiffy-sdk) || fail "pkg-config jiffy-sdk"
inc=$(cx pkg-config --variable=includedir jiffy-sdk)
echo "[$E2E_NAME]   pkg-config jiffy-sdk: version $ver, includedir $inc"
cx test -f "$inc/jiffy/abi.h" || fail "pkg-config's includedir $inc has no jiffy/abi.h"

step "cmake -S examples/custom-kvs (find_package(JiffySDK) from /usr), build, install"
cx sh -c 'cmake -S /src/custom-kvs -B /tmp/kvs -DCMAKE_INSTALL_PREFIX=/usr >/tmp/kvs.log 2>&1 \
  && cmake --build /tmp/kvs -j 2 >>/tmp/kvs.log 2>&1 && cmake --install /tmp/kvs >>/tmp/kvs.log 2>&1 \
  || { tail -30 /tmp/kvs.log; exit 1; }'
cx test -f /usr/lib/jiffy/plugins/libjiffy-kvs-files.so || fail "not installed to /usr/lib/jiffy/plugins"

port=$(free_port)
step "the installed jiffyd with \"plugin\": \"files\" as its KVS (port $port)"
cx sh -c 'install -d -o jiffy -g jiffy /var/lib/jiffy/kvs && sed "s|\"local_standalone\": { \"active\": true }|\"mykvs\": { \"active\": true, \"plugin\": \"files\", \"directory\": \"/var/lib/jiffy/kvs\" }|" \
  /etc/jiffy/jiffy.config.json >/etc/jiffy/custom.config.json'
cx grep -q '"plugin": "files"' /etc/jiffy/custom.config.json || fail "could not edit the config"
"${PODMAN[@]}" exec -d "$ctr" sh -c "cd /var/lib/jiffy && exec runuser -u jiffy -- env JIFFY_DATA_DIR=/var/lib/jiffy \
  JIFFY_EXTERNAL_ADDRESS=127.0.0.1:$port sh -c '/usr/bin/jiffyd --config /etc/jiffy/custom.config.json --generate-keys \
  && exec /usr/bin/jiffyd --config /etc/jiffy/custom.config.json' >/tmp/jiffyd.log 2>&1" >/dev/null
base=http://127.0.0.1:$port
wait_for 60 "/readyz" http_ok "$base/readyz" || { cx cat /tmp/jiffyd.log; fail "jiffyd with the custom KVS did not get ready"; }
expect_contains "$(curl -fsS "$base/readyz")" '"kvs/files":"ok"' "/readyz"
token=$(login "$base" admin initpass)
crud "$base" "$token" FilesKvs >/dev/null
finish
