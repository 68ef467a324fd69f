#!/usr/bin/env bash
# The devnet in one command: anvil as L1 (2 s blocks) and rollupd as L2 (sequencer, batcher posting
# to L1, the cheat methods), the ten development accounts funded on both.
#
#   ./scripts/devnet.sh [--reset] [--dir DIR] [--l1-port N] [--l2-port N] [--rollupd PATH]
#
#   --reset          delete the devnet's data first and start from scratch
#   --dir DIR        where the devnet keeps its data and logs (default: .devnet in the repository)
#   --l1-port N      anvil's port (default 8545)
#   --l2-port N      rollupd's HTTP and WebSocket port (default 9545)
#   --rollupd PATH   run this rollupd binary instead of installing what is missing and building
#
# A second run resumes both chains where the first stopped. Ctrl-C (or SIGTERM) stops rollupd,
# then anvil (which saves L1's state), and exits 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

dir=$root/.devnet
l1_port=8545
l2_port=9545
reset=0
rollupd=
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --reset) reset=1 ;;
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    --l1-port) l1_port=${2:?--l1-port needs a port}; shift ;;
    --l2-port) l2_port=${2:?--l2-port needs a port}; shift ;;
    --rollupd) rollupd=${2:?--rollupd needs a path}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "devnet.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
for port in "$l1_port" "$l2_port"; do
  [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || {
    echo "devnet.sh: '$port' is not a port" >&2
    exit 2
  }
done
say() { echo "devnet: $*"; }

# Tools and the node: installed and built unless a binary was given.
if [[ -z $rollupd ]]; then
  "$root/scripts/setup.sh"
  if [[ ! -f $root/build/CMakeCache.txt ]]; then
    say "configuring the build (build/)"
    cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  # The compiler's output goes to a log, shown when the build fails.
  say "building rollupd (the first build takes several minutes; log in build/devnet-build.log)"
  if ! cmake --build "$root/build" --target rollupd >"$root/build/devnet-build.log" 2>&1; then
    tail -n 40 "$root/build/devnet-build.log" >&2
    echo "devnet.sh: the build failed; the whole log is build/devnet-build.log" >&2
    exit 1
  fi
  rollupd=$root/build/bin/rollupd
fi
[[ -x $rollupd ]] || { echo "devnet.sh: no rollupd at $rollupd" >&2; exit 1; }
anvil=$(compgen -G "$root/node_modules/@foundry-rs/anvil-*/bin/anvil" | head -n 1 || true)
[[ -n $anvil ]] || { echo "devnet.sh: anvil is missing; run scripts/setup.sh" >&2; exit 1; }

# Another devnet (or anything else) on our ports would answer in place of ours.
for port in "$l1_port" "$l2_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "devnet.sh: port $port is in use (another devnet running?); stop it or choose --l1-port/--l2-port" >&2
    exit 1
  fi
done

marker=.rollupd-devnet
if ((reset)) && [[ -e $dir ]]; then
  # Only ever delete a directory this script made.
  [[ -f $dir/$marker ]] || { echo "devnet.sh: $dir is not a devnet directory; not deleting it" >&2; exit 1; }
  say "deleting $dir (--reset)"
  rm -rf "$dir"
fi
mkdir -p "$dir/l1"
dir=$(cd "$dir" && pwd)
touch "$dir/$marker"
resumed=0
[[ -d $dir/l2/chaindata ]] && resumed=1
node "$root/scripts/lib/devnet.mjs" prepare "$dir" "$l1_port" "$l2_port"

anvil_pid=
rollupd_pid=
stopping=0
stop_all() {
  stopping=1
  if [[ -n $rollupd_pid ]] && kill -0 "$rollupd_pid" 2>/dev/null; then
    say "stopping rollupd"
    kill -TERM "$rollupd_pid" 2>/dev/null || true
    wait "$rollupd_pid" 2>/dev/null || true
  fi
  if [[ -n $anvil_pid ]] && kill -0 "$anvil_pid" 2>/dev/null; then
    say "stopping anvil (saving L1's state)"
    kill -INT "$anvil_pid" 2>/dev/null || true
    wait "$anvil_pid" 2>/dev/null || true
  fi
  rollupd_pid=
  anvil_pid=
  rm -f "$dir/anvil.pid" "$dir/rollupd.pid"
}
trap stop_all EXIT
trap 'stop_all; say "stopped; run ./scripts/devnet.sh again to resume"; exit 0' INT TERM

# The children run in their own sessions: Ctrl-C reaches this script only, which stops them in
# order (rollupd first, so the batcher never sees L1 vanish under it).
wait_rpc() { # name url pid log seconds
  local deadline=$((SECONDS + $5))
  until curl -s -m 2 -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$2" | grep -q '"result"'; do
    if ! kill -0 "$3" 2>/dev/null; then
      echo "devnet.sh: $1 exited; the end of $4:" >&2
      tail -n 20 "$4" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "devnet.sh: $1 did not answer at $2 within $5 s; see $4" >&2
      return 1
    fi
    sleep 0.2
  done
}

# L1: anvil's state (blocks, transactions, accounts) is saved every 10 s and on exit, and loaded
# on the next start. Cancun rules, no history beyond what the batcher needs, and epochs of two
# slots, so that L1's finalized block (two epochs back) and with it the L2 finalized head move
# within seconds instead of anvil's default two minutes.
say "starting anvil on port $l1_port"
setsid "$anvil" --host 127.0.0.1 --port "$l1_port" --block-time 2 --prune-history \
  --hardfork cancun --gas-limit 30000000 --slots-in-an-epoch 2 \
  --state "$dir/l1/state.json" --state-interval 10 >>"$dir/anvil.log" 2>&1 &
anvil_pid=$!
echo "$anvil_pid" >"$dir/anvil.pid"
wait_rpc anvil "http://127.0.0.1:$l1_port" "$anvil_pid" "$dir/anvil.log" 60
node "$root/scripts/lib/devnet.mjs" fund "$dir" "$l1_port"

say "starting rollupd on port $l2_port ($( ((resumed)) && echo "resuming its chain" || echo "new chain"))"
setsid "$rollupd" run --config "$dir/rollupd.toml" >>"$dir/rollupd.log" 2>&1 &
rollupd_pid=$!
echo "$rollupd_pid" >"$dir/rollupd.pid"
wait_rpc rollupd "http://127.0.0.1:$l2_port" "$rollupd_pid" "$dir/rollupd.log" 120

node "$root/scripts/lib/devnet.mjs" banner "$dir" "$l1_port" "$l2_port"

# Until Ctrl-C, or until either chain stops by itself (then the other is stopped too).
set +e
wait -n "$anvil_pid" "$rollupd_pid"
set -e
((stopping)) && exit 0
for name in anvil rollupd; do
  pid_var=${name}_pid
  if ! kill -0 "${!pid_var}" 2>/dev/null; then
    echo "devnet.sh: $name stopped unexpectedly; the end of $dir/$name.log:" >&2
    tail -n 20 "$dir/$name.log" >&2
  fi
done
exit 1
