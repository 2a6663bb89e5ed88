#!/usr/bin/env bash
# The bench: jiffyd's request paths against a ceiling measured in the same
# run — a bare Poco HTTPServer with jiffyd's thread and keep-alive settings
# answering fixed JSON (tests/bench/CeilingServer.cpp) — because absolute
# numbers on a shared machine mean little and ratios travel.
#
#   tests/bench/run.sh [--build DIR] [--seconds N] [--db sqlite|postgres|all]
#                      [--sync NORMAL|FULL]
#   tests/bench/run.sh --target http://HOST:PORT --user U --password P [--seconds N]
#
# The first form starts jiffyd itself (SQLite and, with --db postgres/all, a
# throw-away PostgreSQL), the second runs the same scenarios against any
# jiffy-compatible service serving jiffy's library/book models (a jiffy
# service a user runs today), so the comparison is one command. Output: a
# Markdown table on stdout, JSON in DIR/bench/. Needs wrk. Everything runs on
# 127.0.0.1 (or the given target); every run is bounded by --seconds.
# wrk's 32 connections all come from 127.0.0.1, as a proxy's would: the
# jiffyd under test runs with http.max_connections_per_client 0, the setting
# the README gives for a server behind a load balancer (the default, 16,
# would answer half of them 503).
set -euo pipefail
BUILD=build SECS=5 DBS=sqlite TARGET="" USER_EMAIL=admin PASSWORD=initpass SYNC=NORMAL
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --db) DBS=$2; shift 2 ;;
    --sync) SYNC=$2; shift 2 ;;
    --target) TARGET=${2%/}; shift 2 ;;
    --user) USER_EMAIL=$2; shift 2 ;;
    --password) PASSWORD=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
[ "$DBS" = all ] && DBS="sqlite postgres"
BUILD=$(cd "$BUILD" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
JIFFYD=$BUILD/bin/jiffyd
CEILING=$BUILD/bin/jiffy-bench-ceiling
PY=/usr/bin/python3
for tool in wrk curl "$PY"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
[ -x "$CEILING" ] || { echo "bench: $CEILING is missing (make build)" >&2; exit 1; }
OUT_DIR=$BUILD/bench
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${PGDATA_DIR:-}" ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url: until it answers 200, at most 20 s
  for _ in $(seq 400); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "bench: $1 did not answer" >&2; return 1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# --- wrk scripts: POST/PUT bodies, the 90/10 mix ----------------------------
cat > "$WORK/post_book.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"title":"T","author":"A","hardcover":true,"copies":3,"library_id":1}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$WORK/post_library.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"Bench","city":"Lisbon"}'
wrk.headers["Content-Type"] = "application/json"
LUA
# wrk.format() replaces wrk.headers (the -H Authorization) when given a table: extend a copy.
cat > "$WORK/headers.lua" <<'LUA'
function json_headers()
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  h["Content-Type"] = "application/json"
  return h
end
LUA
cat > "$WORK/put_book.lua" <<LUA
dofile("$WORK/headers.lua")
local n = 0
request = function()
  n = n % 20 + 1
  return wrk.format("PUT", "/book/" .. n, json_headers(),
    '{"title":"T' .. n .. '","author":"A","hardcover":false,"copies":' .. n .. ',"library_id":1}')
end
LUA
cat > "$WORK/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"email":"$USER_EMAIL","password":"$PASSWORD"}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$WORK/mix.lua" <<LUA
dofile("$WORK/headers.lua")
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then
    return wrk.format("POST", "/library", json_headers(), '{"name":"Mix","city":"Porto"}')
  end
  return wrk.format("GET", "/library/" .. (n % 20 + 1), wrk.headers)
end
LUA

JSON_ROWS=()
TABLE=()
CEIL_RPS=""
# measure LABEL EXPECT(2xx|401) wrk-args...: one wrk run, one table row.
measure() {
  local label=$1 expect=$2; shift 2
  local out rps p50 p99 non2xx sockerr errors ratio
  out=$(wrk -t2 -c"${CONNS:-32}" -d"${SECS}s" --timeout 10s --latency "$@" 2>&1) || { echo "bench: wrk failed for $label: $out" >&2; exit 1; }
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '/^ +50%/ {print $2}')
  p99=$(echo "$out" | awk '/^ +99%/ {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  non2xx=${non2xx:-0}
  sockerr=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}')
  sockerr=${sockerr:-0}
  if [ "$expect" = 401 ]; then
    local total; total=$(echo "$out" | awk '/requests in/ {print $1}')
    errors=$(( total - non2xx + sockerr )) # every answer should have been a 401
  else
    errors=$(( non2xx + sockerr ))
  fi
  if [ -z "$CEIL_RPS" ]; then CEIL_RPS=$rps; fi
  ratio=$(awk -v r="$rps" -v b="$CEIL_RPS" 'BEGIN {printf "%.2f", r / b}')
  TABLE+=("$(printf '| %-44s | %9.0f | %8s | %8s | %6s | %5s |' "$label" "$rps" "$p50" "$p99" "$errors" "$ratio")")
  JSON_ROWS+=("{\"scenario\":\"$label\",\"rps\":$rps,\"p50\":\"$p50\",\"p99\":\"$p99\",\"errors\":$errors,\"ratio\":$ratio}")
  echo "bench: $label: $rps req/s, p99 $p99, errors $errors, ratio $ratio" >&2
}

# login USER PASSWORD BASE -> token
login() {
  curl -sf -X POST "$3/usr/login" -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" |
    sed 's/.*"token":"\([^"]*\)".*/\1/'
}

# scenarios NAME BASE: every scenario against a running service.
scenarios() {
  local name=$1 b=$2 token auth
  token=$(login "$USER_EMAIL" "$PASSWORD" "$b")
  [ -n "$token" ] || { echo "bench: cannot log in to $b as $USER_EMAIL" >&2; exit 1; }
  auth="Authorization: Bearer $token"
  for i in $(seq 20); do
    curl -sf -o /dev/null -X POST -H "$auth" -H 'Content-Type: application/json' "$b/library" -d "{\"name\":\"L$i\",\"city\":\"C$i\"}"
    curl -sf -o /dev/null -X POST -H "$auth" -H 'Content-Type: application/json' "$b/book" \
      -d "{\"title\":\"B$i\",\"author\":\"A\",\"hardcover\":true,\"copies\":$i,\"library_id\":1}"
  done
  measure "$name: GET /healthz" 2xx "$b/healthz"
  measure "$name: GET /library/1 (JWT)" 2xx -H "$auth" "$b/library/1"
  measure "$name: GET /librarys/\$limit=20" 2xx -H "$auth" "$b/librarys/\$limit=20"
  measure "$name: GET /librarys/city(EQ 'C7')" 2xx -H "$auth" "$b/librarys/city(EQ%20'C7')"
  measure "$name: POST /book" 2xx -H "$auth" -s "$WORK/post_book.lua" "$b/book"
  measure "$name: POST /library" 2xx -H "$auth" -s "$WORK/post_library.lua" "$b/library"
  measure "$name: PUT /book/{id}" 2xx -H "$auth" -s "$WORK/put_book.lua" "$b"
  measure "$name: 90/10 GET /library/{id} / POST /library" 2xx -H "$auth" -s "$WORK/mix.lua" "$b"
  measure "$name: GET /library/1 without a token (401)" 401 "$b/library/1"
  # bcrypt (cost 12 by default) costs ~0.1-0.5 s of CPU a login: 4 clients, not 32.
  CONNS=4 measure "$name: POST /usr/login (bcrypt, 4 clients)" 2xx -s "$WORK/login.lua" "$b/usr/login"
}

# --- allocations per request (heaptrack) ---------------------------------------
# allocs_of N PATH PORT TOKEN READY CMD...: heap allocation calls made by CMD
# while it answers N kept-alive GETs of PATH, once READY answers 200
# (start-up and shutdown included).
allocs_of() {
  local n=$1 path=$2 port=$3 token=$4 ready=$5; shift 5
  rm -f "$WORK"/heap.*
  heaptrack -o "$WORK/heap" "$@" >"$WORK/heaptrack.log" 2>&1 &
  local hp=$!
  wait_http "http://127.0.0.1:$port$ready"
  "$PY" - "$n" "$port" "$path" "$token" <<'PYEOF'
import http.client, sys
n, port, path, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", port)
h = {"Authorization": "Bearer " + token} if token else {}
for _ in range(n):
    c.request("GET", path, headers=h)
    r = c.getresponse(); r.read()
    if r.status // 100 != 2: sys.exit("bench: GET %s answered %d" % (path, r.status))
PYEOF
  # Stop the traced program itself (heaptrack's own helpers must finish the file).
  kill $(pgrep -P "$hp" -f -- "$1") 2>/dev/null || true
  wait "$hp" 2>/dev/null || true
  heaptrack_print "$WORK"/heap.*zst 2>/dev/null | awk '/^calls to allocation functions:/ {print $5}'
}
# per_request PATH PORT TOKEN READY CMD...: the difference of 1300 and 300 requests, per request.
per_request() {
  local a b
  a=$(allocs_of 300 "$@") b=$(allocs_of 1300 "$@")
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", (b - a) / 1000}'
}
ALLOC_ROWS=()
# allocations CONFIG PORT: jiffyd's allocations per request on the hot paths, and the ceiling's.
allocations() {
  command -v heaptrack >/dev/null || { ALLOC_ROWS+=("| (heaptrack is not installed: apt-get install heaptrack) | | |"); return; }
  local cfg=$1 port=$2 token cport ceil
  "$JIFFYD" --config "$cfg" >/dev/null 2>&1 &
  local jp=$!
  wait_http "http://127.0.0.1:$port/readyz"
  token=$(login "$USER_EMAIL" "$PASSWORD" "http://127.0.0.1:$port")
  kill $jp; wait $jp 2>/dev/null || true
  cport=$(free_port)
  ceil=$(per_request / "$cport" "" / "$CEILING" "$cport")
  for p in /healthz /library/1 "/librarys/\$limit=20"; do
    local t=$token
    [ "$p" = /healthz ] && t=""
    local mine
    mine=$(per_request "$p" "$port" "$t" /readyz "$JIFFYD" --config "$cfg")
    ALLOC_ROWS+=("| GET $p | $mine | $ceil |")
    JSON_ROWS+=("{\"scenario\":\"sqlite: allocations GET $p\",\"allocations_per_request\":$mine,\"ceiling\":$ceil}")
  done
  echo "bench: allocations per request measured" >&2
}

# --- the ceiling ---------------------------------------------------------------
CPORT=$(free_port)
"$CEILING" "$CPORT" >"$WORK/ceiling.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$CPORT/"
echo "bench: wrk -t2 -c32 --latency, ${SECS}s per scenario, $(nproc) cores" >&2
measure "ceiling: bare Poco HTTPServer, fixed JSON" 2xx "http://127.0.0.1:$CPORT/"

EXTRA=()
if [ -n "$TARGET" ]; then
  scenarios "target" "$TARGET"
else
  [ -x "$JIFFYD" ] || { echo "bench: $JIFFYD is missing (make build)" >&2; exit 1; }
  VERSION=$("$JIFFYD" --version | head -1)
  for db in $DBS; do
    port=$(free_port)
    dir=$WORK/$db
    mkdir -p "$dir"
    case "$db" in
      sqlite) dbjson="{\"db_dialect\": \"sqlite\", \"name\": \"$dir/bench.db\", \"synchronous\": \"$SYNC\"}" ;;
      postgres)
        PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
        [ -x "$PGBIN/initdb" ] || { echo "bench: PostgreSQL is not installed (postgresql-15)" >&2; exit 1; }
        PGDATA_DIR=$WORK/pgdata
        mkdir -p "$PGDATA_DIR" && chown postgres "$PGDATA_DIR" "$WORK" && chmod 755 "$WORK"
        runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >/dev/null
        PGPORT=$(free_port)
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/log" \
          -o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
        "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE bench" >/dev/null
        dbjson="{\"db_dialect\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": $PGPORT, \"usr\": \"postgres\", \"name\": \"bench\"}" ;;
      *) echo "bench: unknown --db $db" >&2; exit 64 ;;
    esac
    cat > "$dir/bench.config.json" <<JSON
{"external_address": "127.0.0.1:$port", "internal_address": "127.0.0.1:$(free_port)",
 "database": $dbjson,
 "logging": {"infoMsgs": false, "requests": false},
 "http": {"max_connections_per_client": 0},
 "ecdsa384_priv_key_file": "$dir/ec384.priv.pem", "ecdsa384_pub_key_file": "$dir/ec384.pub.pem",
 "routes": [{"plugin": "models", "model_files": ["$SRC/config/models/library.json"]}]}
JSON
    "$JIFFYD" --config "$dir/bench.config.json" --generate-keys >/dev/null
    # Start to /readyz: the first start creates the database, the next ones find it.
    startup=$("$PY" - "$JIFFYD" "$dir/bench.config.json" "$port" <<'PYEOF'
import socket, statistics, subprocess, sys, time
jiffyd, cfg, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ready():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False
def once():
    t0 = time.monotonic()
    p = subprocess.Popen([jiffyd, "--config", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not ready():
        if time.monotonic() - t0 > 30 or p.poll() is not None:
            p.kill(); sys.exit("jiffyd did not become ready")
        time.sleep(0.001)
    ms = (time.monotonic() - t0) * 1000
    p.terminate(); p.wait(20)
    return ms
empty = once()
warm = statistics.median(once() for _ in range(5))
print(f"{empty:.0f} {warm:.0f}")
PYEOF
)
    "$JIFFYD" --config "$dir/bench.config.json" >"$dir/jiffyd.log" 2>&1 &
    pid=$!
    PIDS+=($pid)
    wait_http "http://127.0.0.1:$port/readyz"
    sleep 1
    idle=$(rss_kb $pid)
    scenarios "$db" "http://127.0.0.1:$port"
    loaded=$(rss_kb $pid)
    kill $pid; wait $pid 2>/dev/null || true
    [ "$db" = sqlite ] && allocations "$dir/bench.config.json" "$port"
    EXTRA+=("| $db | start to /readyz: empty database ${startup% *} ms, warm database (median of 5) ${startup#* } ms | idle RSS $((idle / 1024)) MB, after the scenarios $((loaded / 1024)) MB |")
    JSON_ROWS+=("{\"scenario\":\"$db: start-up\",\"empty_ms\":${startup% *},\"warm_ms\":${startup#* },\"idle_rss_kb\":$idle,\"loaded_rss_kb\":$loaded}")
  done
fi

echo
echo "Bench: wrk -t2 -c32, ${SECS} s per scenario, $(nproc) cores, ${VERSION:-target $TARGET}, SQLite synchronous=$SYNC, request log off; ratio = req/s ÷ the ceiling's req/s in this run."
echo
echo "| scenario | req/s | p50 | p99 | errors | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${TABLE[@]}"
if [ ${#EXTRA[@]} -gt 0 ]; then
  echo
  echo "| database | start-up | memory |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${EXTRA[@]}"
fi
if [ ${#ALLOC_ROWS[@]} -gt 0 ]; then
  echo
  echo "Heap allocations per request (heaptrack; 1300 minus 300 kept-alive requests, over 1000; SQLite):"
  echo
  echo "| path | jiffyd | bare Poco ceiling |"
  echo "| --- | ---: | ---: |"
  printf '%s\n' "${ALLOC_ROWS[@]}"
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
{ printf '{"when":"%s","seconds":%s,"cores":%s,"sync":"%s","rows":[' "$stamp" "$SECS" "$(nproc)" "$SYNC"
  (IFS=,; printf '%s' "${JSON_ROWS[*]}"); printf ']}\n'; } > "$OUT_DIR/bench-$stamp.json"
cp "$OUT_DIR/bench-$stamp.json" "$OUT_DIR/latest.json"
echo
echo "JSON: $OUT_DIR/bench-$stamp.json" >&2
