#!/usr/bin/env bash
# `rollupd run` as an operator uses it: it initialises a datadir from --genesis, produces blocks,
# serves /healthz and /metrics on the HTTP port, stops cleanly on SIGTERM and SIGINT, resumes from
# its stored head without --genesis, takes its settings from a TOML file, the environment and
# flags, and refuses bad settings with a message naming the key.
#   tests/cli/run_test.sh <rollupd-binary>
set -euo pipefail
rollupd=$1
source "$(dirname "$0")/../../scripts/lib/background.sh"
failures=0
check() {  # check <description> <command...>: the command must succeed
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

# GET <port> <path>: the whole HTTP response (bash's /dev/tcp: no curl on a bare machine).
http_get() {
  local port=$1 path=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
  cat <&3
  exec 3<&-
}

# start <log> <args...>: runs the node in the background and waits for its HTTP port.
start() {
  local log=$1
  shift
  "$rollupd" run "$@" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*HTTP on [^:]*:\([0-9]*\).*/\1/p' "$log" | head -1)
    [[ -n $port ]] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.1
  done
  cat "$log"
  return 1
}

# stop <signal>: signals the node and waits (at most 10 s) for it to exit; sets stop_status.
stop() {
  kill "-$1" "$pid"
  stop_status=timeout
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      stop_status=0
      wait "$pid" || stop_status=$?
      pid=
      return 0
    fi
    sleep 0.1
  done
}

cat >"$tmp/genesis.json" <<'JSON'
{"config": {"chainId": 901, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0},
 "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00", "timestamp": "0x0", "extraData": "0x",
 "difficulty": "0x0", "alloc": {"0x00000000000000000000000000000000000000aa": {"balance": "0x10"}}}
JSON

start "$tmp/log1" --datadir "$tmp/d" --genesis "$tmp/genesis.json" --http.port 0 --block-time 100
sleep 1
health=$(http_get "$port" /healthz)
check "/healthz answers 200 ok" grep -q '200 OK' <<<"$health"
check "/healthz reports a head" grep -q '"status":"ok","head":[1-9]' <<<"$health"
metrics=$(http_get "$port" /metrics)
check "/metrics is Prometheus text" grep -q 'Content-Type: text/plain; version=0.0.4' <<<"$metrics"
check "/metrics counts blocks" grep -Eq '^rollupd_blocks_total [1-9]' <<<"$metrics"
check "/metrics has the heads" grep -q 'rollupd_head_number{head="unsafe"}' <<<"$metrics"
check "/metrics has commit times" grep -q 'rollupd_block_commit_seconds_count' <<<"$metrics"
check "unknown paths are 404" grep -q '404' <<<"$(http_get "$port" /nope)"
stop TERM
check "SIGTERM stops the node with status 0" test "$stop_status" = 0
stopped=$(sed -n 's/.*stopped at block \([0-9]*\).*/\1/p' "$tmp/log1")
check "the node logs the block it stopped at" test -n "$stopped"
check "genesis.json is kept in the datadir" test -f "$tmp/d/genesis.json"

# Settings from a file, overridden by the environment; no --genesis needed any more.
cat >"$tmp/rollupd.toml" <<EOF2
datadir = "$tmp/d"
block_time = 5000
[http]
port = 1
[log]
format = "json"
EOF2
ROLLUPD_HTTP_PORT=0 start "$tmp/log2" --config "$tmp/rollupd.toml" --block-time 100
check "a restart resumes from the stored head" grep -q "chain 901 at block $stopped " "$tmp/log2"
check "log.format = json from the file" grep -q '^{"time":' "$tmp/log2"
check "the flag's block time beats the file's" grep -q 'sequencing every 100 ms' "$tmp/log2"
stop INT
check "SIGINT stops the node with status 0" test "$stop_status" = 0

set +e
"$rollupd" run --datadir "$tmp/d" --http.port 99999 2>"$tmp/err"
status=$?
set -e
check "an out-of-range port is refused" test "$status" = 1
check "... naming the key and its source" grep -q 'http.port (from --http.port)' "$tmp/err"
set +e
"$rollupd" run --datadir "$tmp/empty" 2>"$tmp/err"
status=$?
set -e
check "an empty datadir without --genesis is refused" test "$status" = 1
check "... saying what to do" grep -q 'give --genesis' "$tmp/err"
check "... and writes nothing" test ! -e "$tmp/empty"

[[ $failures -eq 0 ]] || { echo "run_test: $failures failed"; exit 1; }
echo "run_test: all passed"
