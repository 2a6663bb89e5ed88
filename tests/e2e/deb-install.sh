#!/usr/bin/env bash
# The .deb packages in a clean Debian 12 container: install jiffyd alone (no
# libpq comes with it), start it as its systemd unit would (ExecStartPre and
# ExecStart under the service user, where no systemd runs), check the user,
# the pepper and the key permissions, /healthz, login and CRUD; install the
# plugin packages and see jiffyd list them; remove (config and data stay),
# purge (both gone).
source "$(dirname "$0")/lib.sh"
need_podman
need_debs

ctr=jiffy-e2e-deb-$$
trap '"${PODMAN[@]}" rm -f -v -t 0 "$ctr" >/dev/null 2>&1 || true' EXIT
cx() { "${PODMAN[@]}" exec "$ctr" "$@"; }

step "start a clean $BASE_IMAGE container ($ctr)"
"${PODMAN[@]}" run -d --name "$ctr" --network host --pull=never -v "$DEBS:/debs:ro" "$BASE_IMAGE" sleep 3600 >/dev/null

step "apt-get install ./jiffyd_*.deb (dependencies from Debian)"
cx sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /debs/jiffyd_*.deb >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'
cx dpkg -s libpq5 >/dev/null 2>&1 && fail "installing jiffyd pulled in libpq5"
cx getent passwd jiffy >/dev/null || fail "postinst made no user jiffy"
perm=$(cx stat -c '%a %U' /var/lib/jiffy/secrets/pepper) || fail "postinst made no pepper"
[ "$perm" = "600 jiffy" ] || fail "pepper is $perm, want 600 jiffy"
[ "$(cx sh -c 'wc -c </var/lib/jiffy/secrets/pepper')" -ge 33 ] || fail "pepper too short"
cx grep -q ':-127.0.0.1:8080}"' /etc/jiffy/jiffy.config.json || fail "packaged config does not default to 127.0.0.1"

port=$(free_port)
step "run the unit's ExecStartPre and ExecStart as user jiffy (port $port)"
unit=/lib/systemd/system/jiffyd.service
pre=$(cx sed -n 's/^ExecStartPre=//p' $unit)
start=$(cx sed -n 's/^ExecStart=//p' $unit)
envs=$(cx sed -n 's/^Environment=//p' $unit)
[ -n "$pre" ] && [ -n "$start" ] || fail "$unit has no ExecStartPre/ExecStart"
cx sh -c "echo JIFFY_EXTERNAL_ADDRESS=127.0.0.1:$port >/etc/default/jiffyd"
"${PODMAN[@]}" exec -d "$ctr" sh -c "cd /var/lib/jiffy && umask 077 && exec runuser -u jiffy -- env $envs \$(cat /etc/default/jiffyd) \
  sh -c 'echo \$\$ >/tmp/jiffyd.pid; $pre && exec $start' >/tmp/jiffyd.log 2>&1" >/dev/null
wait_for 60 "jiffyd /healthz on 127.0.0.1:$port" http_ok "http://127.0.0.1:$port/healthz" \
  || { cx cat /tmp/jiffyd.log; fail "jiffyd did not answer"; }
base=http://127.0.0.1:$port
expect_contains "$(curl -fsS "$base/healthz")" '"status":"ok"' "/healthz"
wait_for 30 "/readyz" http_ok "$base/readyz"
perm=$(cx stat -c '%a %U' /var/lib/jiffy/jwtkeys/ec384.priv.pem) || fail "no JWT private key made by ExecStartPre"
[ "$perm" = "600 jiffy" ] || fail "JWT private key is $perm, want 600 jiffy"

step "login as admin, CRUD on /library"
token=$(login "$base" admin initpass)
[ -n "$token" ] || fail "no token"
crud "$base" "$token" Central >/dev/null
expect_contains "$(curl -fsS "$base/hello")" 'message' "GET /hello"

step "stop jiffyd (SIGTERM)"
cx sh -c 'kill -TERM $(cat /tmp/jiffyd.pid)'
wait_for 30 "jiffyd to exit" sh -c "! (exec 3<>/dev/tcp/127.0.0.1/$port)"

step "install every other package; jiffyd lists the plugins"
cx sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /debs/jiffy-plugin-*.deb /debs/jiffy-sluggo_*.deb /debs/jiffy-sdk-dev_*.deb >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'
list=$(cx runuser -u jiffy -- env JIFFY_DATA_DIR=/var/lib/jiffy /usr/bin/jiffyd --config /etc/jiffy/jiffy.config.json --list-plugins)
for deb in "$DEBS"/jiffy-plugin-*.deb; do
  n=$(basename "$deb" | sed 's/^jiffy-plugin-\([a-z]*\)-\([^_]*\)_.*/\1 \2/')
  so=libjiffy-${n% *}-${n#* }.so
  expect_contains "$list" "$so" "--list-plugins after installing $(basename "$deb")"
done
cx test -x /usr/bin/jiffy-sluggo || fail "jiffy-sluggo not installed"
cx test -f /usr/share/pkgconfig/jiffy-sdk.pc || fail "jiffy-sdk.pc not installed"

step "apt-get remove jiffyd: configuration and data stay"
cx sh -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq jiffyd >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'
cx test ! -e /usr/bin/jiffyd || fail "/usr/bin/jiffyd still there after remove"
for f in /etc/jiffy/jiffy.config.json /var/lib/jiffy/jiffy.db /var/lib/jiffy/jwtkeys/ec384.priv.pem /var/lib/jiffy/secrets/pepper; do
  cx test -e "$f" || fail "$f gone after remove"
done
cx getent passwd jiffy >/dev/null || fail "user jiffy gone after remove"

step "apt-get purge jiffyd: configuration, data and user gone"
cx sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq jiffyd >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'
for f in /etc/jiffy /var/lib/jiffy; do
  cx test ! -e "$f" || fail "$f still there after purge"
done
cx getent passwd jiffy >/dev/null && fail "user jiffy still there after purge"
finish
