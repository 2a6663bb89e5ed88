#!/usr/bin/env bash
# The multi-instance deployment with host networking: PostgreSQL and
# jiffy-sluggo on loopback, two jiffyd containers on 127.0.0.2 and 127.0.0.3
# sharing one set of secrets (docker/multi-instance/make-secrets.sh), haproxy
# with docker/multi-instance/haproxy.cfg on a loopback port in front. Requests
# through the load balancer keep working while one instance is stopped and
# after it is back, and the balancer sends to it again.
source "$(dirname "$0")/lib.sh"
need_podman
command -v haproxy >/dev/null || fail "haproxy is not installed (scripts/deps.sh e2e installs it)"
IMG=localhost/jiffyd:$JIFFY_VERSION
SLUGGO_IMG=localhost/jiffy-sluggo:$JIFFY_VERSION
for i in "$IMG" "$SLUGGO_IMG"; do
  "${PODMAN[@]}" image exists "$i" || fail "$i missing (the e2e_images test builds it)"
done

tag=jiffy-e2e-multi-$$
tmp=$(mktemp -d /var/tmp/jiffy-e2e-multi.XXXXXX)
chmod 755 "$tmp"
lb_pid=""
cleanup() {
  for c in "$tag-1" "$tag-2" "$tag-sluggo"; do "${PODMAN[@]}" rm -f -v -t 0 "$c" >/dev/null 2>&1 || true; done
  for c in "$tag-1" "$tag-2"; do "${PODMAN[@]}" volume rm -f "$c" >/dev/null 2>&1 || true; done
  [ -n "$lb_pid" ] && kill "$lb_pid" 2>/dev/null || true
  stop_postgres
  rm -rf "$tmp"
}
trap cleanup EXIT

step "secrets shared by both instances (make-secrets.sh)"
uid=$("${PODMAN[@]}" run --rm --network host --pull=never "$IMG" id -u 2>/dev/null)
"$SRC/docker/multi-instance/make-secrets.sh" "$tmp/secrets" "$uid" | sed "s/^/[$E2E_NAME]   /"

step "PostgreSQL and jiffy-sluggo on 127.0.0.1"
PG_PASSWORD=$(cat "$tmp/secrets/pgpassword") start_postgres "$tmp/pg"
sport=$(free_port)
"${PODMAN[@]}" run -d --name "$tag-sluggo" --network host --pull=never \
  -e JIFFY_SLUGGO_ADDRESS=127.0.0.1:$sport "$SLUGGO_IMG" >/dev/null 2>>"$tmp/podman.err"
wait_for 30 "jiffy-sluggo on $sport" bash -c "exec 3<>/dev/tcp/127.0.0.1/$sport"
"${PODMAN[@]}" healthcheck run "$tag-sluggo" >/dev/null 2>&1 || fail "jiffy-sluggo unhealthy"

port=$(free_port 127.0.0.2)
run_instance() { # N ADDRESS
  "${PODMAN[@]}" run -d --name "$tag-$1" --network host --pull=never -v "$tag-$1:/var/lib/jiffy" \
    -v "$tmp/secrets:/run/secrets:ro" \
    -e JIFFY_CONFIG=/etc/jiffy/container/multi-instance.config.json \
    -e JIFFY_EXTERNAL_ADDRESS="$2:$port" \
    -e PGHOST=127.0.0.1 -e PGPORT="$PG_PORT" -e PGUSER=jiffy -e PGDATABASE=jiffy -e PGSSLMODE=disable \
    -e PGPASSWORD_FILE=/run/secrets/pgpassword -e JIFFY_PEPPER_FILE=/run/secrets/pepper \
    -e JIFFY_JWT_DIR=/run/secrets -e JIFFY_SLUGGO_ADDRESS=127.0.0.1:$sport "$IMG" >/dev/null 2>>"$tmp/podman.err"
}
ready() { http_ok "http://$1:$port/readyz"; }
step "jiffyd-1 on 127.0.0.2:$port, then jiffyd-2 on 127.0.0.3:$port"
run_instance 1 127.0.0.2
wait_for 60 "jiffyd-1 /readyz" ready 127.0.0.2 || { "${PODMAN[@]}" logs "$tag-1"; fail "jiffyd-1 not ready"; }
run_instance 2 127.0.0.3
wait_for 60 "jiffyd-2 /readyz" ready 127.0.0.3 || { "${PODMAN[@]}" logs "$tag-2"; fail "jiffyd-2 not ready"; }
expect_contains "$(curl -fsS "http://127.0.0.3:$port/readyz")" '"kvs/sluggo":"ok"' "jiffyd-2 /readyz"
expect_contains "$("${PODMAN[@]}" logs "$tag-2" 2>&1)" "internal_address 127.0.0.3:7070" "jiffyd-2 entrypoint"

lbport=$(free_port)
stport=$(free_port)
lb=http://127.0.0.1:$lbport
stats() { curl -fsS --max-time 5 "http://127.0.0.1:$stport/stats;csv"; }
# status of server $1 (column 18) and its total sessions (column 8)
server_status() { stats | awk -F, -v s="$1" '$1 == "jiffyd" && $2 == s { print $18 }'; }
server_sessions() { stats | awk -F, -v s="$1" '$1 == "jiffyd" && $2 == s { print $8 }'; }
is_status() { [ "$(server_status "$1")" = "$2" ]; }
step "haproxy on 127.0.0.1:$lbport (docker/multi-instance/haproxy.cfg)"
JIFFY_LB_ADDRESS=127.0.0.1:$lbport JIFFY_LB_STATS_ADDRESS=127.0.0.1:$stport \
  JIFFY_BACKEND_1=127.0.0.2:$port JIFFY_BACKEND_2=127.0.0.3:$port \
  haproxy -db -f "$SRC/docker/multi-instance/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
lb_pid=$!
wait_for 30 "haproxy: jiffyd-1 UP" is_status jiffyd-1 UP || { cat "$tmp/haproxy.log"; fail "haproxy"; }
wait_for 30 "haproxy: jiffyd-2 UP" is_status jiffyd-2 UP

step "login and CRUD through the load balancer (token of one instance works on the other)"
token=$(login "$lb" admin initpass)
id=$(crud "$lb" "$token" Balanced)
auth=(-H "Authorization: Bearer $token")
through_lb() { # N: N reads through the balancer, every one must succeed
  local i out
  for i in $(seq 1 "$1"); do
    out=$(curl -fsS --max-time 10 "${auth[@]}" "$lb/library/$id") || fail "request $i through the balancer failed"
    expect_contains "$out" '"name":"Balanced"' "request $i through the balancer"
  done
}
through_lb 20

step "stop jiffyd-1: requests keep working, haproxy takes it out"
"${PODMAN[@]}" stop -t 30 "$tag-1" >/dev/null 2>>"$tmp/podman.err"
through_lb 20
wait_for 30 "haproxy: jiffyd-1 DOWN" is_status jiffyd-1 DOWN
through_lb 20
out=$(curl -fsS "${auth[@]}" -X POST "$lb/library" -d '{"name":"WhileDown","city":"X"}') || fail "POST while jiffyd-1 is down"
expect_contains "$out" '"name":"WhileDown"' "POST while jiffyd-1 is down"

step "start jiffyd-1 again: haproxy puts it back and sends to it"
"${PODMAN[@]}" start "$tag-1" >/dev/null 2>>"$tmp/podman.err"
wait_for 60 "jiffyd-1 /readyz" ready 127.0.0.2 || { "${PODMAN[@]}" logs "$tag-1"; fail "jiffyd-1 not ready after start"; }
wait_for 30 "haproxy: jiffyd-1 UP" is_status jiffyd-1 UP
before=$(server_sessions jiffyd-1)
through_lb 20
after=$(server_sessions jiffyd-1)
[ "$after" -gt "$before" ] || fail "haproxy sent nothing to jiffyd-1 after it came back ($before -> $after sessions)"
echo "[$E2E_NAME]   jiffyd-1 served $(( after - before )) of 20 requests after it came back"
finish
