# Sourced by scripts and tests that run one process in the background (a node, anvil): sets `tmp`
# to a fresh temporary directory and `pid` (empty) for the process, and on exit kills the process
# if it still runs and removes the directory. A script that stops its process itself clears `pid`.
tmp=$(mktemp -d)
pid=
background_cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap background_cleanup EXIT
