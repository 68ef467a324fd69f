#!/usr/bin/env bash
# The test command (README, CI). Installs what is missing (scripts/setup.sh), then builds and runs
# every ctest test (unit tests and the ethereum/tests conformance suites) in two stages:
#   release:  optimised with assertions on                     -> build/
#   sanitize: the same under AddressSanitizer + UBSan          -> build-sanitize/
# Usage: scripts/test.sh [--release | --sanitize]   (default: both stages)
# Exits non-zero on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."

stages=(release sanitize)
case "${1:-}" in
  "") ;;
  --release) stages=(release) ;;
  --sanitize) stages=(sanitize) ;;
  -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
  *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

./scripts/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
fixtures=${ROLLUP_ETHEREUM_TESTS:-$PWD/../shared/ethereum-tests}
# halt_on_error: a sanitizer report fails the run instead of scrolling past. Leak checking is off:
# LeakSanitizer cannot run under ptrace-based sandboxes, which some CI machines are.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for stage in "${stages[@]}"; do
  echo "==> stage: $stage"
  if [[ $stage == release ]]; then
    dir=build
    flags=(-DROLLUP_SANITIZE=OFF)
  else
    dir=build-sanitize
    flags=(-DROLLUP_SANITIZE=ON -DROLLUP_BUILD_BENCH=OFF)
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROLLUP_BUILD_TESTS=ON \
    -DROLLUP_ETHEREUM_TESTS="$fixtures" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j "$jobs"
  # --no-tests=error: a build that lost its tests must not pass as "nothing failed".
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs"
  # The crash tests' counts and the conformance summaries, so the log shows what was checked.
  grep -h -E '^(crash test: [0-9]+ kills|node-crash-test: )' "$dir/Testing/Temporary/LastTest.log" |
    sed "s/^/($stage) /" || true
  # Read from ctest's log rather than run again: the state suite takes minutes under the sanitizers.
  for suite in rlp tx trie keystore state; do
    awk -v t="conformance.$suite" '$0 ~ ("Test: " t "$") { f = 1 }
      f && /^[0-9]+ passed, [0-9]+ failed/ { print; exit }' "$dir/Testing/Temporary/LastTest.log" |
      sed "s/^/conformance $suite ($stage): /"
  done
done
echo "==> all stages passed: ${stages[*]}"
