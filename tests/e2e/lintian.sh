#!/usr/bin/env bash
# lintian on every package `make packages` wrote: no error may remain. The
# warnings kept are listed, with the reason, in packaging/README.md; a warning
# not listed there fails too, so the list stays true.
source "$(dirname "$0")/lib.sh"
need_debs
command -v lintian >/dev/null || fail "lintian is not installed (scripts/deps.sh e2e installs it)"

step "lintian $DEBS/*.deb"
out=$(lintian --tag-display-limit 0 "$DEBS"/*.deb 2>&1 | grep -E '^[EWX]: ' || true)
echo "$out" | sed "s/^/[$E2E_NAME]   /"
if echo "$out" | grep -q '^E: '; then fail "lintian reports errors"; fi
kept=$(sed -n 's/^| `\([a-z0-9-]*\)` |.*/\1/p' "$SRC/packaging/README.md")
[ -n "$kept" ] || fail "packaging/README.md lists no kept warnings"
for tag in $(echo "$out" | sed -n 's/^W: [^:]*: \([a-z0-9-]*\).*/\1/p' | sort -u); do
  echo "$kept" | grep -qx "$tag" || fail "lintian warning $tag is not listed in packaging/README.md"
done
finish
