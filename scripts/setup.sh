#!/usr/bin/env bash
# Installs everything rollupd needs on a Debian 12 machine: compilers and tools, the -dev libraries,
# and the pinned npm packages (anvil, cast, solc) into ./node_modules via `npm ci`.
# Idempotent: when everything is present it returns in well under a second without touching apt.
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
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
  libcli11-dev
  libtomlplusplus-dev
  clang-format
  nodejs npm
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# Node.js and npm may come from outside apt on a developer machine; accept any working pair.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
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
stamp=node_modules/.rollupd-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "setup.sh: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
