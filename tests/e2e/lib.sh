# Shared by the e2e scripts (sourced): step timing, podman with the options this
# machine needs, free loopback ports, bounded waits, the login/CRUD checks.
# Exit code 77 = SKIP (ctest SKIP_RETURN_CODE), anything else non-zero = FAIL.
set -euo pipefail

E2E_NAME=${E2E_NAME:-$(basename "$0" .sh)}
E2E_T0=$(date +%s)
_step_t=$E2E_T0
_step_name=""

_end_step() {
  if [ -n "$_step_name" ]; then
    echo "[$E2E_NAME]   ... $(( $(date +%s) - _step_t )) s"
  fi
}
step() {
  _end_step
  _step_name=$*
  _step_t=$(date +%s)
  echo "[$E2E_NAME] $*"
}
fail() { echo "[$E2E_NAME] FAIL: $*" >&2; exit 1; }
skip() { echo "[$E2E_NAME] SKIP: $*" >&2; exit 77; }
finish() {
  _end_step
  echo "[$E2E_NAME] PASS in $(( $(date +%s) - E2E_T0 )) s"
}

SRC=${JIFFY_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${JIFFY_BUILD_DIR:-$SRC/build}
DEBS=$BUILD/packages
# Rootful podman on vfs storage with runc and the host's network: what works in
# a sandbox without overlayfs, cgroup delegation or a bridge.
PODMAN=(podman --storage-driver vfs --runtime runc)
BASE_IMAGE=docker.io/library/debian:bookworm-slim
JIFFY_VERSION=$(sed -n 's/^project(JiffyCpp VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")

need_podman() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (rootful podman)"
  command -v podman >/dev/null || fail "podman is not installed (scripts/deps.sh e2e installs it)"
  "$SRC/docker/build-base.sh" | sed "s/^/[$E2E_NAME]   /"
}
need_debs() {
  ls "$DEBS"/jiffyd_*.deb >/dev/null 2>&1 || fail "no packages in $DEBS: run make packages"
}

# A TCP port on loopback nobody listens on (127.0.0.1 unless given).
free_port() {
  local host=${1:-127.0.0.1} p i
  for i in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/$host/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  fail "no free port on $host"
}

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND every 0.5 s; on timeout
# says so and returns 1 (so `set -e` ends the script unless the caller handles it).
wait_for() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "[$E2E_NAME] timed out after ${limit} s waiting for $what" >&2
      return 1
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS --max-time 5 "$1" >/dev/null; }

# login BASE EMAIL PASSWORD -> prints the token
login() {
  local body
  body=$(curl -fsS --max-time 10 -X POST "$1/usr/login" -d "{\"email\":\"$2\",\"password\":\"$3\"}") \
    || fail "login at $1 refused"
  echo "$body" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# expect_contains TEXT PART WHAT
expect_contains() {
  case "$1" in *"$2"*) ;; *) fail "$3: expected \"$2\" in: $1" ;; esac
}

# crud BASE TOKEN NAME: create a library, read, update, list, delete; prints the id it
# created and left (a second one is deleted).
crud() {
  local base=$1 tok=$2 name=$3 out id id2
  local auth=(-H "Authorization: Bearer $tok")
  out=$(curl -fsS --max-time 10 "${auth[@]}" -X POST "$base/library" -d "{\"name\":\"$name\",\"city\":\"Calgary\"}")
  id=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
  [ -n "$id" ] || fail "POST /library: no id in $out"
  out=$(curl -fsS --max-time 10 "${auth[@]}" "$base/library/$id")
  expect_contains "$out" "\"name\":\"$name\"" "GET /library/$id"
  out=$(curl -fsS --max-time 10 "${auth[@]}" -X PUT "$base/library/$id" -d "{\"name\":\"$name\",\"city\":\"Banff\"}")
  expect_contains "$out" '"city":"Banff"' "PUT /library/$id"
  out=$(curl -fsS --max-time 10 "${auth[@]}" -X POST "$base/library" -d '{"name":"Temp","city":"X"}')
  id2=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
  curl -fsS --max-time 10 "${auth[@]}" -X DELETE "$base/library/$id2" >/dev/null || fail "DELETE /library/$id2"
  out=$(curl -fsS --max-time 10 "${auth[@]}" "$base/librarys")
  expect_contains "$out" "\"name\":\"$name\"" "GET /librarys"
  case "$out" in *'"name":"Temp"'*) fail "DELETE /library/$id2 left it in the list: $out" ;; esac
  echo "$id"
}

# start_postgres DIR: a PostgreSQL of postgresql-15 on 127.0.0.1:$PG_PORT (set
# here) with role jiffy (password $PG_PASSWORD, scram-sha-256 over TCP) owning
# database jiffy; stopped by stop_postgres. As the integration suites do: initdb
# and postgres as user postgres.
start_postgres() {
  local dir=$1 bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/postgres" ] || fail "no PostgreSQL server under /usr/lib/postgresql/*/bin (scripts/deps.sh installs postgresql-15)"
  PG_BIN=$bin
  PG_DIR=$dir
  PG_PORT=$(free_port)
  PG_PASSWORD=${PG_PASSWORD:-e2e-$RANDOM$RANDOM}
  mkdir -p "$dir"
  chown postgres "$dir"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; fail "initdb"; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $dir" start >/dev/null || { cat "$dir/postgres.log"; fail "postgres start"; }
  runuser -u postgres -- psql -h "$dir" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE jiffy LOGIN PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE jiffy OWNER jiffy" >/dev/null
}
stop_postgres() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}
pg_query() {
  runuser -u postgres -- psql -h "$PG_DIR" -p "$PG_PORT" -U postgres -d jiffy -tAc "$1"
}
