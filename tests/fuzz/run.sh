#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses of tests/fuzz with clang into
# BUILD (default build-fuzz) and runs each for FUZZ_SECONDS (default 60),
# one after the other, starting from its seed corpus tests/fuzz/corpus/<name>/
# (and with the dictionary tests/fuzz/dict/<name>.dict when there is one).
# New inputs libFuzzer finds go to BUILD/corpus/<name>/ (never into the
# tree); a crash, a leak, an undefined-behaviour report, a timeout or an
# out-of-memory leaves its input in BUILD/artifacts/<name>/ and makes the
# run fail. FUZZ_TARGETS="config jwt" runs only those.
#
#   tests/fuzz/run.sh [BUILD]
#   BUILD/fuzz_<name> BUILD/artifacts/<name>/crash-...   replays one input
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc)}

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (scripts/deps.sh fuzz installs it)" >&2; exit 1; }
done
echo "== fuzz: configure and build $build (clang, -fsanitize=fuzzer,address,undefined)"
start=$(date +%s)
cmake -S "$src/tests/fuzz" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "$jobs" >"$build/build.log" 2>&1 || { tail -50 "$build/build.log" >&2; exit 1; }
echo "== fuzz: built in $(( $(date +%s) - start )) s"

# Reports name files and lines; leaks and undefined behaviour are fatal.
symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

targets=${FUZZ_TARGETS:-$(cat "$build/fuzzers.txt")}
failed=()
for t in $targets; do
  bin="$build/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no harness $bin (known: $(tr '\n' ' ' <"$build/fuzzers.txt"))" >&2; exit 1; }
  seeds="$src/tests/fuzz/corpus/$t"
  [ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; exit 1; }
  work="$build/corpus/$t" artifacts="$build/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz_$t.log"
  dict=()
  [ -f "$src/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$src/tests/fuzz/dict/$t.dict")
  echo "== fuzz_$t: ${seconds} s from $(ls "$seeds" | wc -l) seeds"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory blow-ups fail too.
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "   ok: $execs runs, $cov, corpus $(ls "$work" | wc -l) inputs"
  else
    echo "   FAILED: see $log; inputs in $artifacts/" >&2
    grep -E 'ERROR: |SUMMARY: |runtime error|invariant violated|^==[0-9]+==.*(timeout|out-of-memory)' "$log" | head -5 >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "== fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "== fuzz: all passed in $(( $(date +%s) - start )) s"
