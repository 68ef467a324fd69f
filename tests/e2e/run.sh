#!/usr/bin/env bash
# End-to-end: starts a fresh rollupd on a temporary datadir, runs the client suites in this folder
# (node's built-in test runner; ethers, viem and cast from the repo's npm packages) against it, and
# checks the node is still healthy and stops cleanly afterwards. Before that it checks that the
# committed contract artifacts (tests/e2e/contracts/build) match a fresh compile.
#   tests/e2e/run.sh <rollupd-binary>
set -euo pipefail
rollupd=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/lib/background.sh"

if [[ ! -x "$root/node_modules/.bin/cast" || ! -d "$root/node_modules/ethers" ]]; then
  echo "e2e: npm packages missing; run scripts/setup.sh" >&2
  exit 1
fi
export PATH="$root/node_modules/.bin:$PATH"

status=0
# The committed contract artifacts (tests/e2e/contracts/build) must be what the sources compile to:
# a .sol changed without scripts/compile-contracts.sh fails the run. The suites still run, on the
# committed artifacts.
"$root/scripts/compile-contracts.sh" --check || status=1

node "$here/genesis.mjs" >"$tmp/genesis.json"
# The admin_ namespace, for JWT holders only; the suites sign their own tokens with this secret.
ROLLUPD_E2E_JWT_SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export ROLLUPD_E2E_JWT_SECRET
(umask 077 && printf '%s\n' "$ROLLUPD_E2E_JWT_SECRET" >"$tmp/jwt.hex")
# The log exists before the port is looked for in it: the background start may not have opened it
# yet, and sed failing on a missing file would end this script (set -e, pipefail).
: >"$tmp/log"
"$rollupd" run --datadir "$tmp/d" --genesis "$tmp/genesis.json" --http.port 0 --block-time 200 \
  --rpc.jwt-secret "$tmp/jwt.hex" >"$tmp/log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*HTTP on [^:]*:\([0-9]*\).*/\1/p' "$tmp/log" | head -1)
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { cat "$tmp/log"; exit 1; }
export ROLLUPD_URL="http://127.0.0.1:$port"

node --test --test-reporter=spec "$here"/*.test.mjs || status=$?

if ! kill -0 "$pid" 2>/dev/null; then
  echo "e2e: rollupd died during the suites" >&2
  cat "$tmp/log" >&2
  exit 1
fi
kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  echo "e2e: rollupd did not stop within 10 s of SIGTERM" >&2
  status=1
else
  wait "$pid" || { echo "e2e: rollupd exited with status $?" >&2; status=1; }
  pid=
fi
[[ $status -eq 0 ]] || { echo "--- rollupd log (last 40 lines)"; tail -40 "$tmp/log"; }
exit "$status"
