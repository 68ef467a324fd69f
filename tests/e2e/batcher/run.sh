#!/usr/bin/env bash
# The batcher against anvil (tests/e2e/batcher/*.test.mjs): each suite starts its own L1 and node.
#   tests/e2e/batcher/run.sh <rollupd-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [[ ! -d "$root/node_modules/ethers" ]]; then
  echo "e2e.batcher: npm packages missing; run scripts/setup.sh" >&2
  exit 1
fi
ROLLUPD_BIN=$(realpath "$1")
export ROLLUPD_BIN
exec node --test --test-reporter=spec --test-concurrency=1 "$here"/*.test.mjs
