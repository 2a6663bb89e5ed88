#!/usr/bin/env bash
# `make test-sanitize`: the test suite again under the sanitizers, in build
# trees of their own (g++, RelWithDebInfo):
#   asan  build-asan: AddressSanitizer + UndefinedBehaviorSanitizer (leaks
#         included, undefined behaviour fatal), every suite but e2e;
#   tsan  build-tsan: ThreadSanitizer, the KVS suites (ctest -L kvs).
# Reports of every process (the suites and the jiffyd, jiffy-sluggo they
# start) are written under <build>/sanitizer/; any report fails the run, even
# from a process whose exit the test did not look at.
#
#   scripts/test-sanitize.sh [asan|tsan|all]   (default all)
set -uo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=${JOBS:-$(nproc)}
suppressions=$PWD/scripts/sanitizer
failed=()

run() { # run <name> <build dir> <cmake option> <ctest selection...>
  local name=$1 dir=$2 option=$3
  shift 3
  local start reports
  start=$(date +%s)
  echo "== $name: configure and build $dir ($option)"
  cmake -S . -B "$dir" "$option" -DJIFFY_WERROR=OFF >/dev/null || { failed+=("$name"); return; }
  # Only what the selected suites run: their executables (named as their
  # tests) and, through their dependencies, jiffyd and the plugins.
  local targets=() t
  local known
  known=$(cmake --build "$dir" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1/p')
  # A test is named as its executable, or runs one named otherwise
  # (compat_host_1_0, cluster_sim): the program of each selected test, read
  # from the generated CTestTestfile.cmake files (ctest omits programs not
  # built yet from its own listing).
  local selected
  selected=$(cd "$dir" && ctest -N "$@" | sed -n 's/^ *Test *#[0-9]*: *\([^ ]*\).*/\1/p')
  for t in $selected $(find "$dir" -name CTestTestfile.cmake -exec cat {} + | SELECTED="$selected" /usr/bin/python3 -c '
import os, re, sys
wanted = set(os.environ["SELECTED"].split())
for name, prog in re.findall(r"^add_test\((\S+) \"([^\"]+)\"", sys.stdin.read(), re.M):
    if name in wanted: print(os.path.basename(prog))'); do
    grep -qx "$t" <<<"$known" && targets+=(--target "$t")
  done
  if ! cmake --build "$dir" -j "$jobs" "${targets[@]}" >"$dir/build.log" 2>&1; then
    tail -40 "$dir/build.log" >&2
    failed+=("$name")
    return
  fi
  echo "== $name: built in $(( $(date +%s) - start )) s; ctest $*"
  rm -rf "$dir/sanitizer" && mkdir -p "$dir/sanitizer"
  local t0 rc=0
  t0=$(date +%s)
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") || rc=$?
  reports=$(find "$dir/sanitizer" -type f -size +0 | sort)
  if [ -n "$reports" ]; then
    echo "== $name: sanitizer reports:" >&2
    for r in $reports; do
      echo "--- $r" >&2
      head -60 "$r" >&2
    done
    rc=1
  fi
  echo "== $name: tests finished in $(( $(date +%s) - t0 )) s (rc $rc); total $(( $(date +%s) - start )) s"
  [ "$rc" -eq 0 ] || failed+=("$name")
}

# use_tls=0: GCC 12's LeakSanitizer can crash scanning the dynamic TLS of a
# thread after plugins were unloaded ("Tracer caught signal 11", then
# "LeakSanitizer has encountered a fatal error"; seen once in a few runs of
# the postgres suites). Leaks are still found; only pointers kept nowhere but
# in thread-local variables are not taken as roots, and jiffy keeps no heap
# pointer only there.
if [ "$what" = all ] || [ "$what" = asan ]; then
  ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:log_path=$PWD/build-asan/sanitizer/asan:suppressions=$suppressions/asan.supp" \
  LSAN_OPTIONS="suppressions=$suppressions/lsan.supp:print_suppressions=0:use_tls=0" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$PWD/build-asan/sanitizer/ubsan" \
    run asan build-asan -DJIFFY_SANITIZE=ON -LE e2e
fi
if [ "$what" = all ] || [ "$what" = tsan ]; then
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$PWD/build-tsan/sanitizer/tsan:suppressions=$suppressions/tsan.supp" \
    run tsan build-tsan -DJIFFY_TSAN=ON -L kvs -LE e2e
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "== test-sanitize: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "== test-sanitize: passed ($what)"
