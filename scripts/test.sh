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
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

./scripts/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
for stage in "${stages[@]}"; do
  echo "==> stage: $stage"
  if [[ $stage == release ]]; then
    dir=build
    flags=(-DROLLUP_SANITIZE=OFF)
  else
    dir=build-sanitize
    flags=(-DROLLUP_SANITIZE=ON -DROLLUP_BUILD_BENCH=OFF)
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${flags[@]}" >/dev/null
  cmake --build "$dir" -j "$jobs"
  # halt_on_error: a sanitizer report fails the test instead of scrolling past.
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
  # The conformance summaries, so the log shows what was counted.
  for suite in rlp:RLPTests tx:TransactionTests; do
    "$dir/bin/rollup-conformance" "${suite%%:*}" "../shared/ethereum-tests/${suite#*:}" | tail -n 1 |
      sed "s/^/conformance ${suite%%:*} ($stage): /"
  done
done
echo "==> all stages passed: ${stages[*]}"
