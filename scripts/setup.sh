#!/usr/bin/env bash
# Installs what CORE needs to build, run and test: Debian packages (apt-get) and front-end
# assets and browser-test tools (npm ci). Idempotent and quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# libkainjow-mustache-dev is for the tests only: the reference the compiled renderer is checked against.
PACKAGES=(g++ cmake ninja-build pkg-config make libgtest-dev libbenchmark-dev
  libpoco-dev libexpat1-dev zlib1g-dev libpq-dev libsqlite3-dev postgresql libkainjow-mustache-dev
  nlohmann-json3-dev libsodium-dev libxlsxwriter-dev wrk chromium nodejs npm curl ca-certificates unzip)

missing=()
for p in "${PACKAGES[@]}"; do
  # nodejs/npm may come from outside Debian on some machines; accept the commands.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lockfile changed since the last install.
stamp=node_modules/.core-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
echo "setup: ok"
