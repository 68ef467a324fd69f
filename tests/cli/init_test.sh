#!/usr/bin/env bash
# `rollupd init` as an operator uses it: a fresh datadir is created and reports its genesis; the same
# file again is accepted and reports the same hash; another genesis on that datadir is refused; a
# malformed genesis is refused naming the offending key and leaves no datadir behind.
#   tests/cli/init_test.sh <rollupd-binary>
set -euo pipefail
rollupd=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # check <description> <command...>: the command must succeed
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

cat >"$tmp/a.json" <<'JSON'
{"config": {"chainId": 901, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0},
 "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00", "timestamp": "0x0", "extraData": "0x",
 "difficulty": "0x0", "alloc": {"0x00000000000000000000000000000000000000aa": {"balance": "0x10"}}}
JSON
sed 's/"0x10"/"0x11"/' "$tmp/a.json" >"$tmp/b.json"

first=$("$rollupd" init --genesis "$tmp/a.json" --datadir "$tmp/d")
hash=$(sed -n 's/^ *genesis hash: *//p' <<<"$first")
check "init prints a genesis hash" test -n "$hash"
check "init creates the database" test -f "$tmp/d/chaindata/CURRENT"
again=$("$rollupd" init --genesis "$tmp/a.json" --datadir "$tmp/d")
check "the same genesis twice is accepted with the same hash" \
  test "$(sed -n 's/^ *genesis hash: *//p' <<<"$again")" = "$hash"
if "$rollupd" init --genesis "$tmp/b.json" --datadir "$tmp/d" 2>"$tmp/err"; then
  check "another genesis on the same datadir is refused" false
else
  check "another genesis on the same datadir is refused" grep -q "already holds a chain" "$tmp/err"
fi

sed 's/"balance"/"balanse"/' "$tmp/a.json" >"$tmp/bad.json"
if "$rollupd" init --genesis "$tmp/bad.json" --datadir "$tmp/fresh" 2>"$tmp/err"; then
  check "a malformed genesis is refused" false
else
  check "a malformed genesis is refused naming the key" grep -q "balanse" "$tmp/err"
fi
check "a refused genesis writes nothing" test ! -e "$tmp/fresh"

[[ $failures -eq 0 ]] || { echo "init_test: $failures failed"; exit 1; }
echo "init_test: all passed"
