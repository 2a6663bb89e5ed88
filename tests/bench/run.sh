#!/usr/bin/env bash
# Throughput of jiffyd's request paths, as ratios to a baseline measured in
# the same run (GET /healthz: the HTTP server and router, no plugin, no
# auth), because absolute numbers on a shared machine mean little.
#   tests/bench/run.sh [build-dir] [seconds-per-run]
# Needs wrk (apt-get install wrk). Everything runs on 127.0.0.1 and is bounded.
set -euo pipefail
BUILD=${1:-build}
SECS=${2:-5}
JIFFYD=$(cd "$BUILD" && pwd)/bin/jiffyd
SRC=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/bench.config.json" <<JSON
{"external_address": "127.0.0.1:$PORT",
 "database": {"db_dialect": "sqlite", "name": "bench.db", "synchronous": "NORMAL"},
 "logging": {"infoMsgs": false},
 "ecdsa384_priv_key_file": "ec384.priv.pem", "ecdsa384_pub_key_file": "ec384.pub.pem",
 "routes": [{"plugin": "models", "model_files": ["$SRC/config/models/library.json"]}, {"plugin": "hello"}]}
JSON
"$JIFFYD" --config "$WORK/bench.config.json" --generate-keys >/dev/null
"$JIFFYD" --config "$WORK/bench.config.json" >"$WORK/jiffyd.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
B=http://127.0.0.1:$PORT
TOKEN=$(curl -sf -X POST "$B/usr/login" -d '{"email":"admin","password":"initpass"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
AUTH="Authorization: Bearer $TOKEN"
for i in $(seq 20); do
  curl -sf -X POST -H "$AUTH" "$B/library" -d "{\"name\":\"L$i\",\"city\":\"C$i\"}" >/dev/null
done

rps() { # label, then wrk arguments
  local label=$1; shift
  local out; out=$(wrk -t2 -c32 -d"${SECS}s" "$@")
  if echo "$out" | grep -q "Non-2xx"; then echo "bench: $label answered errors" >&2; echo "$out" >&2; exit 1; fi
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}
echo "bench: wrk -t2 -c32, ${SECS}s per path, jiffyd $("$JIFFYD" --version | head -1)"
BASE=$(rps "GET /healthz" "$B/healthz")
printf "%-44s %10s %8s\n" "path" "req/s" "ratio"
printf "%-44s %10.0f %8.2f\n" "GET /healthz (baseline)" "$BASE" 1
while IFS='|' read -r label url; do
  R=$(rps "$label" -H "$AUTH" "$url")
  printf "%-44s %10.0f %8.2f\n" "$label" "$R" "$(awk -v r="$R" -v b="$BASE" 'BEGIN {print r / b}')"
done <<PATHS
GET /library/1 (ES384 token, SQLite)|$B/library/1
GET /librarys (20 rows)|$B/librarys
GET /librarys/name(EQ 'L7')|$B/librarys/name(EQ%20'L7')
GET /hello (an UPDATE per request)|$B/hello
PATHS
