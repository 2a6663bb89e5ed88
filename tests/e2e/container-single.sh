#!/usr/bin/env bash
# The single-instance deployment from the jiffyd image: a PostgreSQL on
# loopback (started here as user postgres, password authentication over TCP),
# address and port from the environment (PGPORT as a string that expands to a
# number), the password from a secret file (PGPASSWORD_FILE). Checks /readyz,
# login and CRUD, and that the rows are in PostgreSQL.
source "$(dirname "$0")/lib.sh"
need_podman
IMG=localhost/jiffyd:$JIFFY_VERSION
"${PODMAN[@]}" image exists "$IMG" || fail "$IMG missing (the e2e_images test builds it)"

ctr=jiffy-e2e-single-$$
tmp=$(mktemp -d /var/tmp/jiffy-e2e-single.XXXXXX)
chmod 755 "$tmp"
cleanup() {
  "${PODMAN[@]}" rm -f -v -t 0 "$ctr" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$ctr" >/dev/null 2>&1 || true
  stop_postgres
  rm -rf "$tmp"
}
trap cleanup EXIT

step "start PostgreSQL on 127.0.0.1 (initdb as user postgres)"
start_postgres "$tmp/pg"
echo "[$E2E_NAME]   port $PG_PORT"
mkdir -p "$tmp/secrets"
printf '%s' "$PG_PASSWORD" >"$tmp/secrets/pgpassword"
chmod 0644 "$tmp/secrets/pgpassword"

port=$(free_port)
base=http://127.0.0.1:$port
step "run jiffyd single-instance on 127.0.0.1:$port (password from /run/secrets/pgpassword)"
"${PODMAN[@]}" run -d --name "$ctr" --network host --pull=never -v "$ctr:/var/lib/jiffy" \
  -v "$tmp/secrets:/run/secrets:ro" \
  -e JIFFY_CONFIG=/etc/jiffy/container/single-instance.config.json \
  -e JIFFY_EXTERNAL_ADDRESS=127.0.0.1:$port \
  -e PGHOST=127.0.0.1 -e PGPORT="$PG_PORT" -e PGUSER=jiffy -e PGDATABASE=jiffy -e PGSSLMODE=disable \
  -e PGPASSWORD_FILE=/run/secrets/pgpassword "$IMG" >/dev/null 2>>"$tmp/podman.err"
wait_for 60 "/readyz of $ctr" http_ok "$base/readyz" || { "${PODMAN[@]}" logs "$ctr"; fail "$ctr did not get ready"; }
expect_contains "$(curl -fsS "$base/readyz")" '"db/postgres":"ok"' "/readyz"
"${PODMAN[@]}" inspect -f '{{.Config.Env}}' "$ctr" | grep -q "$PG_PASSWORD" && fail "the password is in the container's environment"

step "login, CRUD; the rows are in PostgreSQL"
token=$(login "$base" admin initpass)
id=$(crud "$base" "$token" Postgres-Central)
n=$(pg_query "SELECT count(*) FROM library WHERE id = $id AND name = 'Postgres-Central'")
[ "$n" = 1 ] || fail "library $id not in PostgreSQL (count $n)"

step "a wrong password is refused at start (exit 69, backend unavailable)"
printf 'wrong' >"$tmp/secrets/wrong"
chmod 0644 "$tmp/secrets/wrong"
set +e
out=$("${PODMAN[@]}" run --rm --network host --pull=never -v "$tmp/secrets:/run/secrets:ro" \
  -e JIFFY_CONFIG=/etc/jiffy/container/single-instance.config.json -e JIFFY_EXTERNAL_ADDRESS=127.0.0.1:$(free_port) \
  -e PGHOST=127.0.0.1 -e PGPORT="$PG_PORT" -e PGUSER=jiffy -e PGSSLMODE=disable \
  -e PGPASSWORD_FILE=/run/secrets/wrong "$IMG" 2>&1)
rc=$?
set -e
[ "$rc" = 69 ] || { echo "$out" | tail -5; fail "wrong password: exit $rc, want 69"; }
finish
