#!/usr/bin/env bash
# The same JSON-RPC load against anvil and against rollupd, one after the other on this machine,
# with the same block time and the same funded accounts; prints both rates and the ratios. Then the
# EVM case on each node while it runs: the same eth_call of each loop of Bench.sol (keccak, arithmetic
# and memory, ERC-20 style transfers) at about 30M gas, on identical fresh contract state
# (bench/evm_calls.mjs); prints gas per second of both and the ratio.
#   scripts/bench-vs-anvil.sh [--transactions N] [--accounts M] [--connections K] [--block-time S]
# anvil (npm @foundry-rs/anvil) runs with --block-time S --prune-history and a 1e9 gas limit; rollupd
# with synced commits (its default) and pool limits that hold the whole load, since anvil's pool has
# none. Both get the development mnemonic's first M accounts with 10,000 ether each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
transactions=20000
accounts=100
connections=8
block_time=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --transactions) transactions=$2; shift 2 ;;
    --accounts) accounts=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --block-time) block_time=$2; shift 2 ;;
    *) echo "usage: $0 [--transactions N] [--accounts M] [--connections K] [--block-time S]" >&2; exit 2 ;;
  esac
done
loadgen=$build/bin/rollup-loadgen
rollupd=$build/bin/rollupd
anvil=$root/node_modules/.bin/anvil
for tool in "$loadgen" "$rollupd" "$anvil"; do
  [[ -x $tool ]] || { echo "bench-vs-anvil: $tool missing (build first; scripts/setup.sh for anvil)" >&2; exit 1; }
done

source "$root/scripts/lib/background.sh"

# wait_rpc <port>: until the node answers eth_blockNumber (at most 30 s).
wait_rpc() {
  for _ in $(seq 1 300); do
    if curl -s -m 1 -H 'Content-Type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' \
      "http://127.0.0.1:$1/" 2>/dev/null | grep -q result; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

stop() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}

evm_calls() {  # evm_calls <port> <out>
  node "$root/bench/evm_calls.mjs" --url "http://127.0.0.1:$1" | tee "$2"
}

load() {  # load <port> <out>
  "$loadgen" --url "http://127.0.0.1:$1" --accounts "$accounts" --transactions "$transactions" \
    --connections "$connections" | tee "$2"
}

echo "== anvil: --block-time $block_time --prune-history, $accounts accounts"
"$anvil" --port 18645 --block-time "$block_time" --prune-history --gas-limit 1000000000 \
  --accounts "$accounts" --balance 10000 --silent >"$tmp/anvil.log" 2>&1 &
pid=$!
wait_rpc 18645 || { cat "$tmp/anvil.log"; exit 1; }
load 18645 "$tmp/anvil.out"
evm_calls 18645 "$tmp/anvil.evm"
stop

echo
echo "== rollupd: --block-time $((block_time * 1000)) ms, synced commits, $accounts accounts"
"$loadgen" --write-genesis "$tmp/genesis.json" --accounts "$accounts" >/dev/null
"$rollupd" run --datadir "$tmp/rollupd" --genesis "$tmp/genesis.json" --http.port 18646 \
  --block-time $((block_time * 1000)) --log.level warn \
  --txpool.global-slots $((transactions + 1024)) --txpool.global-queue "$transactions" \
  --txpool.account-queue "$transactions" >"$tmp/rollupd.log" 2>&1 &
pid=$!
wait_rpc 18646 || { cat "$tmp/rollupd.log"; exit 1; }
load 18646 "$tmp/rollupd.out"
evm_calls 18646 "$tmp/rollupd.evm"
stop

field() { sed -n "s/^RESULT.* $2=\([0-9]*\).*/\1/p" "$1"; }
echo
echo "== $transactions transfers from $accounts accounts over $connections connections, ${block_time}s blocks"
printf '%-16s %12s %12s\n' "" anvil rollupd
for f in submit_tps inclusion_tps p50_ms p99_ms; do
  printf '%-16s %12s %12s\n' "$f" "$(field "$tmp/anvil.out" $f)" "$(field "$tmp/rollupd.out" $f)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "n/a" }'; }
echo "submit rate    rollupd / anvil: $(ratio "$(field "$tmp/anvil.out" submit_tps)" "$(field "$tmp/rollupd.out" submit_tps)")"
echo "inclusion rate rollupd / anvil: $(ratio "$(field "$tmp/anvil.out" inclusion_tps)" "$(field "$tmp/rollupd.out" inclusion_tps)")"

echo
echo "== EVM: eth_call of Bench.sol's loops at about 30M gas, median of 5 calls"
printf '%-14s %10s %10s %10s %12s %12s %8s\n' program gas "anvil ms" "rollupd ms" "anvil Mgas/s" "rollupd Mgas/s" ratio
evm_field() { sed -n "s/^RESULT program=$2 .* $3=\([0-9.]*\).*/\1/p" "$1"; }
for program in keccakLoop arithLoop transferLoop; do
  gas=$(evm_field "$tmp/rollupd.evm" $program gas)
  a=$(evm_field "$tmp/anvil.evm" $program ms)
  r=$(evm_field "$tmp/rollupd.evm" $program ms)
  awk -v p="$program" -v g="$gas" -v a="$a" -v r="$r" 'BEGIN {
    printf "%-14s %10d %10.1f %10.1f %12.1f %12.1f %7.2fx\n", p, g, a, r, g / a / 1e3, g / r / 1e3, a / r }'
done
