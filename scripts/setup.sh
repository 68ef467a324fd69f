#!/usr/bin/env bash
# Installs everything rollupd needs on a Debian 12 machine: compilers and tools, the -dev libraries,
# and the pinned npm packages (anvil, cast, solc) into ./node_modules via `npm ci`.
# Idempotent: when everything is present it returns in well under a second without touching apt.
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates curl
  libboost1.81-dev
  librocksdb-dev
  libsecp256k1-dev
  libssl-dev
  nlohmann-json3-dev
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libzstd-dev
  libbrotli-dev
  zlib1g-dev
  libcli11-dev
  libtomlplusplus-dev
  clang-format
  nodejs npm
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

# Node.js and npm may come from outside apt on a developer machine; accept any working pair that is
# new enough (checked below, after the install).
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && (($(node_major) >= 20)); then
  filtered=()
  for pkg in "${missing[@]}"; do
    [[ "$pkg" == nodejs || "$pkg" == npm ]] || filtered+=("$pkg")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      echo "setup.sh: these Debian packages are missing: ${missing[*]}" >&2
      echo "setup.sh: installing them needs root. Run this script as root, give this user" >&2
      echo "          password-less sudo, or install them yourself with apt-get install." >&2
      exit 1
    fi
  fi
  echo "setup.sh: installing ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, pinned by package-lock.json. anvil and cast ship one optional package per platform;
# the lock lists all of them (os/cpu fields) so that `npm ci` accepts it on every platform, and npm
# installs only the one matching this machine. Re-run `npm ci` only when the lock file changed since
# the last successful install (the stamp keeps the lock's hash).
# anvil's and cast's platform packages require Node.js 20; npm would skip them silently on an older
# one (Debian 12's own nodejs is 18), so say so here instead.
if (($(node_major) < 20)); then
  echo "setup.sh: Node.js >= 20 is required for anvil and cast (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "          Install Node.js 20 or newer and run this script again." >&2
  exit 1
fi
stamp=node_modules/.rollupd-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "setup.sh: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  for tool in anvil cast; do
    if ! "node_modules/.bin/$tool" --version >/dev/null 2>&1; then
      echo "setup.sh: npm ci finished but $tool does not run; see node_modules/@foundry-rs/" >&2
      exit 1
    fi
  done
  echo "$want" >"$stamp"
fi
