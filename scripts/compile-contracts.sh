#!/usr/bin/env bash
# Compiles tests/e2e/contracts/*.sol with the pinned npm solc (0.8.37; Cancun, optimizer on, 200
# runs) into tests/e2e/contracts/build/<Name>.json, which are committed. Re-running on unchanged
# sources rewrites identical files.
#   scripts/compile-contracts.sh           recompile and write the artifacts
#   scripts/compile-contracts.sh --check   exit 1 if the committed artifacts are stale (run.sh does)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -d "$root/node_modules/solc" ]]; then
  echo "compile-contracts: npm packages missing; run scripts/setup.sh" >&2
  exit 1
fi
exec node "$root/scripts/compile-contracts.mjs" "$@"
