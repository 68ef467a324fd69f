#!/usr/bin/env bash
# Compares rollupd's genesis state root with anvil's for a generated genesis.
#
#   tests/peer/genesis_root.sh <rollupd-binary> [accounts=1200]
#   tests/peer/genesis_root.sh --anvil-only [accounts=1200]   # print anvil's root, compare nothing
#
# make_genesis.mjs writes a deterministic genesis (SEED, default 1). rollupd computes its root with
# `rollupd init --genesis FILE --datadir DIR`, which prints `state root: 0x<64 hex>`. anvil (pinned
# in package-lock.json) loads the same file with --init; its block 0 reports the empty-trie root
# whatever the alloc, so the script mines one empty block and reads block 1's state root instead.
# Post-merge there is no block reward and the genesis has no EIP-4788 contract, so an empty block 1
# leaves the genesis state as it was.
#
# Exit status: 0 the roots match, 1 they differ, 2 the comparison could not be run.
set -euo pipefail

usage() {
  echo "usage: $0 <rollupd-binary | --anvil-only> [accounts=1200]" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
rollupd=$1
accounts=${2:-1200}
seed=${SEED:-1}
[[ $accounts =~ ^[1-9][0-9]*$ ]] || usage
if [[ $rollupd != --anvil-only && ! -x $rollupd ]]; then
  echo "genesis_root: $rollupd is not an executable" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

# The platform binary behind node_modules/.bin/<tool>. The .bin entries are Node wrappers (Foundry's
# npm packages, 1.7.1) that exit 0 whatever the tool returned, and on SIGTERM exit without waiting
# for the tool; the script needs both the exit status and a clean stop. npm installs only this
# platform's package, so the glob finds one; the wrapper is the fallback.
native() {
  local tool=$1 candidate
  for candidate in "$root"/node_modules/@foundry-rs/"$tool"-*/bin/"$tool"; do
    if [[ -x $candidate ]]; then
      echo "$candidate"
      return
    fi
  done
  echo "$root/node_modules/.bin/$tool"
}
anvil=$(native anvil)
cast=$(native cast)
for tool in "$anvil" "$cast"; do
  [[ -x $tool ]] || { echo "genesis_root: $tool missing (run scripts/setup.sh)" >&2; exit 2; }
done

tmp=$(mktemp -d)
anvil_pid=
# shellcheck disable=SC2317  # reached through the EXIT trap
cleanup() {
  if [[ -n $anvil_pid ]]; then
    kill "$anvil_pid" 2>/dev/null || true
    wait "$anvil_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

die() {
  echo "genesis_root: $*" >&2
  exit 2
}

genesis=$tmp/genesis.json
node "$here/make_genesis.mjs" "$genesis" "$accounts" "$seed" || die "make_genesis.mjs failed"

# --- ours -------------------------------------------------------------------------------------
ours=
if [[ $rollupd != --anvil-only ]]; then
  if ! out=$("$rollupd" init --genesis "$genesis" --datadir "$tmp/data" 2>&1); then
    printf '%s\n' "$out" >&2
    die "rollupd init failed"
  fi
  ours=$(printf '%s\n' "$out" | sed -n 's/^ *state root: *\(0x[0-9a-f]\{64\}\)$/\1/p' | head -n 1)
  if [[ -z $ours ]]; then
    printf '%s\n' "$out" >&2
    die "rollupd init printed no 'state root: 0x<64 hex>' line"
  fi
fi

# --- anvil's ----------------------------------------------------------------------------------
# A port the kernel just handed out; the window before anvil binds it is short, and a collision
# shows as anvil exiting, which the wait below reports.
port=$(node -e 'const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
rpc=http://127.0.0.1:$port
"$anvil" --init "$genesis" --hardfork cancun --accounts 0 --disable-default-create2-deployer \
  --host 127.0.0.1 --port "$port" --silent >"$tmp/anvil.log" 2>&1 &
anvil_pid=$!

ready=
for _ in $(seq 300); do  # up to 30 s: a large alloc takes anvil a while to load
  if ! kill -0 "$anvil_pid" 2>/dev/null; then
    cat "$tmp/anvil.log" >&2
    anvil_pid=
    die "anvil exited before answering (genesis refused, or port $port taken)"
  fi
  if chain_id=$("$cast" chain-id --rpc-url "$rpc" 2>/dev/null); then
    ready=1
    break
  fi
  sleep 0.1
done
[[ -n $ready ]] || die "anvil did not answer on $rpc within 30 s"
[[ $chain_id == 901 ]] || die "anvil reports chain id $chain_id, the genesis says 901"

"$cast" rpc --rpc-url "$rpc" evm_mine >/dev/null || die "evm_mine failed"
theirs=$("$cast" block 1 --field stateRoot --rpc-url "$rpc") || die "cannot read block 1"
[[ $theirs =~ ^0x[0-9a-f]{64}$ ]] || die "anvil's block 1 state root is '$theirs'"

# --- verdict ----------------------------------------------------------------------------------
if [[ $rollupd == --anvil-only ]]; then
  echo "anvil state root: $theirs ($accounts accounts, seed $seed)"
  exit 0
fi
if [[ $ours == "$theirs" ]]; then
  echo "genesis state root matches anvil: $ours ($accounts accounts, seed $seed)"
  exit 0
fi
echo "genesis state root MISMATCH ($accounts accounts, seed $seed)"
echo "  rollupd: $ours"
echo "  anvil:   $theirs"
exit 1
