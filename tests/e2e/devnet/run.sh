#!/usr/bin/env bash
# scripts/devnet.sh as a developer uses it: start it, send a transfer with cast (receipt, balance),
# use a cheat method, see the transfer's block become safe (its batch confirmed on L1), stop it with
# SIGTERM (the trap Ctrl-C runs), start it again, and check that both chains resumed with their
# state and that batches keep flowing.
#   tests/e2e/devnet/run.sh <rollupd-binary>
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$(realpath "$1")
cast=$root/node_modules/.bin/cast
[[ -x $cast ]] || { echo "e2e.devnet: cast missing; run scripts/setup.sh" >&2; exit 1; }
tmp=$(mktemp -d)
devnet_pid=
cleanup() {
  if [[ -n $devnet_pid ]] && kill -0 "$devnet_pid" 2>/dev/null; then
    kill -TERM "$devnet_pid" 2>/dev/null || true
    wait "$devnet_pid" 2>/dev/null || true
  fi
  # Whatever a failed run left behind (the devnet's children run in their own sessions).
  for f in "$tmp"/devnet/*.pid; do
    [[ -f $f ]] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "e2e.devnet: FAILED: $*" >&2
  for f in out1 out2 devnet/rollupd.log devnet/anvil.log; do
    [[ -f $tmp/$f ]] && { echo "--- $f (end)" >&2; tail -n 25 "$tmp/$f" >&2; }
  done
  exit 1
}
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
l1_port=$(free_port)
l2_port=$(free_port)
l2=http://127.0.0.1:$l2_port
l1=http://127.0.0.1:$l1_port
key0=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # dev account 0
to=0x00000000000000000000000000000000000d0e51
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval("v."+process.argv[1]))})' "$1"; }
safe_l2() { "$cast" rpc --rpc-url "$l2" rollup_syncStatus | json_field safe_l2.number; }

start() { # output file
  "$root/scripts/devnet.sh" --dir "$tmp/devnet" --l1-port "$l1_port" --l2-port "$l2_port" \
    --rollupd "$bin" >"$tmp/$1" 2>&1 &
  devnet_pid=$!
  local deadline=$((SECONDS + 120))
  until grep -q "rollupd devnet is running" "$tmp/$1"; do
    kill -0 "$devnet_pid" 2>/dev/null || fail "devnet.sh exited before its banner"
    ((SECONDS < deadline)) || fail "no banner within 120 s"
    sleep 0.5
  done
  sleep 0.5 # the rest of the banner
}
stop() {
  kill -TERM "$devnet_pid"
  local status=0
  wait "$devnet_pid" || status=$?
  devnet_pid=
  ((status == 0)) || fail "devnet.sh exited with $status on SIGTERM"
  for port in "$l1_port" "$l2_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port still open after stop"; fi
  done
}
wait_safe() { # block number
  local deadline=$((SECONDS + 90))
  until (($(safe_l2) >= $1)); do
    ((SECONDS < deadline)) || fail "safe head $(safe_l2) did not reach block $1 within 90 s"
    sleep 1
  done
}

# ---- first start: what the banner promises
start out1
for want in "$l2" "ws://127.0.0.1:$l2_port" "$l1" "chain id 901" "chain id 31337" \
  "(0) 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266  $key0" \
  "(9) 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720" "Ctrl-C"; do
  grep -qF -- "$want" "$tmp/out1" || fail "banner lacks '$want'"
done
[[ $("$cast" chain-id --rpc-url "$l2") == 901 ]] || fail "L2 chain id"
[[ $("$cast" balance --rpc-url "$l2" 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720) == 10000000000000000000000 ]] ||
  fail "dev account 9 is not funded with 10,000 ETH on L2"

# ---- a transfer with cast: receipt and balance
receipt=$("$cast" send --rpc-url "$l2" --private-key "$key0" "$to" --value 1.5ether --json)
status=$(json_field status <<<"$receipt")
block=$(node -e 'console.log(Number(process.argv[1]))' "$(json_field blockNumber <<<"$receipt")")
hash=$(json_field transactionHash <<<"$receipt")
[[ $status == 0x1 ]] || fail "transfer status $status"
got=$("$cast" receipt --async --rpc-url "$l2" "$hash" --json | json_field status)
[[ $got == 0x1 ]] || fail "receipt by hash $hash: status $got"
[[ $("$cast" balance --rpc-url "$l2" "$to") == 1500000000000000000 ]] || fail "recipient's balance"

# ---- a cheat method, as on anvil
"$cast" rpc --rpc-url "$l2" anvil_setBalance 0x00000000000000000000000000000000000c4ea7 0x2a >/dev/null
[[ $("$cast" balance --rpc-url "$l2" 0x00000000000000000000000000000000000c4ea7) == 42 ]] ||
  fail "anvil_setBalance"

# ---- the transfer's block reaches L1 and becomes safe
wait_safe "$block"

# ---- rollup_syncStatus's L1 blocks are anvil's own (once L1 has a finalized block: anvil's
# finalized block is two 2-slot epochs behind its head)
deadline=$((SECONDS + 60))
until sync=$("$cast" rpc --rpc-url "$l2" rollup_syncStatus) &&
  (($(json_field finalized_l1.number <<<"$sync") > 0)); do
  ((SECONDS < deadline)) || fail "L1 has no finalized block after 60 s: $sync"
  sleep 1
done
for tag in head_l1 safe_l1 finalized_l1 current_l1; do
  l1_number=$(json_field "$tag.number" <<<"$sync")
  l1_hash=$(json_field "$tag.hash" <<<"$sync")
  ((l1_number > 0)) || fail "$tag is zero"
  [[ $("$cast" block --rpc-url "$l1" "$l1_number" --json | json_field hash) == "$l1_hash" ]] ||
    fail "$tag ($l1_number, $l1_hash) is not anvil's block $l1_number"
  [[ $(json_field "$tag.parentHash" <<<"$sync") != 0x0000000000000000000000000000000000000000000000000000000000000000 ]] ||
    fail "$tag has no parent hash"
done
(($(json_field finalized_l1.number <<<"$sync") <= $(json_field safe_l1.number <<<"$sync"))) &&
  (($(json_field safe_l1.number <<<"$sync") <= $(json_field head_l1.number <<<"$sync"))) ||
  fail "L1 blocks out of order: $sync"
l2_head=$("$cast" block-number --rpc-url "$l2")
l1_head=$("$cast" block-number --rpc-url "$l1")
echo "e2e.devnet: first run: transfer in block $block, safe head reached it; L2 head $l2_head, L1 head $l1_head"
stop

# ---- second start: both chains resume with their state, and batches keep flowing
start out2
grep -q "resuming its chain" "$tmp/out2" || fail "the second start did not resume"
(($("$cast" block-number --rpc-url "$l2") >= l2_head)) || fail "L2 went back"
(($("$cast" block-number --rpc-url "$l1") >= l1_head)) || fail "L1 went back (anvil's state not kept)"
[[ $("$cast" balance --rpc-url "$l2" "$to") == 1500000000000000000 ]] || fail "balance after restart"
got=$("$cast" receipt --async --rpc-url "$l2" "$hash" --json | json_field status)
[[ $got == 0x1 ]] || fail "receipt after restart: status $got"
receipt=$("$cast" send --rpc-url "$l2" --private-key "$key0" "$to" --value 1ether --json)
block2=$(node -e 'console.log(Number(process.argv[1]))' "$(json_field blockNumber <<<"$receipt")")
[[ $("$cast" balance --rpc-url "$l2" "$to") == 2500000000000000000 ]] || fail "second transfer"
wait_safe "$block2"
echo "e2e.devnet: second run: resumed at L2 >= $l2_head, L1 >= $l1_head; transfer in block $block2 became safe"
stop
echo "e2e.devnet: passed"
