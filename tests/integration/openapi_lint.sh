#!/usr/bin/env bash
# GET /openapi.json of a real jiffyd (the all-in-one sample: library/book
# models, auth routes, built-ins) must validate as OpenAPI 3 with Redocly's
# recommended rules (no errors). Exit 77 (ctest SKIP) when the linter is not
# installed; scripts/deps.sh installs it with npm.
#   openapi_lint.sh <jiffyd> <source dir>
set -euo pipefail
jiffyd=$1 src=$2
tools=${JIFFY_TOOLS_DIR:-$HOME/.cache/jiffy-tools}
redocly=$tools/node_modules/.bin/redocly
if [ ! -x "$redocly" ]; then
  echo "SKIP: $redocly is missing (scripts/deps.sh installs @redocly/cli there)"
  exit 77
fi
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bus=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export JIFFY_DATA_DIR=$dir JIFFY_EXTERNAL_ADDRESS=127.0.0.1:$port JIFFY_INTERNAL_ADDRESS=127.0.0.1:$bus
"$jiffyd" --config "$src/config/all-in-one.config.json" --generate-keys >/dev/null
"$jiffyd" --config "$src/config/all-in-one.config.json" >"$dir/jiffyd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/openapi.json" -o "$dir/openapi.json" && break
  sleep 0.1
done
[ -s "$dir/openapi.json" ] || { echo "jiffyd did not serve /openapi.json:"; cat "$dir/jiffyd.log"; exit 1; }
cd "$dir"
"$redocly" lint openapi.json --format=summary --max-problems 1000 2>&1 | grep -Ev "^ *(║|╔|╚)" | tee lint.txt
if grep -q "^error" lint.txt || ! grep -q "Your API description is valid" lint.txt; then
  echo "FAIL: /openapi.json does not validate"
  exit 1
fi
echo "openapi.json: valid OpenAPI 3 (warnings listed above are accepted)"
